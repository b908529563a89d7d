"""The GIL is released while stepping (measured), and long runs do not grow memory."""

import os
import threading
import time

import numpy as np
import pytest

from conftest import crystal_rl


def step_intervals(env, steps, out):
    for _ in range(steps):
        start = time.perf_counter()
        env.step(1)
        out.append((start, time.perf_counter()))


def overlap_seconds(a, b):
    total, j = 0.0, 0
    for start, end in a:
        for other_start, other_end in b:
            total += max(0.0, min(end, other_end) - max(start, other_start))
    return total


def test_two_threads_step_two_envs_at_once():
    # While one thread is inside step(), can the other be inside its own step()? With the GIL
    # held during a step, never (the other thread cannot even take its timestamp); released,
    # the two threads' steps overlap — on any number of cores, since the OS interleaves them.
    envs = [crystal_rl.make(frames_per_action=24, observation=[]) for _ in range(2)]
    for env in envs:
        env.reset(seed=0)
    intervals = [[], []]
    threads = [threading.Thread(target=step_intervals, args=(env, 150, out))
               for env, out in zip(envs, intervals)]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    busy = sum(end - start for end, start in ((e, s) for s, e in intervals[0]))
    overlap = overlap_seconds(intervals[0], intervals[1])
    print(f"two threads: CPU {cpu:.2f} s over wall {wall:.2f} s = {cpu / wall:.2f} cores; "
          f"steps overlapped {overlap / busy:.0%} of one thread's stepping time")
    assert overlap > 0.25 * busy, "the two threads never stepped at the same time: GIL held?"
    for env in envs:
        env.close()


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(os.environ.get("CRYSTAL_RL_SANITIZED") == "1",
                    reason="AddressSanitizer keeps freed memory in quarantine: RSS says nothing here")
def test_100000_steps_do_not_grow_memory():
    # 100,000 steps, autoresets included, one frame a step and no observation to keep it short
    # (every step still runs the machine, reads the game state and computes the rewards); then
    # 5,000 steps of the single Env with every observation and its game-state dicts.
    envs = crystal_rl.VectorEnv(1, frames_per_action=1, hold_frames=1, observation=[],
                                max_episode_steps=2000)
    envs.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 9, (100_000, 1))
    for step_actions in actions[:20_000]:  # warm up: allocator pools
        envs.step(step_actions)
    before = rss_kib()
    for step_actions in actions[20_000:]:
        envs.step(step_actions)
    grown = rss_kib() - before
    envs.close()

    env = crystal_rl.make(frames_per_action=1, hold_frames=1, max_episode_steps=2000)
    env.reset(seed=0)

    def run(count):
        for action in range(count):
            if env.step(action % 9)[3]:
                env.reset()

    run(1000)
    single_before = rss_kib()
    run(4000)
    single_grown = rss_kib() - single_before
    env.close()
    print(f"RSS grew {grown} KiB over 80,000 VectorEnv steps, {single_grown} KiB over 4,000 Env steps")
    assert grown < 2048, f"memory grew by {grown} KiB over 80,000 steps"
    assert single_grown < 1024, f"memory grew by {single_grown} KiB over 4,000 single-env steps"
