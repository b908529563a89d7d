"""Pokémon Crystal through the Python API, on your own ROM: $CRYSTAL_RL_ROM (US 1.0 or 1.1).
Skipped with that reason when it is not set. From power-on, pressing A (START every fourth step)
gets through the title, the intro and the naming screen into the player's room; the game state
there is the one the real game's RAM snapshot holds (../shared/crystal/ram-snapshots/
02_players_room: map 24:7 "NEW BARK TOWN", x 3, y 3, 3,000 money, no party)."""

import os

import numpy as np
import pytest

from conftest import crystal_rl

ROM = os.environ.get("CRYSTAL_RL_ROM")
pytestmark = pytest.mark.skipif(
    not ROM, reason="set CRYSTAL_RL_ROM to your Pokémon Crystal ROM (crystal-rl ships none)"
)

PLAYERS_ROOM = 24 << 8 | 7  # map group 24, number 7
W_MAP_GROUP = 0xDCB5  # WRAM bank 1: group, number, y, x (key-symbols.txt)
MAX_STEPS = 300


def intro_button(step: int) -> int:
    return crystal_rl.ACTION_NAMES.index("START" if step % 4 == 3 else "A")


def test_crystal_from_power_on_to_the_players_room():
    env = crystal_rl.make(game="crystal")  # the ROM from $CRYSTAL_RL_ROM
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    assert info["game_state"]["profile"] == "crystal"
    assert info["game_state"]["screen"] == "title"
    assert env.read_memory(0, 0x0134, 10) == b"PM_CRYSTAL"  # the ROM header's title
    for step in range(MAX_STEPS):
        obs, reward, terminated, truncated, info = env.step(intro_button(step))
        if info["game_state"]["screen"] == "overworld":
            break
    else:
        pytest.fail(f"no overworld after {MAX_STEPS} steps of A/START")
    assert env.observation_space.contains(obs)
    state = info["game_state"]
    assert state["map"] == {"id": PLAYERS_ROOM, "name": "NEW BARK TOWN"}
    assert (state["position"]["x"], state["position"]["y"]) == (3, 3)
    assert state["money"] == 3000 and state["party"] == [] and state["badges"]["count"] == 0
    assert (info["map_id"], info["x"], info["y"], info["money"]) == (PLAYERS_ROOM, 3, 3, 3000)
    assert env.read_memory(1, W_MAP_GROUP, 4) == bytes([24, 7, 3, 3])
    assert info["reward_breakdown"].get("new_map", 0) > 0, "entering the first map is rewarded"
    env.close()


def test_crystal_vector_env_rows_with_the_same_seed_play_alike():
    # The real game with its clock: the same seed and buttons give the same game, row for row.
    envs = crystal_rl.VectorEnv(2, game="crystal", observation=["features", "map"])
    envs.reset(seed=[5, 5])
    for step in range(MAX_STEPS):
        obs, reward, _, _, info = envs.step(np.full(2, intro_button(step)))
        np.testing.assert_array_equal(obs["features"][0], obs["features"][1])
        assert reward[0] == reward[1]
        if info["map_id"][0] == PLAYERS_ROOM:
            break
    assert (info["map_id"] == PLAYERS_ROOM).all(), f"not in the player's room after {step + 1} steps"
    assert envs.game_state(1)["map"]["name"] == "NEW BARK TOWN"
    state = envs.save_state(0)
    envs.load_state(1, state)
    assert envs.read_memory(1, -1, 0xC000, 0x1000) == envs.read_memory(0, -1, 0xC000, 0x1000)
    envs.close()
