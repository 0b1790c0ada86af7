"""/orders pages and filters, and the order card: live status on open and on Refresh."""

from __future__ import annotations

from bot.sandbox import Fault
from bot.storage import StatusUpdate
from tests.e2e.orders_support import ALICE, BOB, NO_REFILL_NO_CANCEL, Shop
from tests.support.fake_chats import BotMessage


def order_lines(message: BotMessage) -> list[str]:
    return [line for line in message.text.splitlines() if line.startswith("#")]


async def test_history_pages_newest_first_with_filters(shop: Shop) -> None:
    orders = [await shop.place(ALICE, link=f"https://instagram.com/p{index}") for index in range(12)]
    await shop.place(BOB)  # someone else's order is never listed
    for order in orders[:4]:
        assert order.panel_order_id is not None
        shop.panel.set_status(order.panel_order_id, "Completed")
        await shop.services.db.orders.apply_status(
            StatusUpdate(order.id, status="Completed", final=True, charge=None, start_count=None, remains=0,
                         currency="USD", next_poll_at=order.created_at),
            polled_at=order.created_at,
        )
    alice = shop.harness.user(ALICE)

    await alice.send("/orders")
    first = await alice.expect_message(contains="Your orders")
    assert "12 orders" in first.text and "page 1 of 3" in first.text
    newest = [f"#{order.panel_order_id}" for order in reversed(orders)]
    assert [line.split()[0] for line in order_lines(first)] == newest[:5]
    assert "https://instagram.com/p11" in first.text and "100 pcs" in first.text and "$0.09" in first.text
    assert first.button_texts[:5] == [f"{number} · Instagram Followers [Refill 30D]" for number in newest[:5]]

    await alice.press(first, "Next ›")
    second = await alice.expect_message(contains="page 2 of 3", kind="edited")
    assert [line.split()[0] for line in order_lines(second)] == newest[5:10]
    await alice.press(second, "Next ›")
    third = await alice.expect_message(contains="page 3 of 3", kind="edited")
    assert [line.split()[0] for line in order_lines(third)] == newest[10:]
    assert "Next ›" not in third.button_texts

    await alice.press(third, "Active")
    active = await alice.expect_message(contains="(active): 8 orders", kind="edited")
    assert "• Active •" in active.button_texts
    await alice.press(active, "Finished")
    finished = await alice.expect_message(contains="(finished): 4 orders", kind="edited")
    assert [line.split()[0] for line in order_lines(finished)] == newest[8:]
    assert "Completed" in finished.text

    # Pressing the page that is shown changes nothing and must not edit.
    await alice.press(finished, "• Finished •")
    await alice.send("/orders")
    await alice.expect_message(contains="page 1 of 3", kind="sent")
    alice.assert_no_new_events()


async def test_an_empty_history_says_how_to_order(shop: Shop) -> None:
    bob = shop.harness.user(BOB)
    await bob.send("/orders")
    empty = await bob.expect_message(contains="No orders")
    assert "/order" in empty.text


async def test_the_card_shows_the_live_status_and_refresh_updates_it(shop: Shop) -> None:
    order = await shop.place(ALICE, service_id=NO_REFILL_NO_CANCEL)
    assert order.panel_order_id is not None
    shop.panel.advance(order.panel_order_id)  # In progress, half delivered
    alice = shop.harness.user(ALICE)
    await alice.send("/orders")
    listing = await alice.expect_message(contains="Your orders")

    await alice.press(listing, f"#{order.panel_order_id}", partial=True)
    card = await alice.expect_message(contains=f"Order #{order.panel_order_id}", kind="sent")
    assert "Status: In progress" in card.text and "Remains: 50" in card.text and "Currency: USD" in card.text
    assert "Start count:" in card.text and "Charge: $0.035" in card.text
    assert "♻️ Refill" not in card.button_texts and "✖️ Cancel order" not in card.button_texts
    stored = await shop.stored(order)
    assert stored.status == stored.notified_status == "In progress"  # seen on the card: no notification

    statuses_before = shop.panel.count("status")
    await alice.press(card, "🔄 Refresh")  # nothing changed on the panel: no edit
    await alice.send("/orders")
    await alice.expect_message(contains="Your orders", kind="sent")
    assert shop.panel.count("status") == statuses_before + 1

    shop.panel.set_status(order.panel_order_id, "Partial", remains=40)
    await alice.press(card, "🔄 Refresh")
    refreshed = await alice.expect_message(contains="Status: Partial", kind="edited")
    assert refreshed.message_id == card.message_id and "Remains: 40" in refreshed.text
    assert (await shop.stored(order)).final


async def test_a_panel_outage_shows_the_last_known_status(shop: Shop) -> None:
    order = await shop.place(ALICE)
    shop.panel.inject(Fault.HTML_502, times=None, action="status")
    alice = shop.harness.user(ALICE)
    await alice.send("/orders")
    listing = await alice.expect_message(contains="Your orders")
    await alice.press(listing, f"#{order.panel_order_id}", partial=True)
    card = await alice.expect_message(contains="isn't responding", kind="sent")
    assert "waiting for the first status" in card.text
