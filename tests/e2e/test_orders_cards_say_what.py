"""What /orders and the order card tell a user: which order, for what, and that Refresh ran.

- An order the panel never numbered (refused, or its outcome unknown) goes by the bot's own
  number, worded unlike a panel's "#N", which /status would not find.
- A subscription (no link, no quantity) names the account it serves.
- 🔄 Refresh on a card the panel's answer leaves unchanged says so instead of doing nothing.
"""

from __future__ import annotations

from pathlib import Path

from bot.handlers.orders import REFRESH_ANSWER_WAIT
from bot.sandbox import SandboxPanel
from tests.e2e.order_walk_support import ALICE, Walker, running_bot
from tests.e2e.orders_support import NO_REFILL_NO_CANCEL, Shop
from tests.e2e.test_order_types import walk
from tests.support.fake_chats import BotMessage, SimulatedUser

SUBSCRIPTIONS = 16  # "Telegram Future Posts Views [Auto]"


async def test_an_order_the_panel_refused_goes_by_the_bots_number(tmp_path: Path, sandbox: SandboxPanel) -> None:
    sandbox.refusals["add"] = "Not enough funds on balance"
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await walk(alice, await alice.open_form(2), ("instagram.com/bob", "1000"))
        await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("did not accept", kind="edited")

        listing = await alice.command("/orders", contains="Your orders")
        assert "Order 1 in the bot · ❌ Not placed" in listing.text.splitlines(), listing.text
        assert "#1" not in listing.text
        assert listing.button_texts[0] == "Order 1 in the bot · Instagram Followers [No refill]"
        await alice.user.press(listing, listing.button_texts[0])
        card = await alice.user.expect_message("Order 1 in the bot", kind="sent")
        dates = [line.split(":")[0] for line in card.text.splitlines() if line.startswith(("Placed:", "Created:"))]
        assert dates == ["Created"], card.text


async def test_a_placed_order_keeps_its_panel_number_and_placing_date(shop: Shop) -> None:
    order = await shop.place(ALICE, service_id=NO_REFILL_NO_CANCEL)
    card = await open_card(shop.harness.user(ALICE), f"#{order.panel_order_id}")
    assert f"Order #{order.panel_order_id}" in card.text
    assert any(line.startswith("Placed:") for line in card.text.splitlines()), card.text


async def test_a_subscription_names_its_account_in_the_list_and_on_the_card(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        steps = ("@my_channel", "100", "500", "press:Skip ›", "press:Skip ›", "press:30 min", "press:Skip ›")
        confirmation = await walk(alice, await alice.open_form(SUBSCRIPTIONS), steps)
        await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("Order placed", kind="edited")

        listing = await alice.command("/orders", contains="Your orders")
        assert "👤 @my_channel" in listing.text.splitlines(), listing.text
        assert "—" not in listing.text and "pcs" not in listing.text
        card = await open_card(alice.user, "#")
        lines = card.text.splitlines()
        assert "👤 @my_channel" in lines and "Quantity: 100–500 per post" in lines, card.text


async def card_of_a_placed_order(alice: Walker) -> BotMessage:
    """Alice orders service 2 and opens the new order's card."""
    confirmation = await walk(alice, await alice.open_form(2), ("instagram.com/alice", "1000"))
    await alice.user.press(confirmation, "✅ Confirm")
    await alice.user.expect_message("Order placed", kind="edited")
    return await open_card(alice.user, "#")


async def test_refresh_of_an_unchanged_card_says_it_is_up_to_date(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        card = await card_of_a_placed_order(alice)

        # The sandbox moves orders on only when told: the panel's answer changes nothing.
        query = await alice.user.press(card, "🔄 Refresh")
        answer = await harness.fake.wait_until(lambda: harness.fake.callback_answers.get(query), timeout=5)
        assert (answer.text, answer.show_alert) == ("✅ Up to date: nothing has changed since the last check.", False)
        alice.user.assert_no_new_events()  # the card stays as it is

        [order] = sandbox.orders.values()
        sandbox.set_status(order.id, "In progress")
        query = await alice.user.press(card, "🔄 Refresh")
        refreshed = await alice.user.expect_message("Status: In progress", kind="edited")
        assert refreshed.message_id == card.message_id
        assert harness.fake.callback_answers[query].text is None


async def test_a_slow_refresh_stops_the_spinner_before_the_panel_answers(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        card = await card_of_a_placed_order(alice)
        [order] = sandbox.orders.values()
        sandbox.set_status(order.id, "In progress")
        sandbox.action_latency["status"] = REFRESH_ANSWER_WAIT + 3

        query = await alice.user.press(card, "🔄 Refresh")
        answer = await harness.fake.wait_until(
            lambda: harness.fake.callback_answers.get(query), timeout=REFRESH_ANSWER_WAIT + 2
        )
        assert answer.text is None
        alice.user.assert_no_new_events()  # the panel has not answered yet
        refreshed = await alice.user.expect_message("Status: In progress", kind="edited", timeout=10)
        assert refreshed.message_id == card.message_id


async def open_card(user: SimulatedUser, button_start: str) -> BotMessage:
    """Open the newest order's card from /orders (the first button starting with `button_start`)."""
    await user.send("/orders")
    listing = await user.expect_message(contains="Your orders", kind="sent")
    await user.press(listing, next(text for text in listing.button_texts if text.startswith(button_start)))
    return await user.expect_message(contains="Status:", kind="sent")
