"""Pytest fixtures for end-to-end tests; load with `pytest_plugins = ("tests.support.fixtures",)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotHarness

if TYPE_CHECKING:
    from bot.sandbox import SandboxPanel

SANDBOX_API_KEY = "sandbox-key-0001"
SANDBOX_BALANCE = Decimal("100.00")


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started FakeTelegram."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxPanel]:
    """A started sandbox panel with one account (SANDBOX_API_KEY, SANDBOX_BALANCE USD)."""
    from bot.sandbox import SandboxPanel

    panel = SandboxPanel(extra_services=0, seed=1)
    panel.add_account(SANDBOX_API_KEY, balance=SANDBOX_BALANCE, currency="USD")
    await panel.start()
    try:
        yield panel
    finally:
        await panel.stop()


@pytest.fixture
async def harness(
    tmp_path: Path, fake_telegram: FakeTelegram, sandbox: SandboxPanel
) -> AsyncIterator[BotHarness]:
    """The real bot running against `fake_telegram` and `sandbox`, with default settings."""
    async with BotHarness.start(tmp_path, panel=sandbox, fake=fake_telegram) as running_harness:
        yield running_harness
