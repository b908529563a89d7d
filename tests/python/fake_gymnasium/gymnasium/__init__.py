"""A stand-in for the gymnasium package (not in Debian bookworm), just enough for crystal_rl's
"gymnasium is installed" path: Env, spaces, vector.VectorEnv, register/registry/make. Used only
by test_gymnasium_path.py, on sys.path of a subprocess."""

import importlib

from . import spaces, vector  # noqa: F401

registry = {}


class Env:
    _np_random = None
    metadata = {}

    @property
    def unwrapped(self):
        return self


class EnvSpec:
    def __init__(self, id, entry_point, kwargs):
        self.id, self.entry_point, self.kwargs = id, entry_point, kwargs


def register(id, entry_point, kwargs=None):
    if id in registry:
        raise RuntimeError(f"{id} registered twice")
    registry[id] = EnvSpec(id, entry_point, kwargs or {})


def make(id, **kwargs):
    spec = registry[id]
    module, name = spec.entry_point.split(":")
    return getattr(importlib.import_module(module), name)(**{**spec.kwargs, **kwargs})
