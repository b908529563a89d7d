"""crystal_rl.Env: one emulated game with Gymnasium's API (a real gymnasium.Env when
gymnasium is installed)."""

from __future__ import annotations

import numpy as np

from . import _core, _options
from .spaces import HAVE_GYMNASIUM


class _PlainBase:
    """What gymnasium.Env would give, for machines without gymnasium."""

    _np_random = None

    @property
    def np_random(self) -> np.random.Generator:
        if self._np_random is None:
            self._np_random = np.random.default_rng()
        return self._np_random

    @property
    def unwrapped(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


if HAVE_GYMNASIUM:  # pragma: no cover - depends on the machine
    import gymnasium

    _Base = gymnasium.Env
else:
    _Base = _PlainBase

INFO_NAMES = tuple(_core.info_names())
ACTION_NAMES = tuple(_core.action_names())  # index = action: NOOP, A, B, START, SELECT, UP, ...


def _fresh_seed() -> int:
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


class Env(_Base):
    """One game. ``step(action)`` presses one of the buttons (``ACTION_NAMES``) for
    ``hold_frames`` of ``frames_per_action`` frames and returns Gymnasium's 5-tuple.

    Observations are fresh arrays on every call (they can be kept); ``info`` holds the game
    state (``info["game_state"]``), the reward's parts (``info["reward_breakdown"]``) and the
    numbers in ``INFO_NAMES`` plus ``episode_return``. Episodes never terminate by themselves
    (the game has no end the environment could know); they are truncated after
    ``max_episode_steps``. While stepping, the GIL is released.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 60}

    def __init__(self, **kwargs):
        self._options = _options.parse(**kwargs)
        self.render_mode = self._options.render_mode
        self.observation_space = _options.observation_space(self._options)
        self.action_space = _options.action_space()
        self._pool = _core.Pool(self._options.config, 1, [_fresh_seed()], self._options.observe)
        self._arrays = self._pool.arrays()
        self._needs_reset = True
        self._monitor = None

    # --- Gymnasium's API -------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
                raise ValueError(f"seed must be a non-negative integer or None, not {seed!r}")
            self._np_random = np.random.default_rng(int(seed))
            self.action_space.seed(int(seed))
        self._pool.reset([0], [None if seed is None else int(seed)])
        self._needs_reset = False
        return self._observation(), self._info(full=True)

    def step(self, action):
        if self._needs_reset:
            raise RuntimeError("step() before reset(): call reset() first")
        self._pool.step(np.asarray([action], dtype=np.int64).reshape(1))
        a = self._arrays
        terminated, truncated = bool(a["terminated"][0]), bool(a["truncated"][0])
        # Gymnasium's single environments do not reset themselves: the caller does.
        self._needs_reset = terminated or truncated
        return self._observation(), float(a["reward"][0]), terminated, truncated, self._info(True)

    def render(self):
        """The last drawn screen as a (144, 160, 3) uint8 RGB array. Frames are drawn when the
        observation includes "screen" or render_mode="rgb_array"."""
        return self._pool.render(0)

    def close(self):
        if self._monitor is not None:
            self._monitor.unwatch(self)
        self._pool.close()

    # --- state and memory ------------------------------------------------------------------
    def save_state(self) -> bytes:
        """The whole machine (CPU, memory, cartridge RAM, clock) as crystal-rl's state bytes."""
        return self._pool.save_state(0)

    def load_state(self, state: bytes):
        """Continues from state bytes (save_state() or a crystal-rl .state file); returns the
        observation there. The reward's memory of the episode starts afresh. StateError if the
        bytes are not a state of this ROM (the game is then unchanged)."""
        if not isinstance(state, (bytes, bytearray, memoryview)):
            raise TypeError(f"state must be bytes, not {type(state).__name__}")
        self._pool.load_state(0, bytes(state))
        self._needs_reset = False
        return self._observation()

    def game_state(self) -> dict:
        """What the game's profile reads from memory now (position, map, party, badges ...)."""
        return self._pool.game_state(0)

    def read_memory(self, bank: int, address: int, length: int = 1) -> bytes:
        """Bytes at address.. in `bank` (WRAM 1-7 for D000-DFFF, cartridge RAM for A000-BFFF,
        VRAM for 8000-9FFF, ROM for 4000-7FFF; -1: as mapped now). Never disturbs the game."""
        return self._pool.read_memory(0, int(bank), int(address), int(length))

    # --- internals -------------------------------------------------------------------------
    def _observation(self):
        if self._options.single_field:
            return self._arrays[self._options.fields[0]][0].copy()
        return {name: self._arrays[name][0].copy() for name in self._options.fields}

    def _info(self, full: bool) -> dict:
        a = self._arrays
        info = {name: int(a["info"][0, i]) for i, name in enumerate(INFO_NAMES)}
        info["episode_return"] = float(a["episode_return"][0])
        if full:
            info["game_state"] = self._pool.game_state(0)
            info["reward_breakdown"] = self._pool.reward_breakdown(0)
        return info

    def __repr__(self):
        return f"<crystal_rl.Env game={self._options.config.game!r}>"


def make(**kwargs) -> Env:
    """crystal_rl.make(game="demo", rom=None, state=None, inputs=None, core=None,
    frames_per_action=24, hold_frames=8, rewards=None, observation="all",
    max_episode_steps=None, random_start_frames=30, render_mode=None, rtc_start=None)."""
    return Env(**kwargs)
