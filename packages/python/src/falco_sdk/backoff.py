"""Reconnection delays: grpc's backoff (1 s, x1.6, +-20% jitter), capped."""

import random
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Backoff:
    """When to retry after a failed or ended connection; every duration in seconds.

    initial_delay: first delay (default 1.0). multiplier: growth per attempt
    (default 1.6). max_delay: cap (default 30.0). jitter: +- fraction
    (default 0.2). max_attempts: reconnection attempts in a row before giving up
    with the last error (default None: never give up).
    """

    initial_delay: float = 1.0
    multiplier: float = 1.6
    max_delay: float = 30.0
    jitter: float = 0.2
    max_attempts: Optional[int] = None

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> Optional[float]:
        """Seconds to wait before reconnection attempt `attempt` (1-based), or None to give up."""
        if self.max_attempts is not None and attempt > self.max_attempts:
            return None
        base = min(self.initial_delay * self.multiplier ** (attempt - 1), self.max_delay)
        return max(0.0, base + base * self.jitter * (rand() * 2 - 1))
