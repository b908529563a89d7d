"""Fake gymnasium.spaces: classes that say they are the fake's, with the attributes used."""

import numpy as np


class Space:
    FAKE = True

    def __init__(self, shape=None, dtype=None, seed=None):
        self.shape = None if shape is None else tuple(shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self.rng = np.random.default_rng(seed)

    def seed(self, seed=None):
        self.rng = np.random.default_rng(seed)


class Discrete(Space):
    def __init__(self, n, seed=None, start=0):
        super().__init__((), np.int64, seed)
        self.n = n

    def sample(self):
        return np.int64(self.rng.integers(self.n))

    def contains(self, x):
        return 0 <= int(x) < self.n


class MultiDiscrete(Space):
    def __init__(self, nvec, dtype=np.int64, seed=None):
        self.nvec = np.asarray(nvec)
        super().__init__(self.nvec.shape, dtype, seed)


class Box(Space):
    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        super().__init__(shape, dtype, seed)
        self.low = np.full(self.shape, low, dtype) if np.isscalar(low) else np.asarray(low, dtype)
        self.high = np.full(self.shape, high, dtype) if np.isscalar(high) else np.asarray(high, dtype)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool((x >= self.low).all() and (x <= self.high).all())


class Dict(Space):
    def __init__(self, spaces, seed=None):
        super().__init__()
        self.spaces = dict(spaces)

    def __getitem__(self, key):
        return self.spaces[key]

    def contains(self, x):
        return x.keys() == self.spaces.keys() and all(s.contains(x[k]) for k, s in self.spaces.items())
