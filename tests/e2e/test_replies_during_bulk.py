"""A user's reply is not queued behind a burst of notifications.

Only bulk sends (`bot.services.delivery`) are paced to Telegram's 30 messages a second: a
burst of 120 of them takes about three seconds, and a command sent meanwhile is answered
while most of the burst is still waiting its turn.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.context import Services
from bot.services.delivery import push
from tests.support.harness import BotHarness

ALICE = 1001
FIRST_RECIPIENT = 5000
RECIPIENTS = 120


async def test_a_reply_overtakes_a_burst_of_notifications(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as harness:
        services: Services = harness.app.bot_data["services"]
        fake = harness.fake
        recipients = [fake.user(FIRST_RECIPIENT + number) for number in range(RECIPIENTS)]
        alice = harness.user(ALICE, language_code="en")
        sends = fake.calls_to("sendMessage")

        burst = asyncio.gather(
            *(push(harness.app.bot, services.db, user.id, f"Notification for {user.id}") for user in recipients)
        )
        await fake.wait_until(lambda: len(fake.calls_to("sendMessage")) > len(sends) or None, timeout=5)
        await alice.send("/help")
        await alice.expect_message(kind="sent")
        pushed_before_the_reply = sum(len(fake.chat(user.id).messages) for user in recipients)

        assert all(await burst)
        assert pushed_before_the_reply < RECIPIENTS // 2, pushed_before_the_reply
        assert all(len(fake.chat(user.id).messages) == 1 for user in recipients)
