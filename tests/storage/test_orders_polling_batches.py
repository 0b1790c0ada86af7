"""Status polling at scale: a batch of statuses in one transaction, due orders page by page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.storage import Account, Database, Order, StatusUpdate
from tests.storage.helpers import START, FakeClock, personal_account, placed_order


def update(order: Order, status: str = "In progress", **fields: object) -> StatusUpdate:
    values: dict[str, object] = {
        "final": False, "charge": None, "start_count": None, "remains": None, "currency": None,
        "next_poll_at": START + timedelta(minutes=10),
    }
    values.update(fields)
    return StatusUpdate(order.id, status, **values)  # type: ignore[arg-type]


async def test_a_batch_is_stored_in_one_go(db: Database, clock: FakeClock) -> None:
    account = await personal_account(db, 1)
    first, second, third = [await placed_order(db, 1, account.id, panel_id) for panel_id in (11, 12, 13)]
    await db.orders.apply_statuses([update(first, charge=Decimal("0.5"), remains=40)], polled_at=START)
    polled = clock.advance(60)

    await db.orders.apply_statuses(
        [
            update(first, "Partial", final=True, remains=None, currency="USD"),
            update(second, charge=Decimal("0.0000001"), start_count=7),
            update(third, stop_polling=True, next_poll_at=polled),
        ],
        polled_at=polled,
    )

    stored = {order.id: order for order in [await db.orders.get(o.id) for o in (first, second, third)] if order}
    assert stored[first.id].final and stored[first.id].status == "Partial"
    assert (stored[first.id].charge, stored[first.id].remains, stored[first.id].currency) == (Decimal("0.5"), 40, "USD")
    assert stored[second.id].charge == Decimal("0.0000001") and stored[second.id].start_count == 7
    assert stored[third.id].polling_stopped and not stored[first.id].polling_stopped
    assert all(order.last_polled_at == polled and order.updated_at == polled for order in stored.values())
    assert stored[second.id].next_poll_at == START + timedelta(minutes=10)
    await db.orders.apply_statuses([], polled_at=polled)  # nothing to store: no transaction needed


async def test_due_orders_come_in_pages_by_account(db: Database, clock: FakeClock) -> None:
    mine: Account = await personal_account(db, 1)
    shared = await db.accounts.shared()
    orders = []
    for panel_id in range(1, 8):  # interleaved between the two accounts
        orders.append(await placed_order(db, 1, mine.id if panel_id % 2 else shared.id, panel_id))
    now = clock.advance(1)

    pages: list[dict[int, list[int]]] = []
    last = None
    while page := await db.orders.due_for_polling(now, 3, after=last):
        pages.append({account_id: [order.panel_order_id or 0 for order in due] for account_id, due in page.items()})
        last = list(page.values())[-1][-1]
        # Polled in the meantime and due again at once: a young order is not repeated in the run.
        await db.orders.apply_statuses([update(order, next_poll_at=now) for due in page.values() for order in due],
                                       polled_at=now)

    assert pages == [{mine.id: [1, 3, 5]}, {mine.id: [7], shared.id: [2, 4]}, {shared.id: [6]}]
    assert sum(len(due) for due in (await db.orders.due_for_polling(now)).values()) == len(orders)
