"""make()'s arguments, checked once and turned into the C++ EnvConfig and the spaces.

Shared by Env and VectorEnv so both accept exactly the same options and raise the same
documented exceptions: FileNotFoundError for a missing file, ValueError for a bad value (a ROM
or state the emulator refuses is crystal_rl.RomError / crystal_rl.StateError, both ValueErrors),
TypeError for an argument of the wrong kind.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from . import _core
from .spaces import Box, Dict, Discrete

OBSERVATION_FIELDS = tuple(field["name"] for field in _core.observation_spec())
CORES = ("native", "mgba")  # crystal-rl's own core (the default) and libmgba (the reference)


@dataclass(frozen=True)
class Options:
    config: "_core.EnvConfig"
    fields: tuple  # observation fields returned, in the spec's order
    single_field: bool  # observation is that one array, not a dict
    observe: bool
    render_mode: str | None


def _path(value, what: str) -> str:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what} must be a path, not {type(value).__name__}")
    path = os.fspath(value)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} file not found: {path}")
    return path


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}")
    return int(value)


def _fields(observation) -> tuple[tuple, bool]:
    if observation in ("all", None):
        return OBSERVATION_FIELDS, False
    if isinstance(observation, str):
        if observation not in OBSERVATION_FIELDS:
            raise ValueError(
                f"unknown observation '{observation}': one of {', '.join(OBSERVATION_FIELDS)} or 'all'"
            )
        return (observation,), True
    try:
        names = list(observation)
    except TypeError:
        raise TypeError("observation must be 'all', a field name or a list of field names") from None
    for name in names:
        if name not in OBSERVATION_FIELDS:
            raise ValueError(
                f"unknown observation field '{name}': the fields are {', '.join(OBSERVATION_FIELDS)}"
            )
    return tuple(name for name in OBSERVATION_FIELDS if name in names), False


def parse(
    game="demo",
    rom=None,
    state=None,
    inputs=None,
    core=None,
    frames_per_action=24,
    hold_frames=8,
    rewards=None,
    observation="all",
    max_episode_steps=None,
    random_start_frames=30,
    render_mode=None,
    rtc_start=None,
) -> Options:
    config = _core.EnvConfig()
    if game not in ("demo", "crystal", "auto"):
        raise ValueError(f"game must be 'demo', 'crystal' or 'auto', not {game!r}")
    config.game = game
    if rom is None and game == "crystal" and os.environ.get("CRYSTAL_RL_ROM"):
        rom = os.environ["CRYSTAL_RL_ROM"]
    if rom is not None:
        config.rom = _path(rom, "ROM")
    elif game != "demo":
        raise ValueError(f"game={game!r} needs rom=PATH (or $CRYSTAL_RL_ROM): crystal-rl ships no ROM")
    if core not in (None, *CORES):
        raise ValueError(f"core must be one of {', '.join(CORES)}, not {core!r}")
    config.core = core or "native"
    if state is not None:
        if isinstance(state, (bytes, bytearray, memoryview)):
            config.set_state(bytes(state))
        else:
            with open(_path(state, "state"), "rb") as file:
                config.set_state(file.read())
    if inputs is not None:
        config.inputs = _path(inputs, "inputs movie")
    config.frames_per_action = _int(frames_per_action, "frames_per_action")
    config.hold_frames = _int(hold_frames, "hold_frames")
    if rewards is not None:
        if isinstance(rewards, dict):
            config.rewards_json = json.dumps(rewards)
            config.rewards_source = "rewards dict"
        else:
            path = _path(rewards, "rewards")
            with open(path, encoding="utf-8") as file:
                config.rewards_json = file.read()
            config.rewards_source = path
    if max_episode_steps is not None:
        steps = _int(max_episode_steps, "max_episode_steps")
        if steps < 1:
            raise ValueError(f"max_episode_steps must be positive (or None: endless), not {steps}")
        config.max_episode_steps = steps
    config.random_start_frames = _int(random_start_frames, "random_start_frames")
    if rtc_start is not None:
        config.rtc_start = _int(rtc_start, "rtc_start")
    if render_mode not in (None, "rgb_array"):
        raise ValueError(f"render_mode must be None or 'rgb_array', not {render_mode!r}")
    fields, single = _fields(observation)
    config.draw_screen = "screen" in fields or render_mode == "rgb_array"
    return Options(config, fields, single, bool(fields), render_mode)


def field_space(name: str):
    spec = next(field for field in _core.observation_spec() if field["name"] == name)
    shape, dtype = tuple(spec["shape"]), np.dtype(spec["dtype"])
    if dtype == np.uint8:
        return Box(0, 255, shape, np.uint8)
    if dtype == np.int64:
        return Box(0, _core.map_slots - 1, shape, np.int64)
    return Box(-np.inf, np.inf, shape, np.float32)


def observation_space(options: Options):
    if options.single_field:
        return field_space(options.fields[0])
    return Dict({name: field_space(name) for name in options.fields})


def action_space():
    return Discrete(_core.num_actions)
