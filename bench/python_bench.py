#!/usr/bin/env python3
"""make bench — environment steps per second from Python (crystal_rl) against crl::env::VectorEnv
stepped from C++ with the same environments and buttons (24 frames a step, the demo game).

Rows: the single Env (Gymnasium API, info with the game state dict), and VectorEnv with 1, 2
and 8 environments, without observations (the same work as the C++ VectorEnv: frames, game
state, rewards) and with the full observation (screen history drawn and downscaled, visited
mask, features). Ratios are Python / C++; the target is >= 0.9 for the same work.
Run: PYTHONPATH=BUILD/python python3 bench/python_bench.py [--steps N] [--runs N]
"""

import argparse
import statistics
import sys
import time

import numpy as np

try:
    import crystal_rl
except ImportError as error:
    print(f"python bench: crystal_rl not importable ({error}); build it and set PYTHONPATH")
    sys.exit(0)


def vector_rate(num_envs, steps, **kwargs):
    envs = crystal_rl.VectorEnv(num_envs, random_start_frames=0, **kwargs)
    envs.reset(seed=0)
    actions = [np.full(num_envs, step % 9, dtype=np.int64) for step in range(steps)]
    start = time.perf_counter()
    for step_actions in actions:
        envs.step(step_actions)
    rate = steps * num_envs / (time.perf_counter() - start)
    envs.close()
    return rate


def single_rate(steps, **kwargs):
    env = crystal_rl.make(random_start_frames=0, **kwargs)
    env.reset(seed=0)
    start = time.perf_counter()
    for step in range(steps):
        env.step(step % 9)
    rate = steps / (time.perf_counter() - start)
    env.close()
    return rate


def cpp_rate(num_envs, steps):
    config = crystal_rl._core.EnvConfig()
    return crystal_rl._core.cpp_vector_env_rate(config, num_envs, steps)


def median_of(runs, measure):
    return statistics.median(measure() for _ in range(runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1500, help="steps per environment per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    s, r = args.steps, args.runs
    print(f"\nPython bindings: steps/s on the demo game ({s} steps of 24 frames per env, median of {r})\n")
    print("| envs | C++ VectorEnv | Python, no observation | ratio (>= 0.9) | Python, full observation | ratio |")
    print("|---|---|---|---|---|---|")
    for n in (1, 2, 8):
        cpp = median_of(r, lambda: cpp_rate(n, s))
        bare = median_of(r, lambda: vector_rate(n, s, observation=[]))
        full = median_of(r, lambda: vector_rate(n, s))
        print(f"| {n} | {cpp:.0f} | {bare:.0f} | {bare / cpp:.3f} | {full:.0f} | {full / cpp:.3f} |")
    cpp = median_of(r, lambda: cpp_rate(1, s))
    single = median_of(r, lambda: single_rate(s))
    print(f"\nSingle crystal_rl.Env (full observation, info with the game-state dict): {single:.0f} "
          f"steps/s = {single / cpp:.3f} of one C++ env")


if __name__ == "__main__":
    main()
