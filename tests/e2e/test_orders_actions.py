"""Refill, cancel and "Order again" from the card, and /refill and /cancel_orders by number."""

from __future__ import annotations

from bot.sandbox import Fault
from bot.storage import Order
from tests.e2e.orders_support import ALICE, BOB, NO_REFILL_NO_CANCEL, Shop
from tests.support.fake_chats import BotMessage, SimulatedUser


async def open_card(user: SimulatedUser, order: Order) -> BotMessage:
    await user.send("/orders")
    listing = await user.expect_message(contains="Your orders")
    await user.press(listing, f"#{order.panel_order_id}", partial=True)
    return await user.expect_message(contains=f"Order #{order.panel_order_id}", kind="sent")


async def test_refill_from_the_card_then_its_status(shop: Shop) -> None:
    order = await shop.place(ALICE)
    assert order.panel_order_id is not None
    shop.panel.set_status(order.panel_order_id, "Completed")
    alice = shop.harness.user(ALICE)
    card = await open_card(alice, order)
    assert "♻️ Refill" in card.button_texts and "✖️ Cancel order" not in card.button_texts

    await alice.press(card, "♻️ Refill")
    requested = f"#{order.panel_order_id}: ♻️ refill requested (refill #1)"
    await alice.expect_message(contains=requested, kind="sent")
    redrawn = await alice.expect_message(contains="1 refill requested", kind="edited")
    assert "♻️ Refill" not in redrawn.button_texts  # one refill at a time
    (refill,) = await shop.services.db.refills.list_for_order(order.id)
    assert refill.panel_refill_id == 1

    await alice.press(redrawn, "📋 Refill status")
    pending = await alice.expect_message(contains="Refill #1: Pending", kind="edited")
    shop.panel.set_refill_status(1, "Completed")
    await alice.press(pending, "« Back")
    back = await alice.expect_message(contains=f"Order #{order.panel_order_id}", kind="edited")
    await alice.press(back, "📋 Refill status")
    done = await alice.expect_message(contains="Refill #1: Completed", kind="edited")
    (refill,) = await shop.services.db.refills.list_for_order(order.id)
    assert refill.final and refill.notified_status == "Completed"
    assert done.message_id == card.message_id


async def test_cancel_from_the_card_is_requested_until_the_status_says_so(shop: Shop) -> None:
    order = await shop.place(ALICE)
    assert order.panel_order_id is not None
    alice = shop.harness.user(ALICE)
    card = await open_card(alice, order)

    await alice.press(card, "✖️ Cancel order")
    question = await alice.expect_message(contains=f"Cancel order #{order.panel_order_id}?", kind="edited")
    assert question.button_texts == ["✅ Yes, cancel it", "↩️ No, keep it"]
    assert shop.panel.count("cancel") == 0  # one tap asks; it does not cancel
    await alice.press(question, "↩️ No, keep it")
    card = await alice.expect_message(contains="Status:", kind="edited")
    assert shop.panel.count("cancel") == 0
    await alice.press(card, "✖️ Cancel order")
    question = await alice.expect_message(contains="can't be undone", kind="edited")
    await alice.press(question, "✅ Yes, cancel it")
    await alice.expect_message(contains="cancellation requested", kind="sent")
    pending = await alice.expect_message(contains="Cancellation requested", kind="edited")
    assert "✖️ Cancel order" not in pending.button_texts
    assert (await shop.stored(order)).cancel_requested_at is not None

    shop.panel.advance(order.panel_order_id)  # the panel carries the cancel out
    await alice.press(pending, "🔄 Refresh")
    canceled = await alice.expect_message(contains="Status: Canceled", kind="edited")
    assert "Cancellation requested" not in canceled.text
    assert (await shop.stored(order)).final


