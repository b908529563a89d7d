"""Observation and action spaces.

With ``gymnasium`` importable these are Gymnasium's own classes. Without it, small stand-ins
with the same attributes and methods (``shape``, ``dtype``, ``n``, ``seed()``, ``sample()``,
``contains()``, ``in``) so code written against Gymnasium's spaces still works.
"""

from __future__ import annotations

import numpy as np

try:  # pragma: no cover - depends on the machine
    import gymnasium as _gymnasium
    from gymnasium.spaces import Box, Dict, Discrete, MultiDiscrete, Space

    HAVE_GYMNASIUM = True
except ImportError:
    _gymnasium = None
    HAVE_GYMNASIUM = False

    class Space:
        """A set of values with a shape and dtype that can be sampled from."""

        def __init__(self, shape=None, dtype=None, seed=None):
            self._shape = None if shape is None else tuple(int(d) for d in shape)
            self.dtype = None if dtype is None else np.dtype(dtype)
            self._np_random = None
            if seed is not None:
                self.seed(seed)

        @property
        def shape(self):
            return self._shape

        @property
        def np_random(self) -> np.random.Generator:
            if self._np_random is None:
                self._np_random = np.random.default_rng()
            return self._np_random

        def seed(self, seed=None):
            self._np_random = np.random.default_rng(seed)
            return [seed]

        def sample(self):
            raise NotImplementedError

        def contains(self, x) -> bool:
            raise NotImplementedError

        def __contains__(self, x) -> bool:
            return self.contains(x)

    class Discrete(Space):
        """The integers start, ..., start + n - 1."""

        def __init__(self, n: int, seed=None, start: int = 0):
            if int(n) <= 0:
                raise ValueError("Discrete needs n > 0")
            self.n = np.int64(n)
            self.start = np.int64(start)
            super().__init__((), np.int64, seed)

        def sample(self):
            return np.int64(self.start + self.np_random.integers(self.n))

        def contains(self, x) -> bool:
            if isinstance(x, (int, np.integer)):
                value = int(x)
            elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
                value = int(x)
            else:
                return False
            return int(self.start) <= value < int(self.start + self.n)

        def __repr__(self):
            return f"Discrete({int(self.n)})"

        def __eq__(self, other):
            return isinstance(other, Discrete) and self.n == other.n and self.start == other.start

    class MultiDiscrete(Space):
        """One Discrete(n) per element: a batch of discrete actions."""

        def __init__(self, nvec, dtype=np.int64, seed=None):
            self.nvec = np.asarray(nvec, dtype=dtype)
            if (self.nvec <= 0).any():
                raise ValueError("MultiDiscrete needs every n > 0")
            super().__init__(self.nvec.shape, dtype, seed)

        def sample(self):
            return (self.np_random.random(self.nvec.shape) * self.nvec).astype(self.dtype)

        def contains(self, x) -> bool:
            x = np.asarray(x)
            return (
                x.shape == self.shape
                and np.issubdtype(x.dtype, np.integer)
                and bool(((x >= 0) & (x < self.nvec)).all())
            )

        def __repr__(self):
            return f"MultiDiscrete({self.nvec.tolist()})"

    class Box(Space):
        """Arrays of a shape and dtype whose elements lie in [low, high]."""

        def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
            dtype = np.dtype(dtype)
            if shape is None:
                shape = np.broadcast(np.asarray(low), np.asarray(high)).shape
            self.low = np.full(shape, low, dtype=dtype) if np.isscalar(low) else np.asarray(low, dtype)
            self.high = (
                np.full(shape, high, dtype=dtype) if np.isscalar(high) else np.asarray(high, dtype)
            )
            super().__init__(shape, dtype, seed)

        def sample(self):
            if np.issubdtype(self.dtype, np.integer):
                return self.np_random.integers(
                    self.low.astype(np.int64), self.high.astype(np.int64), size=self.shape,
                    endpoint=True,
                ).astype(self.dtype)
            low = np.where(np.isfinite(self.low), self.low, -1.0)
            high = np.where(np.isfinite(self.high), self.high, 1.0)
            return self.np_random.uniform(low, high, size=self.shape).astype(self.dtype)

        def contains(self, x) -> bool:
            if not isinstance(x, np.ndarray):
                try:
                    x = np.asarray(x, dtype=self.dtype)
                except (ValueError, TypeError):
                    return False
            return (
                x.shape == self.shape
                and np.can_cast(x.dtype, self.dtype)
                and bool(np.all(x >= self.low))
                and bool(np.all(x <= self.high))
            )

        def __repr__(self):
            return f"Box({self.shape}, {self.dtype})"

    class Dict(Space):
        """A dict of named spaces; samples and members are dicts with the same keys."""

        def __init__(self, spaces: dict, seed=None):
            self.spaces = dict(spaces)
            super().__init__(None, None, None)
            if seed is not None:
                self.seed(seed)

        def seed(self, seed=None):
            seeds = np.random.SeedSequence(seed).spawn(len(self.spaces))
            for space, child in zip(self.spaces.values(), seeds):
                space.seed(int(child.generate_state(1)[0]))
            return [seed]

        def sample(self):
            return {key: space.sample() for key, space in self.spaces.items()}

        def contains(self, x) -> bool:
            return (
                isinstance(x, dict)
                and x.keys() == self.spaces.keys()
                and all(space.contains(x[key]) for key, space in self.spaces.items())
            )

        def __getitem__(self, key):
            return self.spaces[key]

        def keys(self):
            return self.spaces.keys()

        def items(self):
            return self.spaces.items()

        def __repr__(self):
            return "Dict(" + ", ".join(f"{k}: {v!r}" for k, v in self.spaces.items()) + ")"


__all__ = ["Space", "Box", "Discrete", "MultiDiscrete", "Dict", "HAVE_GYMNASIUM"]
