"""/settings: notification switches and mute persist; the alert level is for personal keys."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from bot.handlers.settings import parse_amount
from bot.i18n import I18n
from bot.sandbox import SandboxPanel
from tests.e2e.orders_support import ALICE, BOB, Shop, open_shop, with_balance
from tests.support.fake_chats import BotMessage, SimulatedUser


async def settings_with_own_key(shop: Shop, key: str) -> tuple[SimulatedUser, BotMessage]:
    """Bob connects `key` and opens /settings: (Bob, the settings screen)."""
    bob = shop.harness.user(BOB)
    await bob.send(f"/connect {key}")
    await bob.expect_message(contains="connected")
    await bob.send("/settings")
    return bob, await bob.expect_message(contains="alert below")


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
        assert {"⬜ Status changes", "✅ Refills", "🔔 Unmute"} <= set(again.button_texts)
        # Low-balance alerts of the shared account go to the admins only: no switch for her.
        assert not any("Low balance" in text for text in again.button_texts)

        await alice.press(again, "🌐 Language")
        await alice.expect_message(contains="Choose your language")


async def test_alert_level_of_a_personal_account(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "bob-settings-key-4be0c2d9")
    async with open_shop(tmp_path, sandbox, low_balance_threshold="5") as shop:
        bob, screen = await settings_with_own_key(shop, key)
        assert "alert below: $5.00 (default)" in screen.text
        assert "✅ Low balance" in screen.button_texts  # his own account's alerts reach him
        await bob.press(screen, "💰 Alert level")
        prompt = await bob.expect_message(contains="warn you")
        await bob.send("lots")
        await bob.expect_message(contains="Please send an amount")
        await bob.send("12.50")
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


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n.load()


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("en", "5", Decimal("5")),
        ("en", " 12.50 ", Decimal("12.50")),
        ("en", "1,000", Decimal("1000")),  # as the bot itself writes a thousand in English
        ("en", "1,000.5", Decimal("1000.5")),
        ("ko", "1,000", Decimal("1000")),
        ("ru", "12,50", Decimal("12.50")),
        ("ru", "12.50", Decimal("12.50")),  # a dot groups nothing in Russian: it is a decimal point
        ("ru", "1 000", Decimal("1000")),
        ("ru", "1\xa0000,5", Decimal("1000.5")),
        ("en", "0.00000001", Decimal("0.00000001")),
        # Neither a number written the user's way nor a plain one:
        ("en", "12,50", None),  # a decimal comma, or a mistyped 1,250?
        ("en", "1,00", None),
        ("ru", "1.000,5", None),
        ("en", "1e-5000", None),
        ("en", "1E3", None),
        ("en", "-5", None),
        ("en", "+5", None),
        ("en", "NaN", None),
        ("en", "Infinity", None),
        ("en", "٥", None),  # digits of another script
        ("en", ".5", None),
        ("en", "0.000000001", None),  # more decimals than any currency has
        ("en", "1000001", None),  # above MAX_THRESHOLD: a slip of the finger
        ("en", "", None),
    ],
)
def test_amounts_are_read_the_way_the_users_language_writes_them(
    i18n: I18n, language: str, typed: str, amount: Decimal | None
) -> None:
    assert parse_amount(typed, i18n.translator(language)) == amount


async def test_an_alert_level_in_exponent_notation_is_refused(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "bob-settings-key-4be0c2d9")
    async with open_shop(tmp_path, sandbox, low_balance_threshold="5") as shop:
        bob, screen = await settings_with_own_key(shop, key)
        await bob.press(screen, "💰 Alert level")
        await bob.expect_message(contains="warn you")
        await bob.send("1e-5000")
        refused = await bob.expect_message(contains="Please send an amount")
        assert "1,000" in refused.text, "the refusal shows the form expected"
        await bob.send("1,000")
        await bob.expect_message(contains="drops below $1,000.00")
        await bob.expect_message(contains="alert below: $1,000.00")
        user = await shop.services.db.users.get(BOB)
        assert user is not None and user.settings.low_balance_threshold == Decimal("1000")


async def test_settings_open_with_an_absurd_level_stored_before_levels_were_checked(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    key = with_balance(sandbox, "bob-settings-key-4be0c2d9")
    async with open_shop(tmp_path, sandbox) as shop:
        bob = shop.harness.user(BOB)
        await bob.send(f"/connect {key}")
        await bob.expect_message(contains="connected")
        db = shop.services.db
        for level, shown in ((Decimal("1E-5000"), "$0.00"), (Decimal("0.1234567890123456"), "$0.123456789012")):
            user = await db.users.get(BOB)
            assert user is not None
            await db.users.update_settings(BOB, dataclasses.replace(user.settings, low_balance_threshold=level))
            await bob.send("/settings")
            await bob.expect_message(contains=f"alert below: {shown}")
