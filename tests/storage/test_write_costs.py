"""Writes the bot makes on every update, made cheap: the gate's last-seen write skipped while
fresh, and disk syncs kept for the writes that must survive a power cut."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage import Database
from tests.storage.helpers import START, FakeClock, new_order, personal_account

FRESH = timedelta(minutes=10)


async def test_a_user_seen_recently_is_read_not_written(db: Database, clock: FakeClock) -> None:
    first = await db.users.seen(1, "en", within=FRESH)
    assert (first.language, first.active, first.last_seen_at) == ("en", True, START)

    clock.advance(FRESH.total_seconds() - 1)
    assert await db.users.seen(1, "ko", within=FRESH) == first  # nothing written

    later = clock.advance(1)
    refreshed = await db.users.seen(1, "ko", within=FRESH)
    assert refreshed.last_seen_at == later and refreshed.language == "en"


async def test_an_unreachable_user_or_a_missing_language_is_written_at_once(db: Database, clock: FakeClock) -> None:
    await db.users.seen(1, None, within=FRESH)
    assert (await db.users.seen(1, "ru", within=FRESH)).language == "ru"

    await db.users.set_active(1, False)  # Telegram said they blocked the bot; now they write
    assert (await db.users.seen(1, "ru", within=FRESH)).active


@pytest.mark.parametrize(("durable", "synchronous"), [(True, 2), (False, 1)])
async def test_only_durable_transactions_sync_to_disk(db: Database, durable: bool, synchronous: int) -> None:
    async with db.transaction(durable=durable) as tx:
        row = await tx.fetch_one("PRAGMA synchronous")
    assert row is not None and row[0] == synchronous  # 2: FULL, 1: NORMAL

    async with db.transaction() as tx:  # the default: durable
        row = await tx.fetch_one("PRAGMA synchronous")
    assert row is not None and row[0] == 2



async def test_dialog_steps_skip_the_sync_and_orders_never_do(db: Database) -> None:
    async def synchronous() -> int:
        async with db.reading() as session:
            row = await session.fetch_one("PRAGMA synchronous")
        assert row is not None
        return int(row[0])

    account = await personal_account(db, 1)
    await db.drafts.start(1, "order.confirm", {"service": 1})
    assert await synchronous() == 1
    order = await db.orders.create_submitting(new_order(1, account.id, "token"))
    assert await synchronous() == 2
    await db.drafts.clear(1)
    await db.orders.mark_placed(order.id, 555)
    assert await synchronous() == 2
