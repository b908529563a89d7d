"""Shared fixtures for the crystal_rl tests. ctest runs them with PYTHONPATH set to the built
package (build/python); run by hand: PYTHONPATH=build/python python3 -m pytest tests/python."""

import os
import pathlib

import numpy as np
import pytest

crystal_rl = pytest.importorskip(
    "crystal_rl", reason="crystal_rl is not importable: build it (cmake --build BUILD) and set "
    "PYTHONPATH=BUILD/python"
)

SOURCE_DIR = pathlib.Path(os.environ.get("CRYSTAL_RL_SOURCE_DIR", pathlib.Path(__file__).parents[2]))

# Fast settings for tests that only need the machinery: few frames per step.
FAST = dict(frames_per_action=4, hold_frames=2)


def scripted_actions(count: int, seed: int = 0) -> np.ndarray:
    """Random buttons with START early, so the demo game leaves its title screen."""
    actions = np.random.default_rng(seed).integers(0, crystal_rl.env.ACTION_NAMES.__len__(), count)
    actions[2:6] = crystal_rl.ACTION_NAMES.index("START")
    return actions


@pytest.fixture
def demo_env():
    env = crystal_rl.make(game="demo", **FAST)
    yield env
    env.close()
