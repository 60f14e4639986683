"""Reconnection delays: grpc's backoff (1 s, x1.6, +-20% jitter), capped."""

import random
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Backoff:
    """When to retry after a failed or ended connection.

    initial_delay_ms: first delay (default 1000). multiplier: growth per attempt
    (default 1.6). max_delay_ms: cap (default 30000). jitter: +- fraction
    (default 0.2). max_attempts: consecutive failures before giving up with
    FalcoUnavailableError (default None: never give up).
    """

    initial_delay_ms: float = 1000
    multiplier: float = 1.6
    max_delay_ms: float = 30_000
    jitter: float = 0.2
    max_attempts: Optional[int] = None

    def delay_ms(self, attempt: int, rand: Callable[[], float] = random.random) -> Optional[float]:
        """Delay before retry number `attempt` (1-based), or None to give up."""
        if self.max_attempts is not None and attempt > self.max_attempts:
            return None
        base = min(self.initial_delay_ms * self.multiplier ** (attempt - 1), self.max_delay_ms)
        return max(0.0, base + base * self.jitter * (rand() * 2 - 1))
