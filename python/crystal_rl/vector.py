"""crystal_rl.VectorEnv: N games stepped in parallel by C++ threads, EnvPool-style.

The arrays it returns are its own batch buffers, written in place by C++ on every step (no copy
and no allocation per step): copy what you keep across steps. The GIL is released while the
games run. Autoreset follows Gymnasium 1.x "next-step" mode: after a step that ends an episode
(terminated or truncated), the next step() of that environment ignores its action, resets it and
returns the first observation with reward 0. send()/recv() overlap learning with stepping.
"""

from __future__ import annotations

import numpy as np

from . import _core, _options
from .env import INFO_NAMES, _fresh_seed
from .spaces import HAVE_GYMNASIUM, Box, Dict, MultiDiscrete

if HAVE_GYMNASIUM:  # pragma: no cover - depends on the machine
    import gymnasium

    _Base = getattr(gymnasium.vector, "VectorEnv", object)
    try:
        from gymnasium.vector import AutoresetMode

        _NEXT_STEP = AutoresetMode.NEXT_STEP
    except ImportError:
        _NEXT_STEP = "next_step"
else:
    _Base = object
    _NEXT_STEP = "next_step"


def _batched(space, n: int):
    if isinstance(space, Dict):
        return Dict({key: _batched(child, n) for key, child in space.spaces.items()})
    return Box(
        np.broadcast_to(space.low, (n, *space.shape)).copy(),
        np.broadcast_to(space.high, (n, *space.shape)).copy(),
        (n, *space.shape),
        space.dtype,
    )


def _seeds(seed, n: int) -> list:
    if seed is None:
        return [None] * n
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be non-negative, not {seed}")
        return [int(seed) + i for i in range(n)]
    seeds = list(seed)
    if len(seeds) != n:
        raise ValueError(f"{len(seeds)} seeds for {n} environments")
    for s in seeds:
        if s is not None and (isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0):
            raise ValueError(f"each seed must be a non-negative integer or None, not {s!r}")
    return [None if s is None else int(s) for s in seeds]


