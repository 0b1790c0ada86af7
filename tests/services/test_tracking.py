"""Applying panel statuses to stored orders: fields, final flag, and the polling schedule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.panel import OrderState, OrderStatus
from bot.services import tracking
from bot.storage import Database, Order
from tests.storage.helpers import FakeClock, personal_account, placed_order


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3", clock=clock)
    try:
        yield database
    finally:
        await database.close()


async def _order(db: Database) -> Order:
    account = await personal_account(db, 1001)
    return await placed_order(db, 1001, account.id, panel_order_id=555)


def _status(status: str, **fields: object) -> OrderStatus:
    return OrderStatus.model_validate({"status": status, **fields})


async def test_stores_every_field_and_keeps_the_notified_status_apart(db: Database, clock: FakeClock) -> None:
    order = await _order(db)
    status = _status("In progress", charge="0.27819", start_count="3572", remains="157", currency="USD")

    updated = await tracking.apply_status(db, order, status, now=clock.now)

    assert updated.status == "In progress"
    assert not updated.final
    assert updated.charge == Decimal("0.27819")
    assert (updated.start_count, updated.remains, updated.currency) == (3572, 157, "USD")
    assert updated.last_polled_at == clock.now
    assert updated.notified_status is None
    assert [o.id for o in await db.orders.pending_notifications()] == [order.id]
    assert tracking.order_state(updated) is OrderState.IN_PROGRESS


@pytest.mark.parametrize("status", ["Completed", "Partial", "Canceled", "Cancelled", "Refunded"])
async def test_final_statuses_close_the_order(db: Database, clock: FakeClock, status: str) -> None:
    order = await _order(db)

    updated = await tracking.apply_status(db, order, _status(status), now=clock.now)

    assert updated.final
    assert not updated.is_active


@pytest.mark.parametrize("status", ["Failed", "Error", "Story waiting"])
async def test_failed_and_unknown_statuses_stay_open(db: Database, clock: FakeClock, status: str) -> None:
    order = await _order(db)

    updated = await tracking.apply_status(db, order, _status(status), now=clock.now)

    assert not updated.final
    assert updated.status == status


async def test_values_the_panel_leaves_out_are_kept(db: Database, clock: FakeClock) -> None:
    order = await _order(db)
    await tracking.apply_status(db, order, _status("In progress", charge="0.9", remains="10"), now=clock.now)

    updated = await tracking.apply_status(db, order, _status("Pending", remains="Unknown"), now=clock.now)

    assert (updated.charge, updated.remains) == (Decimal("0.9"), 10)


@pytest.mark.parametrize(
    ("age", "wait"),
    [
        (timedelta(hours=23), timedelta(0)),
        (timedelta(days=1), timedelta(minutes=10)),
        (timedelta(days=6, hours=23), timedelta(minutes=10)),
        (timedelta(days=7), timedelta(hours=1)),
        (timedelta(days=59), timedelta(hours=1)),
    ],
)
async def test_older_orders_are_polled_less_often(
    db: Database, clock: FakeClock, age: timedelta, wait: timedelta
) -> None:
    order = await _order(db)
    now = clock.advance(age.total_seconds())

    updated = await tracking.apply_status(db, order, _status("In progress"), now=now)

    assert updated.next_poll_at == now + wait
    assert not updated.polling_stopped
    due = await db.orders.due_for_polling(now + wait)
    assert [o.id for o in due.get(order.account_id, [])] == [order.id]
    if wait:
        assert await db.orders.due_for_polling(now + wait - timedelta(seconds=1)) == {}


async def test_polling_stops_after_sixty_days(db: Database, clock: FakeClock) -> None:
    order = await _order(db)
    now = clock.advance(tracking.STOP_POLLING_AFTER.total_seconds())

    updated = await tracking.apply_status(db, order, _status("In progress", remains="5"), now=now)

    assert updated.polling_stopped
    assert updated.status == "In progress" and updated.remains == 5
    assert await db.orders.due_for_polling(now + timedelta(days=365)) == {}


async def test_a_final_status_after_sixty_days_is_stored_as_final(db: Database, clock: FakeClock) -> None:
    order = await _order(db)
    now = clock.advance(tracking.STOP_POLLING_AFTER.total_seconds() + 1)

    updated = await tracking.apply_status(db, order, _status("Completed"), now=now)

    assert updated.final and not updated.polling_stopped


async def test_orders_without_an_answer_wait_at_least_ten_minutes(db: Database, clock: FakeClock) -> None:
    order = await _order(db)

    await tracking.postpone(db, [order], now=clock.now)

    stored = await db.orders.get(order.id)
    assert stored is not None
    assert stored.next_poll_at == clock.now + tracking.ITEM_ERROR_RETRY
    assert stored.status is None


async def test_postponing_a_sixty_day_old_order_stops_it(db: Database, clock: FakeClock) -> None:
    order = await _order(db)
    now = clock.advance(tracking.STOP_POLLING_AFTER.total_seconds())

    await tracking.postpone(db, [order], now=now)

    stored = await db.orders.get(order.id)
    assert stored is not None and stored.polling_stopped


@pytest.mark.parametrize(
    ("status", "charge", "refund"),
    [
        ("Partial", "0.36", Decimal("0.54")),
        ("Canceled", "0", Decimal("0.90")),
        ("Partial", None, None),
        ("Completed", "0.36", None),
        ("Partial", "0.90", None),
    ],
)
async def test_refunded_amount(
    db: Database, clock: FakeClock, status: str, charge: str | None, refund: Decimal | None
) -> None:
    order = await _order(db)

    updated = await tracking.apply_status(db, order, _status(status, charge=charge), now=clock.now)

    assert tracking.refunded_amount(updated) == refund
