"""Builders shared by the storage tests: a clock we move, users, accounts and orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pydantic import SecretStr

from bot.storage import Account, Database, NewOrder, Order, ServiceSnapshot

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """Returns `now` until told to move; storage reads it for created/updated times."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


async def personal_account(
    db: Database, user_id: int, key: str = "panel-key-0123456789"
) -> Account:
    """Create the user (if needed) and connect a personal key for them."""
    await db.users.upsert_seen(user_id, "en")
    return await db.accounts.connect_personal(user_id, SecretStr(key), "USD", Decimal("10"))


SERVICE = ServiceSnapshot(
    service_id=308, name="Followers", type="Default", category="Instagram", rate=Decimal("0.90")
)


def new_order(user_id: int, account_id: int, token: str, **overrides: object) -> NewOrder:
    fields: dict[str, object] = {
        "user_id": user_id,
        "account_id": account_id,
        "submit_token": token,
        "service": SERVICE,
        "expected_price": Decimal("0.90"),
        "currency": "USD",
        "link": "https://instagram.com/someone",
        "quantity": 1000,
    }
    fields.update(overrides)
    return NewOrder(**fields)  # type: ignore[arg-type]


async def placed_order(db: Database, user_id: int, account_id: int, panel_order_id: int) -> Order:
    order = await db.orders.create_submitting(
        new_order(user_id, account_id, f"tok-{panel_order_id}")
    )
    return await db.orders.mark_placed(order.id, panel_order_id)
