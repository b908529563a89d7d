"""Fake gymnasium.vector: the base class and autoreset mode of Gymnasium 1.x."""

import enum


class AutoresetMode(enum.Enum):
    NEXT_STEP = "NextStep"


class VectorEnv:
    metadata = {}
