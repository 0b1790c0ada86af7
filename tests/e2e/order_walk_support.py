"""Shortcuts for the order-walk end-to-end tests: a bot on the shared sandbox key, and steps.

`Walker` wraps one simulated user and reads the conversation the way a person does: press a
button, see the message it edits; type an answer, see the new message it brings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.context import Services
from bot.sandbox import SandboxPanel
from tests.support.fake_chats import BotMessage, SimulatedUser
from tests.support.fake_telegram import FakeTelegram
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness

ADMIN_ID = 9001
HOUR = 3600.0
ALICE = 1001
BOB = 1002


def bot_settings(**overrides: Any) -> dict[str, Any]:
    """Everyone may use the shared sandbox key; one admin; pollers out of the way."""
    return {
        "smm_api_key": SANDBOX_API_KEY,
        "allowed_user_ids": "*",
        "admin_ids": str(ADMIN_ID),
        "status_poll_interval": HOUR,
        "balance_check_interval": HOUR,
    } | overrides


@asynccontextmanager
async def running_bot(tmp_path: Path, panel: SandboxPanel, **overrides: Any) -> AsyncIterator[BotHarness]:
    """The bot on `panel`; the admin's chat exists from the start (alerts may go there)."""
    async with FakeTelegram() as fake:
        fake.user(ADMIN_ID, language_code="en")
        async with BotHarness.start(tmp_path, panel=panel, fake=fake, **bot_settings(**overrides)) as harness:
            yield harness


def services_of(harness: BotHarness) -> Services:
    services: Services = harness.app.bot_data["services"]
    return services


class Walker:
    """A user walking the order flow."""

    def __init__(self, harness: BotHarness, user_id: int, language_code: str = "en") -> None:
        self.harness = harness
        self.user: SimulatedUser = harness.user(user_id, language_code=language_code)

    async def command(self, text: str, contains: str | None = None) -> BotMessage:
        """Send a command (or any text) and return the bot's next new message."""
        await self.user.send(text)
        return await self.user.expect_message(contains, kind="sent")

    async def press(self, message: BotMessage, label: str, *, partial: bool = False) -> BotMessage:
        """Press a button and return the message as the bot edited it."""
        await self.user.press(message, label, partial=partial)
        return await self.user.expect_message(kind="edited")

    async def type(self, text: str, contains: str | None = None) -> BotMessage:
        """Type an answer and return the message the bot answers with."""
        await self.user.send(text)
        return await self.user.expect_message(contains, kind="sent")

    async def open_form(self, service_id: int) -> BotMessage:
        """Open a service by id and press Order: return its first step."""
        card = await self.command(f"/order {service_id}", contains=f"{service_id}")
        return await self.press(card, "🛒 Order")

    async def alert(self, query_id: str) -> str:
        """Wait for the answer to a button press and return its alert text."""
        fake = self.harness.fake
        answer = await fake.wait_until(lambda: fake.callback_answers.get(query_id), timeout=5)
        assert answer.show_alert, answer
        return answer.text or ""
