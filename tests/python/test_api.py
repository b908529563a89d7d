"""Gymnasium API conformance, mirroring gymnasium.utils.env_checker: spaces and dtypes,
reset/step signatures, observations inside their spaces, seeding, render, close."""

import numpy as np
import pytest

from conftest import FAST, crystal_rl, scripted_actions


def test_spaces_match_the_observation_spec(demo_env):
    space = demo_env.observation_space
    for field in crystal_rl.observation_spec():
        child = space[field["name"]]
        assert child.shape == tuple(field["shape"])
        assert child.dtype == np.dtype(field["dtype"])
    assert demo_env.action_space.n == len(crystal_rl.ACTION_NAMES) == 9
    assert space["features"].shape == (len(crystal_rl.feature_names()),)


def test_reset_and_step_return_gymnasium_tuples_inside_the_spaces(demo_env):
    result = demo_env.reset(seed=1)
    assert isinstance(result, tuple) and len(result) == 2
    obs, info = result
    assert demo_env.observation_space.contains(obs)
    assert isinstance(info, dict)
    for action in scripted_actions(30):
        obs, reward, terminated, truncated, info = demo_env.step(int(action))
        assert demo_env.observation_space.contains(obs), "observation outside its space"
        assert isinstance(reward, float)
        assert isinstance(terminated, bool) and isinstance(truncated, bool)
        for key, value in obs.items():
            assert value.dtype == demo_env.observation_space[key].dtype
    assert set(crystal_rl.INFO_NAMES) <= info.keys()
    assert info["episode_steps"] == 30
    assert info["game_state"]["profile"] == "demo"
    assert isinstance(info["reward_breakdown"], dict)


def test_numpy_integer_actions_and_sampled_actions_are_accepted(demo_env):
    demo_env.reset(seed=0)
    demo_env.action_space.seed(0)
    for _ in range(5):
        action = demo_env.action_space.sample()
        assert demo_env.action_space.contains(action)
        demo_env.step(action)
    demo_env.step(np.int32(3))


def test_observations_are_fresh_arrays_each_step(demo_env):
    obs, _ = demo_env.reset(seed=0)
    kept = obs["screen"].copy()
    obs_next = demo_env.step(0)[0]
    assert obs["screen"] is not obs_next["screen"]
    np.testing.assert_array_equal(obs["screen"], kept)  # not overwritten by the step


def trajectory(seed, actions, **kwargs):
    env = crystal_rl.make(**FAST, **kwargs)
    obs, info = env.reset(seed=seed)
    frames = [obs["screen"].copy()]
    rewards, positions = [], [info["frame"]]
    for action in actions:
        obs, reward, _, _, info = env.step(int(action))
        frames.append(obs["screen"].copy())
        rewards.append(reward)
        positions.append((info["frame"], info["map_id"], info["x"], info["y"]))
    env.close()
    return np.stack(frames), rewards, positions


def test_the_same_seed_gives_the_same_trajectory():
    actions = scripted_actions(60, seed=3)
    a = trajectory(7, actions)
    b = trajectory(7, actions)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1] and a[2] == b[2]


def test_different_seeds_start_at_different_frames():
    starts = {trajectory(seed, [], random_start_frames=60)[2][0] for seed in range(6)}
    assert len(starts) > 1, "the seed does not change the idle frames at the start"


def test_reset_without_seed_continues_the_random_stream():
    env = crystal_rl.make(**FAST, random_start_frames=1000)
    first = env.reset(seed=5)[1]["frame"]
    later = [env.reset()[1]["frame"] for _ in range(4)]
    again = env.reset(seed=5)[1]["frame"]
    env.close()
    assert first == again
    assert len(set(later)) > 1


def test_render_is_an_rgb_array_of_the_screen():
    env = crystal_rl.make(render_mode="rgb_array", observation="features", **FAST)
    env.reset(seed=0)
    for action in scripted_actions(10):
        env.step(int(action))
    frame = env.render()
    assert frame.shape == (144, 160, 3) and frame.dtype == np.uint8
    assert frame.std() > 0, "a blank screen after the title"
    env.close()


def test_a_single_field_observation_is_that_array():
    env = crystal_rl.make(observation="visited", **FAST)
    obs, _ = env.reset(seed=0)
    assert isinstance(obs, np.ndarray) and obs.shape == env.observation_space.shape == (15, 15)
    assert obs.max() == 255  # the player's own cell
    env.close()


def test_truncation_after_max_episode_steps_and_step_needs_reset():
    env = crystal_rl.make(max_episode_steps=3, **FAST)
    env.reset(seed=0)
    flags = [env.step(0)[3] for _ in range(3)]
    assert flags == [False, False, True]
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.reset()
    assert env.step(0)[4]["episode_steps"] == 1
    env.close()


def test_save_and_load_state_replays_identically(demo_env):
    demo_env.reset(seed=0)
    actions = scripted_actions(40, seed=9)
    for action in actions[:20]:
        demo_env.step(int(action))
    state = demo_env.save_state()
    assert isinstance(state, bytes) and len(state) > 1000
    first = [demo_env.step(int(a))[0]["screen"].copy() for a in actions[20:]]
    demo_env.load_state(state)
    second = [demo_env.step(int(a))[0]["screen"].copy() for a in actions[20:]]
    np.testing.assert_array_equal(np.stack(first[3:]), np.stack(second[3:]))


def test_game_state_and_memory_reads(demo_env):
    demo_env.reset(seed=0)
    for action in scripted_actions(30):
        demo_env.step(int(action))
    state = demo_env.game_state()
    for key in ("map", "position", "badges", "money", "party", "screen", "PLAYER_MAP"):
        assert key in state
    wram = demo_env.read_memory(-1, 0xC000, 0x100)
    assert isinstance(wram, bytes) and len(wram) == 0x100
    assert demo_env.read_memory(0, 0x0134, 7) == b"CRLDEMO"  # the ROM header's title


def test_spaces_sample_inside_themselves(demo_env):
    space = demo_env.observation_space
    space.seed(4)
    sample = space.sample()
    assert space.contains(sample)
    space.seed(4)
    again = space.sample()
    for key in sample:
        np.testing.assert_array_equal(sample[key], again[key])
    bad = dict(sample, screen=sample["screen"].astype(np.float64) + 300)
    assert not space.contains(bad)
