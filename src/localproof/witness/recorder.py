"""The in-sandbox log of attempts, shared by the DNS, TCP and packet sinks.

One lock-protected list with a cap: a program stuck in a retry loop must not exhaust
memory, and a report of the first `LIMIT` attempts plus a `truncated` flag is still proof.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from localproof.witness.model import Attempt

LIMIT = 50_000


class Recorder:
    """Collects attempts with a timestamp relative to the program's start."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._lock = threading.Lock()
        self._attempts: list[Attempt] = []
        self._limit = limit
        self.truncated = False
        self.started = time.monotonic()

    def now(self) -> float:
        return round(time.monotonic() - self.started, 4)

    def record(self, kind: str, protocol: str, family: int, **details: Any) -> None:  # noqa: ANN401
        attempt = Attempt(t=self.now(), kind=kind, protocol=protocol, family=family, **details)
        with self._lock:
            if len(self._attempts) >= self._limit:
                self.truncated = True
                return
            self._attempts.append(attempt)

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return sorted(self._attempts, key=lambda attempt: attempt.t)
