"""On the shared key, Bob cannot see, refresh, refill or cancel Alice's order in any way."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SandboxPanel
from bot.storage import Order
from tests.e2e.orders_support import ALICE, BOB, Shop, open_shop, with_balance

ACTIONS = ("open", "refresh", "refill", "cancel", "again", "refills")


async def alices_finished_order(shop: Shop) -> Order:
    order = await shop.place(ALICE)
    assert order.panel_order_id is not None
    shop.panel.set_status(order.panel_order_id, "Completed")
    await shop.services.db.refills.create(order.id, 1)
    return order


async def test_bob_cannot_reach_alices_order_by_id(shop: Shop) -> None:
    order = await alices_finished_order(shop)
    bob = shop.harness.user(BOB)
    asked = len(shop.panel.requests)

    await bob.send(f"/status {order.panel_order_id}")
    status = await bob.expect_message(contains="Order status")
    assert f"#{order.panel_order_id}: not found among your orders" in status.text
    await bob.send(f"/refill {order.panel_order_id}")
    refill = await bob.expect_message(contains="Refill requests")
    assert "not found" in refill.text
    await bob.send(f"/cancel_orders {order.panel_order_id}")
    cancel = await bob.expect_message(contains="Cancel requests")
    assert "not found" in cancel.text
    await bob.send("/orders")
    listing = await bob.expect_message(contains="No orders")
    assert str(order.panel_order_id) not in listing.text

    assert shop.panel.requests[asked:] == []  # the panel was never asked on Bob's behalf
    assert (await shop.stored(order)).cancel_requested_at is None


async def test_bob_cannot_act_on_alices_order_by_button_or_hand_made_data(shop: Shop) -> None:
    order = await alices_finished_order(shop)
    alice = shop.harness.user(ALICE)
    await alice.send("/orders")
    listing = await alice.expect_message(contains="Your orders")
    await alice.press(listing, f"#{order.panel_order_id}", partial=True)
    card = await alice.expect_message(contains=f"Order #{order.panel_order_id}", kind="sent")

    bob = shop.harness.user(BOB)
    await bob.send("/orders")
    bobs_listing = await bob.expect_message(contains="No orders")
    asked = len(shop.panel.requests)
    fake = shop.harness.fake
    for action in ACTIONS:
        # A button copied from Alice's card, and one typed by hand in Bob's own chat.
        for message in (card, bobs_listing):
            query_id = await bob.press_data(message, f"ord:{order.id}:{action}")
            answer = await fake.wait_until(lambda qid=query_id: fake.callback_answers.get(qid), timeout=5)
            assert answer.show_alert and "Order not found" in (answer.text or "")
    for data in ("ord:abc:open", f"ord:{order.id}", f"ord:{order.id}:explode", "ord:99999:open"):
        query_id = await bob.press_data(bobs_listing, data)
        answer = await fake.wait_until(lambda qid=query_id: fake.callback_answers.get(qid), timeout=5)
        assert answer.show_alert

    assert shop.panel.requests[asked:] == []
    assert (await shop.stored(order)).cancel_requested_at is None
    assert len(await shop.services.db.refills.list_for_order(order.id)) == 1
    assert await shop.services.db.drafts.get(BOB) is None  # "again" started nothing
    bob.assert_no_new_events()
    alice.assert_no_new_events()


async def test_a_personal_key_reaches_any_order_of_that_account(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "carol-own-key-19fe33aa")
    outside = sandbox.place_order(
        sandbox.account(key), {"service": "2", "link": "https://instagram.com/outside", "quantity": "100"}
    )
    async with open_shop(tmp_path, sandbox, allowed_user_ids="") as shop:
        bob = shop.harness.user(BOB)
        await bob.send(f"/connect {key}")
        await bob.expect_message(contains="connected")
        await bob.send(f"/status {outside.id}")
        status = await bob.expect_message(contains="Order status")
        assert f"#{outside.id}: Pending · remains 100 · $0.035" in status.text
