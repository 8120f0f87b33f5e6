"""The timing of `exback sos`: the pause's countdown and the paced breath. Pure.

Everything takes the seconds elapsed (the clock is read by whoever draws it), so
the arithmetic is tested without waiting; no test asserts wall-clock time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exback.models import Breathing

PHASE_WORDS = {"in": "Breathe in", "hold": "Hold", "out": "Breathe out"}
PLAIN_EVERY = 30
"""Seconds between the lines of the plain (non-animated) pause."""


def seconds_left(total: float, elapsed: float) -> int:
    """Whole seconds left of `total`, counted up (10 until the tenth second has passed)."""
    return max(0, math.ceil(total - elapsed))


def clock(seconds: int) -> str:
    """Seconds as m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def pause_marks(total: int) -> list[float]:
    """When the plain pause prints a line: at the start, then every PLAIN_EVERY seconds."""
    return [float(t) for t in range(0, total, PLAIN_EVERY)]


@dataclass(frozen=True)
class Breath:
    """Where the paced breath is: the phase, how far through it (0 to 1), and the round."""

    phase: str
    """"in", "hold" or "out"."""
    seconds: int
    """The phase's length."""
    left: int
    """Whole seconds left in the phase."""
    fraction: float
    round: int
    rounds: int

    @property
    def words(self) -> str:
        return PHASE_WORDS[self.phase]


def phases(b: Breathing) -> list[tuple[str, int]]:
    """One round's phases and their seconds (a hold of 0 is left out)."""
    every = (("in", b.breathe_in), ("hold", b.hold), ("out", b.breathe_out))
    return [(phase, seconds) for phase, seconds in every if seconds]


def total_seconds(b: Breathing) -> int:
    """How long the whole exercise lasts."""
    return b.rounds * sum(s for _, s in phases(b))


def breath_at(b: Breathing, elapsed: float) -> Breath | None:
    """The breath `elapsed` seconds in; None once every round is done."""
    length = sum(s for _, s in phases(b))
    done_rounds, into = divmod(max(0.0, elapsed), length)
    if done_rounds >= b.rounds:
        return None
    for phase, seconds in phases(b):
        if into < seconds:
            return Breath(
                phase,
                seconds,
                seconds_left(seconds, into),
                into / seconds,
                int(done_rounds) + 1,
                b.rounds,
            )
        into -= seconds
    return None  # pragma: no cover - into < length always finds a phase


def breath_marks(b: Breathing) -> list[float]:
    """When each phase starts: the plain version prints one line at each."""
    marks = []
    t = 0
    for _ in range(b.rounds):
        for _, seconds in phases(b):
            marks.append(float(t))
            t += seconds
    return marks
