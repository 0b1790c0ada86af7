"""getUpdates long polling: prompt delivery, offsets, filters and one poller at a time."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram.error import Conflict

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TEST_BOT_TOKEN

ALICE = 1001
LONG_POLL = 30  # seconds; every test here must finish far sooner


async def test_queued_update_is_answered_at_once(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    sent = await fake_telegram.user(ALICE).send("/start")

    updates = await asyncio.wait_for(bot.get_updates(timeout=LONG_POLL), timeout=5)

    assert [update.message.text for update in updates if update.message] == ["/start"]
    assert updates[0].message
    assert updates[0].message.message_id == sent["message_id"]
    assert updates[0].message.entities[0].type == "bot_command"


async def test_waiting_poll_is_released_by_a_new_update(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE)
    poll = asyncio.create_task(bot.get_updates(timeout=LONG_POLL))
    await fake_telegram.wait_until(lambda: True if fake_telegram.waiting_polls else None, timeout=5)

    await alice.send("hello")
    updates = await asyncio.wait_for(poll, timeout=5)

    assert [update.message.text for update in updates if update.message] == ["hello"]


async def test_empty_queue_with_zero_timeout_answers_empty(bot: telegram.Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()


async def test_updates_stay_until_confirmed_by_offset(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    for text in ("one", "two", "three"):
        await alice.send(text)

    first = await bot.get_updates(limit=2)
    again = await bot.get_updates()
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    await bot.get_updates(offset=rest[-1].update_id + 1)

    assert [update.message.text for update in first if update.message] == ["one", "two"]
    assert len(again) == 3
    assert [update.message.text for update in rest if update.message] == ["three"]
    assert fake_telegram.pending_updates == 0


async def test_allowed_updates_drop_other_kinds(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    await fake_telegram.user(ALICE).send("ignored")
    await fake_telegram.queue_update("message_reaction", {"chat": {"id": ALICE, "type": "private"}})

    assert await bot.get_updates(allowed_updates=["callback_query"]) == ()
    await fake_telegram.user(ALICE).send("kept")
    assert [
        update.message.text for update in await bot.get_updates(allowed_updates=[]) if update.message
    ] == ["kept"]


async def test_newer_poll_terminates_the_waiting_one(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=LONG_POLL))
    await fake_telegram.wait_until(lambda: True if fake_telegram.waiting_polls else None, timeout=5)

    async with telegram.Bot(TEST_BOT_TOKEN, base_url=fake_telegram.base_url) as second_instance:
        await second_instance.get_updates(timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(older, timeout=5)


async def test_webhook_blocks_polling_until_deleted(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    await fake_telegram.user(ALICE).send("queued")
    await bot.set_webhook("https://bot.example.org/hook")

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.delete_webhook(drop_pending_updates=True)

    assert await bot.get_updates() == ()
    assert fake_telegram.webhook is None


async def test_stop_releases_a_waiting_poll() -> None:
    async with FakeTelegram() as fake, telegram.Bot(TEST_BOT_TOKEN, base_url=fake.base_url) as other_bot:
        poll = asyncio.create_task(other_bot.get_updates(timeout=LONG_POLL))
        await fake.wait_until(lambda: True if fake.waiting_polls else None, timeout=5)
        await fake.stop()
        assert await asyncio.wait_for(poll, timeout=5) == ()
