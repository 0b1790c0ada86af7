"""Orders a crash left `submitting`: turned `unknown` at start-up, each exactly once."""

from __future__ import annotations

import asyncio

from bot.storage import Database, SubmitState
from tests.storage.helpers import FakeClock, new_order, personal_account, placed_order


async def test_every_submitting_order_becomes_unknown_once(db: Database, clock: FakeClock) -> None:
    account = await personal_account(db, 1)
    first = await db.orders.create_submitting(new_order(1, account.id, "first"))
    placed = await placed_order(db, 1, account.id, 555)
    failed = await db.orders.create_submitting(new_order(1, account.id, "failed"))
    await db.orders.mark_failed(failed.id, "Not enough funds")
    second = await db.orders.create_submitting(new_order(1, account.id, "second"))
    restarted_at = clock.advance(60)

    interrupted = await db.orders.mark_interrupted("interrupted: the bot stopped")

    assert [order.id for order in interrupted] == [first.id, second.id]
    for order in interrupted:
        assert order.submit_state is SubmitState.UNKNOWN
        assert order.submit_error == "interrupted: the bot stopped"
        assert order.updated_at == restarted_at and order.panel_order_id is None
        assert await db.orders.get(order.id) == order
    assert await db.orders.get(placed.id) == placed
    stored_failed = await db.orders.get(failed.id)
    assert stored_failed is not None and stored_failed.submit_state is SubmitState.FAILED
    assert [order.id for order in await db.orders.list_unknown()] == [first.id, second.id]
    assert await db.orders.mark_interrupted("again") == []


async def test_concurrent_callers_split_the_orders_without_overlap(db: Database) -> None:
    account = await personal_account(db, 1)
    created = [await db.orders.create_submitting(new_order(1, account.id, f"tok-{n}")) for n in range(5)]

    results = await asyncio.gather(*(db.orders.mark_interrupted("interrupted") for _ in range(3)))

    returned = [order.id for result in results for order in result]
    assert sorted(returned) == [order.id for order in created]
    assert (await db.orders.count_by_state())[SubmitState.SUBMITTING] == 0