async def test_forged_card_actions_the_order_does_not_allow_ask_nothing(shop: Shop) -> None:
    order = await shop.place(ALICE, service_id=NO_REFILL_NO_CANCEL)
    alice = shop.harness.user(ALICE)
    card = await open_card(alice, order)
    asked = len(shop.panel.requests)
    await alice.press_data(card, f"ord:{order.id}:refill")
    await alice.expect_message(contains="refill isn't available", kind="sent")
    for action in ("cancel", "cancelyes"):  # the question, and a forged answer to it
        await alice.press_data(card, f"ord:{order.id}:{action}")
        await alice.expect_message(contains="can't be cancelled", kind="sent")
    assert {request.action for request in shop.panel.requests[asked:]} <= {"services"}


async def test_refill_many_shows_each_answer_of_the_panel(shop: Shop) -> None:
    completed = await shop.place(ALICE)
    pending = await shop.place(ALICE)
    no_refill = await shop.place(ALICE, service_id=NO_REFILL_NO_CANCEL)
    others = await shop.place(BOB)
    for order in (completed, no_refill):
        assert order.panel_order_id is not None
        shop.panel.set_status(order.panel_order_id, "Completed")
    alice = shop.harness.user(ALICE)

    ids = [completed.panel_order_id, pending.panel_order_id, no_refill.panel_order_id, others.panel_order_id, 777]
    await alice.send("/refill " + ", ".join(map(str, ids)) + ", abc")
    answer = await alice.expect_message(contains="Refill requests")
    lines = answer.text.splitlines()
    assert lines[1] == "⚠️ abc is not an order number"
    assert lines[2] == f"#{completed.panel_order_id}: ♻️ refill requested (refill #1)"
    assert lines[3].startswith(f"#{pending.panel_order_id}: ⚠️ ")
    assert lines[4].startswith(f"#{no_refill.panel_order_id}: ⚠️ ")
    assert lines[5] == f"#{others.panel_order_id}: not found among your orders"
    assert lines[6] == "#777: not found among your orders"
    (request,) = [request for request in shop.panel.requests if request.action == "refill"]
    asked = {int(item) for item in request.params["orders"].split(",")}
    assert asked == {completed.panel_order_id, pending.panel_order_id, no_refill.panel_order_id}
    assert len(await shop.services.db.refills.list_for_order(completed.id)) == 1


async def test_cancel_many_shows_each_answer_of_the_panel(shop: Shop) -> None:
    first = await shop.place(ALICE)
    finished = await shop.place(ALICE)
    assert finished.panel_order_id is not None
    shop.panel.set_status(finished.panel_order_id, "Completed")
    alice = shop.harness.user(ALICE)

    await alice.send(f"/cancel_orders {first.panel_order_id} {finished.panel_order_id}")
    answer = await alice.expect_message(contains="Cancel requests")
    lines = answer.text.splitlines()
    assert lines[1].startswith(f"#{first.panel_order_id}: ✖️ cancellation requested")
    assert lines[2].startswith(f"#{finished.panel_order_id}: ⚠️ ")
    assert (await shop.stored(first)).cancel_requested_at is not None
    assert (await shop.stored(finished)).cancel_requested_at is None


async def test_usage_limits_and_outages_of_the_commands(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    for command in ("/refill", "/cancel_orders", "/status"):
        await alice.send(command)
        await alice.expect_message(contains="up to 100")
    await alice.send("/refill " + ",".join(str(number) for number in range(1, 102)))
    await alice.expect_message(contains="Up to 100 orders at a time, please; you sent 101.")

    order = await shop.place(ALICE)
    shop.panel.inject(Fault.RESET, action="cancel")
    await alice.send(f"/cancel_orders {order.panel_order_id}")
    await alice.expect_message(contains="isn't responding")


async def test_order_again_opens_the_confirmation_with_the_same_order(shop: Shop) -> None:
    order = await shop.place(ALICE, quantity=250, link="https://instagram.com/again")
    alice = shop.harness.user(ALICE)
    card = await open_card(alice, order)
    await alice.press(card, "🔁 Order again")
    confirmation = await alice.expect_message(contains="https://instagram.com/again", kind="sent")
    assert "250" in confirmation.text and "Instagram Followers [Refill 30D]" in confirmation.text
    assert any("Confirm" in text for text in confirmation.button_texts)
    assert shop.panel.count("add") == 0  # nothing is placed before the user confirms
