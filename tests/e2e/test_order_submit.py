"""Confirming and submitting: refusals, lost answers, double taps, changed prices, editing,
ordering again, and a slow panel that must not hold up anyone else."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from bot.sandbox import Fault, SandboxPanel
from bot.storage import SubmitState, UserSettings
from tests.e2e.order_walk_support import ADMIN_ID, ALICE, BOB, Walker, running_bot, services_of
from tests.support.fake_chats import BotMessage
from tests.support.fixtures import SANDBOX_API_KEY


async def confirmation_for(alice: Walker, link: str = "instagram.com/alice", quantity: str = "1000") -> BotMessage:
    """Walk service 2 (Default, no drip-feed, 0.35 per 1,000) up to its confirmation."""
    await alice.open_form(2)
    await alice.type(link)
    confirmation = await alice.type(quantity)
    assert "Check your order" in confirmation.text, confirmation.text
    return confirmation


async def test_a_placed_order_shows_its_numbers_and_the_balance_before(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        assert "Price: $0.35" in confirmation.text and "Balance: $100.00" in confirmation.text
        assert "short" not in confirmation.text
        await alice.user.press(confirmation, "✅ Confirm")
        placed = await alice.user.expect_message("placed", kind="edited")
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert "Order placed" in placed.text and f"Panel order ID: {order.panel_order_id}" in placed.text
        assert "I'll message you when its status changes" in placed.text
        assert sandbox.account(SANDBOX_API_KEY).balance == Decimal("99.65")


@pytest.mark.parametrize("settings", [UserSettings(notify_status=False), UserSettings(mute_all=True)])
async def test_no_news_is_promised_to_a_user_who_turned_it_off(
    tmp_path: Path, sandbox: SandboxPanel, settings: UserSettings
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        await services_of(harness).db.users.update_settings(ALICE, settings)
        await alice.user.press(confirmation, "✅ Confirm")
        placed = await alice.user.expect_message("Order placed", kind="edited")
        assert "message you" not in placed.text


async def test_a_short_balance_is_warned_and_the_panels_refusal_shown(tmp_path: Path, sandbox: SandboxPanel) -> None:
    sandbox.account(SANDBOX_API_KEY).balance = Decimal("0.10")
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        assert "Balance: $0.10" in confirmation.text
        assert "Your balance is $0.25 short" in confirmation.text
        balance_checks = sandbox.count("balance")
        await alice.user.press(confirmation, "✅ Confirm")
        refused = await alice.user.expect_message("did not accept", kind="edited")
        assert "It said: Not enough funds on balance" in refused.text
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert order.submit_state is SubmitState.FAILED and order.panel_order_id is None
        assert sandbox.orders == {}
        # The refusal triggers the low-balance check at once.
        await sandbox.wait_for_request("balance", balance_checks + 1)
        # Nothing was placed, so the order can be fixed and sent again.
        sandbox.account(SANDBOX_API_KEY).balance = Decimal("100")
        picker = await alice.press(refused, "✏️ Edit")
        await alice.press(picker, "Quantity")
        confirmation = await alice.type("500")
        assert "Price: $0.175" in confirmation.text
        await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        assert len(sandbox.orders) == 1


async def test_a_panel_refusal_of_a_duplicate_link_is_shown(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.user.press(await confirmation_for(alice, "instagram.com/same"), "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        await alice.user.press(await confirmation_for(alice, "instagram.com/same"), "✅ Confirm")
        refused = await alice.user.expect_message("did not accept", kind="edited")
        assert "You have active order with this link" in refused.text
        states = [order.submit_state for order in await services_of(harness).db.orders.list_for_user(ALICE)]
        assert states == [SubmitState.FAILED, SubmitState.PLACED]


async def test_a_lost_answer_is_told_plainly_and_the_admins_asked_to_check(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        admin = harness.user(ADMIN_ID, language_code="en")
        harness.user(ALICE, username="alice")
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice, "https://x.com/<b>&")
        sandbox.inject(Fault.PROCESS_THEN_HTML_502, action="add")
        await alice.user.press(confirmation, "✅ Confirm")
        told = await alice.user.expect_message("outcome unknown", kind="edited")
        assert "may or may not have been placed" in told.text and "not be retried automatically" in told.text
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert order.submit_state is SubmitState.UNKNOWN
        assert told.button("📄 Open order").callback_data == f"ord:{order.id}:open"
        notice = await admin.expect_message(f"Order #{order.id} needs checking")
        for shown in ("@alice", str(ALICE), "Instagram Followers [No refill] (ID 2)", "Link: https://x.com/<b>&",
                      "Quantity: 1,000"):
            assert shown in notice.text, shown
        assert sandbox.count("add") == 1 and len(sandbox.orders) == 1  # never resent


async def test_a_double_tap_places_one_order(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        first = await alice.user.press(confirmation, "✅ Confirm")
        second = await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert f"order #{order.id}" in await alice.alert(second)
        assert harness.fake.callback_answers[first].text is None
        assert sandbox.count("add") == 1


async def test_an_old_confirmation_cannot_send_the_edited_order(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        old = await confirmation_for(alice)
        newer = await confirmation_for(alice, quantity="2000")
        query = await alice.user.press(old, "✅ Confirm")
        assert "out of date" in await alice.alert(query)
        await alice.user.press(newer, "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        [add] = [request for request in sandbox.requests if request.action == "add"]
        assert add.params["quantity"] == "2000"


async def test_a_price_change_before_submit_asks_to_confirm_again(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        assert "Price: $0.35" in confirmation.text
        sandbox.service(2).rate = Decimal("0.50")
        await alice.user.press(confirmation, "✅ Confirm")
        again = await alice.user.expect_message("changed this service", kind="edited")
        assert "now $0.50 per 1,000" in again.text and "Price: $0.50" in again.text
        assert sandbox.count("add") == 0
        await alice.user.press(again, "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        [order] = sandbox.orders.values()
        assert order.charge == Decimal("0.50")


async def test_a_key_disconnected_before_confirm_asks_to_confirm_on_the_account_that_will_pay(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    sandbox.add_account("bob-own-key-5d2e8a4c", balance=Decimal("7.25"), currency="USD")
    async with running_bot(tmp_path, sandbox) as harness:
        bob = Walker(harness, BOB)
        await bob.command("/connect bob-own-key-5d2e8a4c", contains="connected")
        confirmation = await confirmation_for(bob)
        assert "Balance: $7.25" in confirmation.text  # priced and funded on Bob's own key
        await bob.command("/disconnect", contains="disconnected")

        await bob.user.press(confirmation, "✅ Confirm")
        again = await bob.user.expect_message("the account that would pay for the order changed", kind="edited")
        assert "Balance: $100.00" in again.text  # now the shared account's, shown before any money moves
        assert sandbox.count("add") == 0
        await bob.user.press(again, "✅ Confirm")
        await bob.user.expect_message("placed", kind="edited")
    [order] = sandbox.orders.values()
    assert sandbox.account(SANDBOX_API_KEY).balance == Decimal("100.00") - order.charge
    assert sandbox.account("bob-own-key-5d2e8a4c").balance == Decimal("7.25")


async def test_a_raised_minimum_sends_the_user_back_to_the_quantity(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        sandbox.service(2).min = 5000
        await alice.user.press(confirmation, "✅ Confirm")
        back = await alice.user.expect_message("changed this service", kind="edited")
        assert "Quantity must be from 5,000 to 50,000." in back.text and "Step 2 of 2" in back.text
        confirmation = await alice.type("5000")
        assert "Price: $1.75" in confirmation.text
        assert sandbox.count("add") == 0


async def test_editing_a_field_returns_to_the_confirmation(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        picker = await alice.press(confirmation, "✏️ Edit")
        assert picker.button_texts == ["Link", "Quantity", "« Back", "✖️ Cancel"]
        review = await alice.press(picker, "« Back")
        assert "Check your order" in review.text
        picker = await alice.press(review, "✏️ Edit")
        link_step = await alice.press(picker, "Link")
        assert "Now: https://instagram.com/alice" in link_step.text
        changed = await alice.type("instagram.com/bob")
        assert "Link: https://instagram.com/bob" in changed.text and "Quantity: 1,000" in changed.text


async def test_order_again_starts_from_a_stored_order(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(1)
        await alice.type("instagram.com/again")
        drip = await alice.type("100")
        await alice.press(drip, "💧 Yes, in runs")
        await alice.type("2")
        confirmation = await alice.type("30")
        await alice.user.press(confirmation, "✅ Confirm")
        placed = await alice.user.expect_message("placed", kind="edited")
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        await alice.user.press_data(placed, f"ord:{order.id}:again")
        again = await alice.user.expect_message("Check your order", kind="sent")
        for shown in ("Link: https://instagram.com/again", "Quantity: 100", "2 runs, every 30 min", "Price: $0.18"):
            assert shown in again.text, shown


async def test_a_slow_catalog_for_one_user_does_not_hold_up_another(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        bob = Walker(harness, BOB)
        sandbox.action_latency["services"] = 3.0
        await alice.user.send("/order")
        await sandbox.wait_for_request("services")  # Alice's update is now waiting on the panel
        await bob.user.send("/help")
        await bob.user.expect_message("/order")
        alice.user.assert_no_new_events()  # Bob was answered while Alice still waits
        await alice.user.expect_message("New order", timeout=10)


async def test_one_users_updates_stay_in_order_behind_a_slow_panel(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        sandbox.action_latency["services"] = 1.0
        await alice.user.send("/order 2")
        await sandbox.wait_for_request("services")
        await alice.user.send("/help")  # must not overtake the /order waiting on the panel
        card = await alice.user.expect_message()
        assert "🆔 2" in card.text
        await alice.user.expect_message("/order")


async def test_fifty_users_opening_the_catalog_at_once_cost_one_request(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        users = [Walker(harness, 2000 + number) for number in range(50)]
        sandbox.action_latency["services"] = 0.5
        await asyncio.gather(*(user.user.send("/order") for user in users))
        await asyncio.gather(*(user.user.expect_message("New order") for user in users))
        assert sandbox.count("services") == 1
