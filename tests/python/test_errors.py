"""Bad arguments and files raise the documented exceptions, with the C++ message."""

import numpy as np
import pytest

from conftest import FAST, crystal_rl


def test_missing_files_are_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.gbc"):
        crystal_rl.make(rom=tmp_path / "nowhere.gbc")
    with pytest.raises(FileNotFoundError, match="state"):
        crystal_rl.make(state=str(tmp_path / "no.state"))
    with pytest.raises(FileNotFoundError, match="inputs"):
        crystal_rl.make(inputs=tmp_path / "no.movie")


def test_a_bad_rom_is_a_rom_error_naming_the_file(tmp_path):
    rom = tmp_path / "garbage.gbc"
    rom.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(crystal_rl.RomError, match="garbage.gbc") as error:
        crystal_rl.make(game="auto", rom=rom)
    assert isinstance(error.value, ValueError)


def test_a_bad_state_is_a_state_error_and_leaves_the_game(demo_env):
    with pytest.raises(crystal_rl.StateError):
        crystal_rl.make(state=b"not a state at all", **FAST)
    demo_env.reset(seed=0)
    before = demo_env.game_state()
    with pytest.raises(crystal_rl.StateError):
        demo_env.load_state(demo_env.save_state()[:-10])
    assert demo_env.game_state() == before


@pytest.mark.parametrize("kwargs, message", [
    (dict(game="zelda"), "game must be"),
    (dict(game="crystal", rom=None), "needs rom"),
    (dict(core="sameboy"), "core must be"),
    (dict(frames_per_action=0), "frames_per_action"),
    (dict(frames_per_action=4, hold_frames=5), "hold_frames"),
    (dict(observation="pixels"), "unknown observation"),
    (dict(observation=["screen", "smell"]), "unknown observation field"),
    (dict(max_episode_steps=0), "max_episode_steps"),
    (dict(render_mode="human"), "render_mode"),
    (dict(rewards={"new_tile": 1, "no_such_reward": 2}), "no_such_reward"),
    (dict(random_start_frames=-1), "random_start_frames"),
])
def test_bad_arguments_are_value_errors(kwargs, message, monkeypatch):
    monkeypatch.delenv("CRYSTAL_RL_ROM", raising=False)
    with pytest.raises(ValueError, match=message):
        crystal_rl.make(**kwargs)


def test_wrong_kinds_are_type_errors():
    with pytest.raises(TypeError):
        crystal_rl.make(frames_per_action="24")
    with pytest.raises(TypeError):
        crystal_rl.make(rom=42)


def test_bad_actions_and_reads(demo_env):
    with pytest.raises(RuntimeError, match="reset"):
        demo_env.step(0)
    demo_env.reset(seed=0)
    with pytest.raises(ValueError, match="action 9"):
        demo_env.step(9)
    with pytest.raises(ValueError, match="action -1"):
        demo_env.step(-1)
    with pytest.raises(ValueError, match="outside"):
        demo_env.read_memory(-1, 0xFFF0, 0x20)
    with pytest.raises(ValueError, match="bank"):
        demo_env.read_memory(600, 0x4000, 1)
    with pytest.raises(TypeError):
        demo_env.load_state("a path is not state bytes")


def test_vector_misuse():
    with pytest.raises(ValueError, match="num_envs"):
        crystal_rl.VectorEnv(0)
    envs = crystal_rl.VectorEnv(2, **FAST)
    envs.reset(seed=0)
    with pytest.raises(ValueError, match="out of range"):
        envs.send([0], [5])
    with pytest.raises(ValueError, match="given twice"):
        envs.send([0, 0], [1, 1])
    with pytest.raises(RuntimeError, match="nothing sent"):
        envs.recv()
    envs.send([0], [1])
    with pytest.raises(ValueError, match="in flight"):
        envs.send([0], [1])
    with pytest.raises(ValueError, match="stepping"):
        envs.game_state(1)
    envs.recv()
    with pytest.raises(ValueError):
        envs.step(np.zeros(3, dtype=np.int64))
    envs.close()
    with pytest.raises(RuntimeError, match="closed"):
        envs.game_state(0)
