"""How the panel has been answering lately, for `/stats` and the pollers."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

ERROR_WINDOW = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PanelHealth:
    """Last success, last failure and the failures of the last hour (UTC times).

    A failure is an attempt without a usable answer (PanelUnavailable, OrderOutcomeUnknown);
    a refusal such as "Incorrect order ID" is an answer, so it counts as a success. So does
    a refused key, as far as the client knows: a user's mistyped or revoked key is theirs to
    fix. A refused shared key (SMM_API_KEY) is the operator's, and stops everyone on it: the
    code that knows the key was the shared one records it as a failure as well.
    """

    last_success: datetime | None = None
    last_error: datetime | None = None
    last_error_message: str | None = None
    recent_errors: deque[datetime] = field(default_factory=deque)
    shared_key_refused_at: datetime | None = None

    def record_success(self, at: datetime | None = None) -> None:
        """Note that the panel answered."""
        self.last_success = at or _now()

    def record_error(self, message: str, at: datetime | None = None) -> None:
        """Note a failed attempt and forget failures older than the window."""
        at = at or _now()
        self.last_error = at
        self.last_error_message = message
        self.recent_errors.append(at)
        self._forget_before(at - ERROR_WINDOW)

    def record_shared_key_refused(self, message: str, at: datetime | None = None) -> None:
        """Note that the panel refused the shared key: a failure, and a line of its own on /stats."""
        at = at or _now()
        self.shared_key_refused_at = at
        self.record_error(message, at)

    def errors_last_hour(self, now: datetime | None = None) -> int:
        """Count the failures of the last hour."""
        self._forget_before((now or _now()) - ERROR_WINDOW)
        return len(self.recent_errors)

    def _forget_before(self, cutoff: datetime) -> None:
        while self.recent_errors and self.recent_errors[0] < cutoff:
            self.recent_errors.popleft()
