"""Pure no-contact countdown arithmetic: dates in, numbers out; never reads the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Countdown:
    """Where a countdown of `days` days started on `started_on` stands on `today`."""

    started_on: dt.date
    days: int
    today: dt.date

    @property
    def ends_on(self) -> dt.date:
        """The first day after the period: the countdown is complete from this day on."""
        return self.started_on + dt.timedelta(days=self.days)

    @property
    def day(self) -> int:
        """Day N of the period (day 1 is the start date), capped at `days`."""
        return max(1, min(self.days, (self.today - self.started_on).days + 1))

    @property
    def days_remaining(self) -> int:
        return max(0, (self.ends_on - self.today).days)

    @property
    def complete(self) -> bool:
        return self.today >= self.ends_on