class VectorEnv(_Base):
    """VectorEnv(num_envs, *, batch_size=None, seed=None, **make_kwargs).

    ``step(actions)`` steps every environment; ``send(actions, env_ids)`` starts some and
    returns at once, ``recv()`` returns the first ``batch_size`` that finish (all of them by
    default) with ``info["env_id"]`` saying which. Any make() argument applies to every
    environment.
    """

    metadata = {"autoreset_mode": _NEXT_STEP, "render_modes": ["rgb_array"]}

    def __init__(self, num_envs: int, *, batch_size: int | None = None, seed=None, **kwargs):
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer, not {num_envs!r}")
        self.num_envs = int(num_envs)
        self.batch_size = self.num_envs if batch_size is None else int(batch_size)
        if not 1 <= self.batch_size <= self.num_envs:
            raise ValueError(f"batch_size must be from 1 to num_envs ({self.num_envs}), not {batch_size}")
        self._options = _options.parse(**kwargs)
        self.render_mode = self._options.render_mode
        self.single_observation_space = _options.observation_space(self._options)
        self.single_action_space = _options.action_space()
        self.observation_space = _batched(self.single_observation_space, self.num_envs)
        self.action_space = MultiDiscrete([int(self.single_action_space.n)] * self.num_envs)
        first = [s if s is not None else _fresh_seed() for s in _seeds(seed, self.num_envs)]
        self._pool = _core.Pool(self._options.config, self.num_envs, first, self._options.observe)
        self._arrays = self._pool.arrays()
        self._all_ids = np.arange(self.num_envs, dtype=np.int64)
        self._info_columns = {name: self._arrays["info"][:, i] for i, name in enumerate(INFO_NAMES)}
        self._needs_reset = True
        self._in_flight = 0  # environments sent and not yet received
        self.closed = False
        self._monitor = None

    # --- Gymnasium's vector API --------------------------------------------------------------
    def reset(self, *, seed=None, options: dict | None = None):
        """Resets every environment (seed: one int → seed + i per environment, or a list)."""
        if self._pool_in_flight():
            raise RuntimeError("reset() while environments are in flight: recv() them first")
        seeds = _seeds(seed, self.num_envs)
        if seed is not None:
            self.action_space.seed(seeds[0])
        self._pool.reset(list(range(self.num_envs)), seeds)
        self._needs_reset = False
        return self._observation(), self._info(self._all_ids)

    def step(self, actions):
        if self._needs_reset:
            raise RuntimeError("step() before reset(): call reset() first")
        self._pool.step(np.asarray(actions, dtype=np.int64).reshape(self.num_envs))
        a = self._arrays
        return self._observation(), a["reward"], a["terminated"], a["truncated"], self._info(self._all_ids)

    # --- EnvPool's asynchronous API ----------------------------------------------------------
    def send(self, actions, env_ids=None):
        """Starts one step for each env id (all by default) and returns at once."""
        if self._needs_reset:
            raise RuntimeError("send() before reset(): call reset() first")
        ids = self._all_ids if env_ids is None else np.asarray(env_ids, dtype=np.int64).reshape(-1)
        if (ids < 0).any():
            raise ValueError("env ids must be non-negative")
        actions = np.asarray(actions, dtype=np.int64).reshape(-1)
        self._pool.send(actions, [int(i) for i in ids])
        self._in_flight += len(ids)

    def recv(self):
        """Waits for batch_size environments (fewer if fewer are in flight) and returns their
        (obs, reward, terminated, truncated, info); info["env_id"] names the rows."""
        count = min(self.batch_size, self._in_flight)
        if count == 0:
            raise RuntimeError("recv() with nothing sent: send() first")
        ids = np.asarray(self._pool.recv(count), dtype=np.int64)
        self._in_flight -= count
        if count == self.num_envs:  # every row: hand out the buffers themselves, in env order
            a = self._arrays
            return self._observation(), a["reward"], a["terminated"], a["truncated"], self._info(self._all_ids)
        a = self._arrays
        obs = self._observation(ids)
        return obs, a["reward"][ids], a["terminated"][ids], a["truncated"][ids], self._info(ids)

    # --- state, memory, picture --------------------------------------------------------------
    def save_state(self, env_id: int) -> bytes:
        return self._pool.save_state(int(env_id))

    def load_state(self, env_id: int, state: bytes):
        """Continues env_id from state bytes; its row of the observation is rewritten."""
        self._pool.load_state(int(env_id), bytes(state))

    def game_state(self, env_id: int) -> dict:
        return self._pool.game_state(int(env_id))

    def reward_breakdown(self, env_id: int) -> dict:
        return self._pool.reward_breakdown(int(env_id))

    def read_memory(self, env_id: int, bank: int, address: int, length: int = 1) -> bytes:
        return self._pool.read_memory(int(env_id), int(bank), int(address), int(length))

    def render(self):
        """Every environment's last drawn screen, a tuple of (144, 160, 3) RGB arrays."""
        return tuple(self._pool.render(i) for i in range(self.num_envs))

    def close(self, **kwargs):
        if self.closed:
            return
        if self._monitor is not None:
            self._monitor.unwatch(self)
        self._pool.close()
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def unwrapped(self):
        return self

    # --- internals ---------------------------------------------------------------------------
    def _pool_in_flight(self) -> bool:
        return self._in_flight > 0

    def _observation(self, rows=None):
        a = self._arrays
        pick = (lambda x: x) if rows is None else (lambda x: x[rows])
        if self._options.single_field:
            return pick(a[self._options.fields[0]])
        return {name: pick(a[name]) for name in self._options.fields}

    def _info(self, ids) -> dict:
        whole = ids is self._all_ids
        info = {name: (col if whole else col[ids]) for name, col in self._info_columns.items()}
        info["episode_return"] = self._arrays["episode_return"] if whole else self._arrays["episode_return"][ids]
        info["env_id"] = ids
        return info

    def __repr__(self):
        return f"<crystal_rl.VectorEnv num_envs={self.num_envs} game={self._options.config.game!r}>"
