"""crystal_rl — Game Boy / Game Boy Color games (Pokémon Crystal, the embedded demo game) as
reinforcement-learning environments, over crystal-rl's C++ core.

    env = crystal_rl.make(game="demo")               # Gymnasium's API
    envs = crystal_rl.VectorEnv(8, game="demo")      # batched, in-place, GIL released
    crystal_rl.Monitor(port=8080, env=envs)          # watch it in a browser

See docs/python.md.
"""

from . import _core
from ._core import RomError, StateError
from ._options import OBSERVATION_FIELDS
from .env import ACTION_NAMES, INFO_NAMES, Env, make
from .monitor import Monitor
from .spaces import HAVE_GYMNASIUM
from .vector import VectorEnv

__all__ = [
    "make", "Env", "VectorEnv", "Monitor", "RomError", "StateError", "ACTION_NAMES",
    "INFO_NAMES", "OBSERVATION_FIELDS", "observation_spec", "feature_names", "HAVE_GYMNASIUM",
]
__version__ = "0.1.0"


def observation_spec() -> list:
    """The observation fields (name, shape, dtype, meaning), the same as the C++ learner's."""
    return _core.observation_spec()


def feature_names() -> list:
    """One name per element of the "features" observation."""
    return list(_core.feature_names())


def _register() -> None:
    import gymnasium

    for env_id, game in (("crystal_rl/Demo-v0", "demo"), ("crystal_rl/Crystal-v0", "crystal")):
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point="crystal_rl.env:Env", kwargs={"game": game})


if HAVE_GYMNASIUM:  # pragma: no cover - depends on the machine
    _register()
