"""With gymnasium importable, Env is a gymnasium.Env with gymnasium's spaces and the ids are
registered. Bookworm has no gymnasium: a small fake one (fake_gymnasium/) stands in, in a
subprocess so this process keeps the fallback spaces."""

import os
import pathlib
import subprocess
import sys

CHECK = r"""
import gymnasium, numpy as np, crystal_rl
assert crystal_rl.HAVE_GYMNASIUM
env = gymnasium.make("crystal_rl/Demo-v0", frames_per_action=4, hold_frames=2)
assert isinstance(env, gymnasium.Env) and isinstance(env, crystal_rl.Env)
assert getattr(env.observation_space, "FAKE", False) and getattr(env.action_space, "FAKE", False)
assert isinstance(env.observation_space, gymnasium.spaces.Dict)
obs, info = env.reset(seed=1)
assert env.observation_space.contains(obs)
assert env.step(1)[4]["episode_steps"] == 1
env.close()
assert "crystal_rl/Crystal-v0" in gymnasium.registry
assert gymnasium.registry["crystal_rl/Crystal-v0"].kwargs == {"game": "crystal"}
envs = crystal_rl.VectorEnv(2, frames_per_action=4, hold_frames=2)
assert isinstance(envs, gymnasium.vector.VectorEnv)
assert envs.metadata["autoreset_mode"] is gymnasium.vector.AutoresetMode.NEXT_STEP
envs.close()
print("gymnasium path ok")
"""


def test_with_gymnasium_the_classes_are_gymnasiums():
    fake = pathlib.Path(__file__).parent / "fake_gymnasium"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(fake), env.get("PYTHONPATH", "")])
    result = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "gymnasium path ok" in result.stdout
