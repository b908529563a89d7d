"""VectorEnv: equal to N single environments step for step (autoreset included), async
send/recv equal to sync stepping, in-place batch arrays."""

import numpy as np
import pytest

from conftest import FAST, crystal_rl

NUM_ENVS = 3
STEPS = 40
EPISODE = 12  # short episodes, so autoreset happens several times


def actions_for(step: int) -> np.ndarray:
    rng = np.random.default_rng(1000 + step)
    actions = rng.integers(0, 9, NUM_ENVS)
    if step in (2, 3, 4):
        actions[:] = crystal_rl.ACTION_NAMES.index("START")
    return actions


def run_singles(seed: int):
    """N single Envs driven the way Gymnasium 1.x next-step autoreset drives them."""
    envs = [crystal_rl.make(max_episode_steps=EPISODE, random_start_frames=40, **FAST)
            for _ in range(NUM_ENVS)]
    rows = []
    obs = [env.reset(seed=seed + i)[0] for i, env in enumerate(envs)]
    rows.append((np.stack([o["screen"] for o in obs]), np.zeros(NUM_ENVS), np.zeros(NUM_ENVS, bool)))
    done = [False] * NUM_ENVS
    for step in range(STEPS):
        screens, rewards, truncs = [], [], []
        for i, env in enumerate(envs):
            if done[i]:
                o, _ = env.reset()
                r, tr = 0.0, False
            else:
                o, r, _, tr, _ = env.step(int(actions_for(step)[i]))
            done[i] = tr
            screens.append(o["screen"])
            rewards.append(r)
            truncs.append(tr)
        rows.append((np.stack(screens), np.array(rewards), np.array(truncs)))
    for env in envs:
        env.close()
    return rows


def run_vector(seed: int, mode: str):
    envs = crystal_rl.VectorEnv(NUM_ENVS, max_episode_steps=EPISODE, random_start_frames=40, **FAST)
    obs, _ = envs.reset(seed=seed)
    rows = [(obs["screen"].copy(), np.zeros(NUM_ENVS), np.zeros(NUM_ENVS, bool))]
    for step in range(STEPS):
        if mode == "sync":
            obs, rew, _, trunc, info = envs.step(actions_for(step))
        elif mode == "async":
            envs.send(actions_for(step))
            obs, rew, _, trunc, info = envs.recv()
            np.testing.assert_array_equal(info["env_id"], np.arange(NUM_ENVS))
        else:  # one environment at a time, out of order
            for env_id in reversed(range(NUM_ENVS)):
                envs.send(actions_for(step)[[env_id]], [env_id])
            envs.batch_size = 1
            for _ in range(NUM_ENVS):
                envs.recv()
            envs.batch_size = NUM_ENVS
            obs, rew, trunc = envs._arrays, envs._arrays["reward"], envs._arrays["truncated"]
        rows.append((obs["screen"].copy(), rew.copy(), trunc.copy()))
    envs.close()
    return rows


def assert_same(a, b):
    assert len(a) == len(b)
    for step, (x, y) in enumerate(zip(a, b)):
        np.testing.assert_array_equal(x[0], y[0], err_msg=f"screens differ at step {step}")
        np.testing.assert_allclose(x[1], y[1], err_msg=f"rewards differ at step {step}")
        np.testing.assert_array_equal(x[2], y[2], err_msg=f"truncations differ at step {step}")


def test_vector_env_equals_single_envs_step_for_step():
    singles = run_singles(seed=21)
    assert any(row[2].any() for row in singles), "no episode ended: autoreset untested"
    assert_same(run_vector(21, "sync"), singles)


@pytest.mark.parametrize("mode", ["async", "one_at_a_time"])
def test_send_recv_equals_sync_stepping(mode):
    assert_same(run_vector(5, mode), run_vector(5, "sync"))


def test_autoreset_is_next_step_mode():
    envs = crystal_rl.VectorEnv(2, max_episode_steps=2, **FAST)
    envs.reset(seed=0)
    assert not envs.step([1, 1])[3].any()
    _, _, terminated, truncated, info = envs.step([1, 1])
    assert truncated.all() and not terminated.any()
    _, reward, _, truncated, info = envs.step([1, 1])  # the reset step: actions ignored
    assert (reward == 0).all() and not truncated.any() and (info["episode_steps"] == 0).all()
    assert (envs.step([1, 1])[4]["episode_steps"] == 1).all()
    envs.close()


def test_batch_arrays_are_written_in_place():
    envs = crystal_rl.VectorEnv(2, **FAST)
    obs, _ = envs.reset(seed=0)
    obs2, reward, *_ = envs.step([0, 0])
    assert obs2["screen"] is obs["screen"]
    assert reward is envs.step([0, 0])[1]
    assert obs["screen"].shape == (2, 3, 72, 80)
    assert envs.observation_space.contains(obs)
    assert envs.action_space.shape == (2,)
    envs.close()


def test_recv_with_a_smaller_batch_names_its_environments():
    envs = crystal_rl.VectorEnv(4, batch_size=2, **FAST)
    envs.reset(seed=0)
    envs.send(np.zeros(4, dtype=np.int64))
    seen = []
    for _ in range(2):
        obs, reward, _, _, info = envs.recv()
        assert obs["screen"].shape[0] == reward.shape[0] == len(info["env_id"]) == 2
        seen.extend(info["env_id"].tolist())
    assert sorted(seen) == [0, 1, 2, 3]
    envs.close()


def test_per_env_seeds_and_state_access():
    envs = crystal_rl.VectorEnv(3, random_start_frames=500, **FAST)
    _, info = envs.reset(seed=[4, 4, 5])
    assert info["frame"][0] == info["frame"][1]
    state = envs.save_state(2)
    envs.load_state(0, state)
    assert envs.game_state(0) == envs.game_state(2)
    assert envs.read_memory(1, -1, 0xC000, 16) == envs.read_memory(1, -1, 0xC000, 16)
    envs.close()
