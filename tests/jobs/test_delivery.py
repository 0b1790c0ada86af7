"""Pushing to many users through Telegram's limits: blocked users, 429s, users coming back."""

from __future__ import annotations

from telegram import Bot

from bot.jobs.poller import STATUS_POLLER
from bot.services.delivery import Delivery, push, send
from tests.jobs.support import Pollers

USERS = (1001, 1002, 1003, 1004, 1005)
BLOCKER = 1003


def _sends_to(pollers: Pollers, user_id: int) -> int:
    return sum(1 for call in pollers.harness.fake.calls_to("sendMessage") if call.params["chat_id"] == user_id)


async def test_one_blocked_user_among_many(pollers: Pollers) -> None:
    for user_id in USERS:
        await pollers.user(user_id)
    for user_id in USERS:
        await pollers.place(user_id)
    pollers.harness.fake.block_user(BLOCKER)
    pollers.panel.advance_all()

    await pollers.run(STATUS_POLLER)

    fake = pollers.harness.fake
    for user_id in USERS:
        expected = 0 if user_id == BLOCKER else 1
        assert len(fake.chat(user_id).messages) == expected, user_id
    db = pollers.services.db
    blocker = await db.users.get(BLOCKER)
    assert blocker is not None and not blocker.active
    assert await db.orders.pending_notifications() == []

    pollers.panel.advance_all()
    await pollers.run(STATUS_POLLER)
    assert _sends_to(pollers, BLOCKER) == 1, "an inactive user is skipped without asking Telegram"
    assert all(len(fake.chat(user_id).messages) == 2 for user_id in USERS if user_id != BLOCKER)

    fake.unblock_user(BLOCKER)
    await db.users.upsert_seen(BLOCKER, "en")  # what the gate records when they write again
    order = await pollers.place(BLOCKER)
    pollers.panel.advance(order.panel_order_id)
    await pollers.run(STATUS_POLLER)
    assert "In progress" in (fake.chat(BLOCKER).messages[-1].text or "")


async def test_a_429_is_waited_out_and_the_message_arrives_once(pollers: Pollers) -> None:
    await pollers.user(USERS[0])
    order = await pollers.place(USERS[0])
    pollers.panel.advance(order.panel_order_id)
    pollers.harness.fake.rate_limit(times=1, retry_after=1, method="sendMessage")

    await pollers.run(STATUS_POLLER)
    await pollers.run(STATUS_POLLER)

    calls = [call for call in pollers.harness.fake.calls_to("sendMessage") if call.params["chat_id"] == USERS[0]]
    assert [call.error_code for call in calls] == [429, None]
    assert calls[1].at - calls[0].at >= 1.0
    assert len(pollers.harness.fake.chat(USERS[0]).messages) == 1


async def test_push_without_a_rate_limiter_waits_out_a_429_itself(pollers: Pollers) -> None:
    await pollers.user(USERS[0])
    fake = pollers.harness.fake
    fake.rate_limit(times=1, retry_after=1, method="sendMessage")
    bot = Bot(pollers.harness.settings.bot_token.get_secret_value(), base_url=fake.base_url)

    async with bot:
        delivered = await push(bot, pollers.services.db, USERS[0], "<b>hello</b>")

    assert delivered
    assert [message.text for message in fake.chat(USERS[0]).messages] == ["hello"]


async def test_push_reports_a_blocked_user_and_never_raises(pollers: Pollers) -> None:
    await pollers.user(USERS[0])
    pollers.harness.fake.block_user(USERS[0])
    bot, db = pollers.harness.app.bot, pollers.services.db

    assert await send(bot, db, USERS[0], "hello") is Delivery.UNREACHABLE
    assert not await push(bot, db, USERS[0], "hello again")

    assert _sends_to(pollers, USERS[0]) == 1
    user = await db.users.get(USERS[0])
    assert user is not None and not user.active
