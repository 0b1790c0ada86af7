"""Refills: recording, polling selection, status and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage import Account, Database, NotFoundError
from tests.storage.helpers import START, FakeClock, personal_account, placed_order


@pytest.fixture
async def account(db: Database) -> Account:
    return await personal_account(db, 1)


async def test_create_and_list_newest_first(
    db: Database, account: Account, clock: FakeClock
) -> None:
    order = await placed_order(db, 1, account.id, 555)
    first = await db.refills.create(order.id, 10)
    clock.advance(60)
    second = await db.refills.create(order.id, 11, status="Pending")
    assert (first.order_id, first.user_id, first.account_id) == (order.id, 1, account.id)
    assert first.status is None and not first.final and first.created_at == START
    assert second.status == "Pending"
    assert await db.refills.list_for_order(order.id) == [second, first]
    assert await db.refills.get(first.id) == first
    assert await db.refills.get(999) is None


async def test_a_repeated_panel_refill_id_finds_the_same_refill(
    db: Database, account: Account
) -> None:
    order = await placed_order(db, 1, account.id, 555)
    first = await db.refills.create(order.id, 10)
    assert await db.refills.create(order.id, 10) == first
    assert len(await db.refills.list_for_order(order.id)) == 1


async def test_not_final_groups_by_account_least_recently_polled_first(
    db: Database, account: Account
) -> None:
    shared = await db.accounts.shared()
    mine = await placed_order(db, 1, account.id, 1)
    theirs = await placed_order(db, 1, shared.id, 2)
    polled = await db.refills.create(mine.id, 10)
    await db.refills.apply_status(
        polled.id, status="Pending", state_is_final=False, polled_at=START
    )
    never_polled = await db.refills.create(mine.id, 11)
    done = await db.refills.create(mine.id, 12)
    await db.refills.apply_status(done.id, status="Completed", state_is_final=True, polled_at=START)
    on_shared = await db.refills.create(theirs.id, 10)

    grouped = await db.refills.not_final()
    assert {key: [r.id for r in value] for key, value in grouped.items()} == {
        account.id: [never_polled.id, polled.id],
        shared.id: [on_shared.id],
    }
    assert sum(len(value) for value in (await db.refills.not_final(limit=2)).values()) == 2
    await db.accounts.disconnect(1)
    assert list(await db.refills.not_final()) == [shared.id]


async def test_apply_status_and_notifications(
    db: Database, account: Account, clock: FakeClock
) -> None:
    order = await placed_order(db, 1, account.id, 1)
    refill = await db.refills.create(order.id, 10)
    assert await db.refills.pending_notifications() == []

    polled = clock.advance(60)
    updated = await db.refills.apply_status(
        refill.id, status="Rejected", state_is_final=True, polled_at=polled
    )
    assert updated.status == "Rejected" and updated.final
    assert updated.last_polled_at == updated.updated_at == polled
    assert await db.refills.pending_notifications() == [updated]
    await db.refills.mark_notified(refill.id, "Rejected")
    assert await db.refills.pending_notifications() == []
    assert await db.refills.not_final() == {}

    with pytest.raises(NotFoundError):
        await db.refills.apply_status(999, status="x", state_is_final=False, polled_at=START)
    assert not await db.refills.mark_notified(999, "x")


async def test_a_refill_status_told_late_is_not_recorded_over_a_newer_one(db: Database, account: Account) -> None:
    order = await placed_order(db, 1, account.id, 1)
    refill = await db.refills.create(order.id, 10, status="In progress")
    await db.refills.apply_status(refill.id, status="Completed", state_is_final=True, polled_at=START)
    assert await db.refills.mark_notified(refill.id, "Completed")  # shown on the card

    assert not await db.refills.mark_notified(refill.id, "In progress")  # from an old list

    assert await db.refills.pending_notifications() == []


async def test_refill_status_times_are_aware(db: Database, account: Account) -> None:
    order = await placed_order(db, 1, account.id, 1)
    refill = await db.refills.create(order.id, 10)
    updated = await db.refills.apply_status(
        refill.id, status="Pending", state_is_final=False, polled_at=START + timedelta(hours=1)
    )
    assert updated.last_polled_at is not None and updated.last_polled_at.tzinfo is not None
