"""Fixtures for the tests of the fakes themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TEST_BOT_TOKEN


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real PTB Bot pointed at the fake."""
    async with telegram.Bot(TEST_BOT_TOKEN, base_url=fake_telegram.base_url) as ptb_bot:
        yield ptb_bot
