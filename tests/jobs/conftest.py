"""The `pollers` fixture: the real bot with hourly pollers that the tests run directly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import SandboxPanel
from tests.jobs.support import Pollers, bot_settings
from tests.support.harness import BotHarness


@pytest.fixture
async def pollers(tmp_path: Path, sandbox: SandboxPanel) -> AsyncIterator[Pollers]:
    async with BotHarness.start(tmp_path, panel=sandbox, **bot_settings()) as harness:
        yield Pollers(harness, sandbox)
