"""SIGTERM stops `python -m bot` cleanly: the order being placed is placed and recorded.

The real entry point runs as a child process against the loopback fake Bot API and the
sandbox panel; the signal arrives while the panel is still answering `add`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.sandbox import SandboxPanel
from bot.storage import Database, SubmitState
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import TEST_BOT_TOKEN

ALICE = 1001
ADD_LATENCY = 2.0


async def test_sigterm_during_add_lets_the_order_finish_and_closes_the_database(
    tmp_path: Path, fake_telegram: FakeTelegram, sandbox: SandboxPanel
) -> None:
    sandbox.action_latency["add"] = ADD_LATENCY
    settings = {"SMM_API_URL": sandbox.url, "SMM_API_KEY": SANDBOX_API_KEY, "ALLOWED_USER_IDS": "*"}
    async with BotProcess.start(tmp_path, fake_telegram, **settings) as bot:
        alice = fake_telegram.user(ALICE)
        await alice.send("/order 2")
        card = await alice.expect_message(contains="2", kind="sent", timeout=15)
        await alice.press(card, "🛒 Order")
        await alice.expect_message(kind="edited")
        await alice.send("instagram.com/bob")
        await alice.expect_message(kind="sent")
        await alice.send("2000")
        confirmation = await alice.expect_message(contains="Check your order", kind="sent")
        await alice.press(confirmation, "✅ Confirm")
        await sandbox.wait_for_request("add")

        bot.terminate()
        assert await bot.wait() == 0, bot.log_text

    # The handler ran to its end before the process stopped: the user was told...
    placed = await alice.expect_message(contains="placed", kind="edited")
    [panel_order] = sandbox.orders.values()
    assert f"Panel order ID: {panel_order.id}" in placed.text
    # ...the database says so, and it was closed (SQLite folds the WAL in on the last close).
    assert not Path(f"{bot.database_path}-wal").exists()
    async with await Database.open(bot.database_path) as db:
        [order] = await db.orders.list_for_user(ALICE)
    assert order.submit_state is SubmitState.PLACED
    assert order.panel_order_id == panel_order.id
    assert sandbox.account(SANDBOX_API_KEY).balance == Decimal("100.00") - panel_order.charge

    # One structured line per event, and never the token.
    [add_call] = [line for line in bot.events("panel.call") if "action=add" in line]
    assert "outcome=ok" in add_call
    assert any("action=ow" in line for line in bot.events("update.handled"))
    assert TEST_BOT_TOKEN not in bot.log_text and SANDBOX_API_KEY not in bot.log_text
    assert all(line.startswith("ts=") for line in bot.log_lines), bot.log_text


async def test_sigterm_when_idle_exits_at_once(tmp_path: Path, fake_telegram: FakeTelegram) -> None:
    async with BotProcess.start(tmp_path, fake_telegram) as bot:
        await fake_telegram.wait_until(lambda: fake_telegram.waiting_polls or None, timeout=15)
        bot.terminate()
        assert await bot.wait(timeout=5) == 0, bot.log_text
    assert bot.events("bot.start") and bot.events("bot.stop")
    # The pollers ran once at start (they deliver what came due while the bot was down).
    assert {"job=status", "job=refills", "job=balance"} <= {
        field for line in bot.events("job.run") for field in line.split() if field.startswith("job=")
    }
