"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import SandboxPanel
from tests.e2e.orders_support import Shop, open_shop


@pytest.fixture
async def shop(tmp_path: Path, sandbox: SandboxPanel) -> AsyncIterator[Shop]:
    """The bot on the shared sandbox key (`orders_support.bot_settings`), start-up polls done."""
    async with open_shop(tmp_path, sandbox) as running:
        yield running
