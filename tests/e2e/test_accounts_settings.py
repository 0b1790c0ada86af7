"""/settings: notification switches and mute persist; the alert level is for personal keys."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.orders_support import ALICE, BOB, open_shop, with_balance


async def test_switches_persist_across_a_restart(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with open_shop(tmp_path, sandbox) as shop:
        alice = shop.harness.user(ALICE)
        await alice.send("/settings")
        screen = await alice.expect_message(contains="Settings")
        assert "💰 Alert level" not in screen.button_texts  # the shared account is not hers to watch
        await alice.press(screen, "✅ Status changes")
        screen = await alice.expect_message(kind="edited")
        assert "⬜ Status changes" in screen.button_texts
        await alice.press(screen, "🔕 Mute all")
        screen = await alice.expect_message(contains="muted", kind="edited")
        assert "🔔 Unmute" in screen.button_texts

        await shop.harness.restart()
        user = await shop.services.db.users.get(ALICE)
        assert user is not None
        assert not user.settings.notify_status and user.settings.mute_all and user.settings.notify_refills
        await alice.send("/settings")
        again = await alice.expect_message(contains="Settings", kind="sent")
        assert {"⬜ Status changes", "✅ Refills", "✅ Low balance", "🔔 Unmute"} <= set(again.button_texts)

        await alice.press(again, "🌐 Language")
        await alice.expect_message(contains="Choose your language")


async def test_alert_level_of_a_personal_account(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "bob-settings-key-4be0c2d9")
    async with open_shop(tmp_path, sandbox, low_balance_threshold="5") as shop:
        bob = shop.harness.user(BOB)
        await bob.send(f"/connect {key}")
        await bob.expect_message(contains="connected")
        await bob.send("/settings")
        screen = await bob.expect_message(contains="alert below: $5.00 (default)")
        await bob.press(screen, "💰 Alert level")
        prompt = await bob.expect_message(contains="warn you")
        await bob.send("lots")
        await bob.expect_message(contains="Please send an amount")
        await bob.send("12,50")
        await bob.expect_message(contains="drops below $12.50")
        updated = await bob.expect_message(contains="alert below: $12.50")
        assert "(default)" not in updated.text
        user = await shop.services.db.users.get(BOB)
        assert user is not None and user.settings.low_balance_threshold == Decimal("12.50")
        assert await shop.services.db.drafts.get(BOB) is None

        await bob.press(prompt, "Use the default ($5.00)")
        await bob.expect_message(contains="drops below $5.00")
        user = await shop.services.db.users.get(BOB)
        assert user is not None and user.settings.low_balance_threshold is None
