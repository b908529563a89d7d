#!/usr/bin/env python3
"""make bench — environment steps per second from Python (crystal_rl) against crl::env::VectorEnv
stepped from C++ with the same environments and buttons (24 frames a step, the demo game).

Rows: 1 environment (the single Env, and VectorEnv(1)) and VectorEnv with 2 and 8, without
observations (the same work as the C++ VectorEnv: frames, game state, rewards); then the same
with the full observation (screen history drawn and downscaled, visited mask, features), which
is more work than the C++ baseline does. On a shared machine the load changes from second to
second, so each run measures C++ and then Python back to back and the ratio is taken per run;
the table shows the medians. Target: ratio >= 0.9 for the same work.
Run: PYTHONPATH=BUILD/python python3 bench/python_bench.py [--steps N] [--runs N] [--core C]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

try:
    import crystal_rl
except ImportError as error:
    print(f"python bench: crystal_rl not importable ({error}); build it and set PYTHONPATH")
    sys.exit(0)

BUTTONS = 9  # the same sequence as the C++ baseline: action = step % 9 for every environment


def vector_rate(num_envs, steps, core, **kwargs):
    envs = crystal_rl.VectorEnv(num_envs, random_start_frames=0, core=core, **kwargs)
    envs.reset(seed=0)
    actions = [np.full(num_envs, step % BUTTONS, dtype=np.int64) for step in range(steps)]
    start = time.perf_counter()
    for step_actions in actions:
        envs.step(step_actions)
    rate = steps * num_envs / (time.perf_counter() - start)
    envs.close()
    return rate


def single_rate(steps, core, **kwargs):
    env = crystal_rl.make(random_start_frames=0, core=core, **kwargs)
    env.reset(seed=0)
    start = time.perf_counter()
    for step in range(steps):
        env.step(step % BUTTONS)
    rate = steps / (time.perf_counter() - start)
    env.close()
    return rate


def cpp_rate(num_envs, steps, core):
    config = crystal_rl._core.EnvConfig()
    config.core = core
    return crystal_rl._core.cpp_vector_env_rate(config, num_envs, steps)


def paired(runs, num_envs, steps, core, python_rate):
    """Median C++ rate, median Python rate and median per-run ratio, C++ and Python measured
    back to back in each run (alternating which goes first)."""
    cpp, python, ratios = [], [], []
    for run in range(runs):
        if run % 2 == 0:
            c = cpp_rate(num_envs, steps, core)
            p = python_rate()
        else:
            p = python_rate()
            c = cpp_rate(num_envs, steps, core)
        cpp.append(c)
        python.append(p)
        ratios.append(p / c)
    return statistics.median(cpp), statistics.median(python), statistics.median(ratios)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1500, help="steps per environment per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--core", default="native", choices=["native", "mgba"])
    args = parser.parse_args()
    s, r, core = args.steps, args.runs, args.core
    load = os.getloadavg()
    print(f"\nPython bindings: steps/s on the demo game, core {core} ({s} steps of 24 frames per "
          f"env, {r} runs, medians; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"{os.cpu_count()} CPUs)\n")
    print("| what | envs | C++ VectorEnv | Python | ratio (>= 0.9) |")
    print("|---|---|---|---|---|")
    rows = [
        ("Env, no observation", 1, lambda: single_rate(s, core, observation=[])),
        ("VectorEnv, no observation", 1, lambda: vector_rate(1, s, core, observation=[])),
        ("VectorEnv, no observation", 2, lambda: vector_rate(2, s, core, observation=[])),
        ("VectorEnv, no observation", 8, lambda: vector_rate(8, s, core, observation=[])),
        ("Env, full observation + game-state dict", 1, lambda: single_rate(s, core)),
        ("VectorEnv, full observation", 1, lambda: vector_rate(1, s, core)),
        ("VectorEnv, full observation", 2, lambda: vector_rate(2, s, core)),
        ("VectorEnv, full observation", 8, lambda: vector_rate(8, s, core)),
    ]
    for what, n, measure in rows:
        cpp, python, ratio = paired(r, n, s, core, measure)
        print(f"| {what} | {n} | {cpp:.0f} | {python:.0f} | {ratio:.3f} |", flush=True)
    print("\n(full observation rows do more work than the C++ baseline: their ratio is the cost "
          "of the observation, not of the bindings)")


if __name__ == "__main__":
    main()
