"""Whose money: the shared key serves admins and ALLOWED_USER_IDS only; a personal key wins."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.orders_support import ADMIN_ID, ALICE, BOB, CAROL, open_shop, with_balance


async def test_allowed_users_and_admins_use_the_shared_key_others_are_refused(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with open_shop(tmp_path, sandbox) as shop:
        for user_id in (ALICE, ADMIN_ID):
            user = shop.harness.user(user_id)
            await user.send("/balance")
            answer = await user.expect_message(contains="$100.00")
            assert "shared account" in answer.text

        carol = shop.harness.user(CAROL)
        asked = len(sandbox.requests)
        for command in ("/balance", "/status 23501", "/refill 23501", "/cancel_orders 23501"):
            await carol.send(command)
            refusal = await carol.expect_message(contains="/connect")
            assert refusal.button_texts == ["🔑 Connect account"]
        assert len(sandbox.requests) == asked  # the shared account was never touched for Carol

        await carol.press(refusal, "🔑 Connect account")
        await carol.expect_message(contains="Send me your API key")


async def test_everyone_may_use_the_shared_key_with_a_star(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with open_shop(tmp_path, sandbox, allowed_user_ids="*") as shop:
        carol = shop.harness.user(CAROL)
        await carol.send("/balance")
        await carol.expect_message(contains="shared account")


async def test_a_personal_key_is_used_before_the_shared_one(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "bob-own-key-5d2e8a4c", "7.25")
    async with open_shop(tmp_path, sandbox) as shop:
        bob = shop.harness.user(BOB)
        await bob.send(f"/connect {key}")
        await bob.expect_message(contains="connected")
        await bob.send("/balance")
        answer = await bob.expect_message(contains="$7.25")
        assert "your own" in answer.text

        await bob.send("/disconnect")
        await bob.expect_message(contains="disconnected")
        await bob.send("/balance")
        await bob.expect_message(contains="shared account")


async def test_group_chats_get_nothing_but_one_notice(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with open_shop(tmp_path, sandbox) as shop:
        alice = shop.harness.user(ALICE)
        group = shop.harness.group(-100200)
        asked = len(sandbox.requests)
        await alice.send("/balance", chat=group)
        await group.expect_message(contains="private")
        await alice.send("/orders", chat=group)
        await alice.send("/status 23501", chat=group)
        # Alice's private chat answers in order; by then the group updates were handled too.
        await alice.send("/orders")
        await alice.expect_message(contains="No orders")
        group.assert_no_new_events()
        assert len(sandbox.requests) == asked
