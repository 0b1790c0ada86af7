"""The frozen records repositories return, and the inputs they take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

# SQLite integers are 64-bit: a larger number cannot be a stored id, a panel id or a page.
MAX_ID = 2**63 - 1


def parse_id(text: str) -> int | None:
    """Read a non-negative whole number typed or carried in a button; None unless plain
    ASCII digits within MAX_ID (a forged "²" or a 25-digit id is no number we store)."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class AccountKind(StrEnum):
    SHARED = "shared"
    PERSONAL = "personal"


class SubmitState(StrEnum):
    """Where the `add` request of an order stands.

    `unknown` means the request may have reached the panel (timeout, reset, HTML reply):
    it is never resent automatically; an admin resolves it.
    """

    SUBMITTING = "submitting"
    PLACED = "placed"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class UserSettings:
    """What a user wants to be told; a None threshold means the global LOW_BALANCE_THRESHOLD."""

    notify_status: bool = True
    notify_refills: bool = True
    notify_low_balance: bool = True
    mute_all: bool = False
    low_balance_threshold: Decimal | None = None

    @property
    def hears_status_changes(self) -> bool:
        return self.notify_status and not self.mute_all


@dataclass(frozen=True, slots=True)
class User:
    id: int
    language: str | None
    active: bool
    created_at: datetime
    last_seen_at: datetime
    settings: UserSettings


@dataclass(frozen=True, slots=True)
class Account:
    """Whose money an order spends: the operator's shared key or a user's own key."""

    id: int
    kind: AccountKind
    owner_id: int | None
    connected: bool
    key_fingerprint: str | None = field(repr=False)
    key_ciphertext: bytes | None = field(repr=False)
    currency: str | None
    balance: Decimal | None
    balance_checked_at: datetime | None
    low_balance_alerted: bool
    created_at: datetime
    updated_at: datetime

    @property
    def is_shared(self) -> bool:
        return self.kind is AccountKind.SHARED


@dataclass(frozen=True, slots=True)
class ServiceSnapshot:
    """The catalog entry as it was when the order was made (catalogs change)."""

    service_id: int
    name: str
    type: str
    category: str
    rate: Decimal  # per 1,000


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What `OrderRepository.create_submitting` needs; `params` holds type-specific fields."""

    user_id: int
    account_id: int
    submit_token: str
    service: ServiceSnapshot
    expected_price: Decimal
    currency: str | None = None
    link: str | None = None
    quantity: int | None = None
    runs: int | None = None
    interval: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    user_id: int
    account_id: int
    panel_order_id: int | None
    submit_token: str
    submit_state: SubmitState
    submit_error: str | None
    unknown_reported_at: datetime | None  # when an unknown outcome was reported to all concerned
    service: ServiceSnapshot
    currency: str | None
    link: str | None
    quantity: int | None
    runs: int | None
    interval: int | None
    params: Mapping[str, Any]
    expected_price: Decimal
    charge: Decimal | None
    status: str | None
    final: bool
    start_count: int | None
    remains: int | None
    notified_status: str | None
    cancel_requested_at: datetime | None
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    polling_stopped: bool
    created_at: datetime
    updated_at: datetime

    @property
    def is_active(self) -> bool:
        """Still going somewhere: being submitted, unresolved, or placed and not final."""
        if self.submit_state is SubmitState.PLACED:
            return not self.final
        return self.submit_state is not SubmitState.FAILED


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A panel status to store on one order, and when to ask about the order again.

    None keeps a value the panel left out; `stop_polling` gives up on an order open too long.
    """

    order_id: int
    status: str
    final: bool
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str | None
    next_poll_at: datetime
    stop_polling: bool = False


@dataclass(frozen=True, slots=True)
class Refill:
    id: int
    order_id: int
    user_id: int
    account_id: int
    panel_refill_id: int
    status: str | None
    final: bool
    notified_status: str | None
    last_polled_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """A user's place in a multi-step dialog; `token` is new for every draft."""

    user_id: int
    state: str
    data: Mapping[str, Any]
    token: str
    updated_at: datetime
