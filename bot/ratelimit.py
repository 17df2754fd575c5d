"""Per-user message budget: so many messages per window, then one "slow down" line."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.Enum):
    """What to do with one message."""

    ALLOW = "allow"
    WARN = "warn"  # over budget: say "slow down" once in this window
    DROP = "drop"  # over budget and already told


@dataclass
class RateWindow:
    """A fixed window of ``window`` seconds in which ``limit`` messages pass."""

    limit: int
    window: float
    started: float = float("-inf")
    count: int = 0
    warned: bool = False

    def hit(self, now: float) -> Verdict:
        """Counts one message at monotonic time ``now``."""
        if now - self.started >= self.window:
            self.started, self.count, self.warned = now, 0, False
        self.count += 1
        if self.count <= self.limit:
            return Verdict.ALLOW
        if self.warned:
            return Verdict.DROP
        self.warned = True
        return Verdict.WARN

    def retry_after(self, now: float) -> float:
        """Seconds until the window opens again."""
        return max(0.0, self.started + self.window - now)
