"""/stats and settling orders whose outcome is unknown, by command and by buttons."""

from __future__ import annotations

from bot.jobs.poller import STATUS_POLLER, last_status_poll
from bot.storage import NewOrder, Order, SubmitState
from tests.e2e.orders_support import ADMIN_ID, ALICE, BOB, SHARED_KEY, Shop


async def unknown_order(shop: Shop, user_id: int, link: str) -> Order:
    """An order whose `add` got no answer, as the ordering flow leaves it."""
    placed = await shop.place(user_id, link=link)
    db = shop.services.db
    new = NewOrder(
        user_id=user_id,
        account_id=placed.account_id,
        submit_token=f"unknown-{link}",
        service=placed.service,
        expected_price=placed.expected_price,
        currency="USD",
        link=link + "/again",
        quantity=placed.quantity,
    )
    order = await db.orders.create_submitting(new)
    return await db.orders.mark_unknown(order.id, "panel returned an HTML page (HTTP 502)")


async def test_stats_are_for_admins_only(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    for command in ("/stats", "/resolve 1 failed"):
        await alice.send(command)
        await alice.expect_message(contains="I don't know that command")


async def test_stats_count_and_list_unknown_orders(shop: Shop) -> None:
    await shop.place(ALICE)
    unknown = await unknown_order(shop, BOB, "https://instagram.com/lost")
    admin = shop.harness.user(ADMIN_ID)
    await admin.send("/stats")
    stats = await admin.expect_message(contains="Bot statistics")
    assert "Users: 3 (3 reachable)" in stats.text  # Alice, Bob and the admin
    assert "2 placed · 0 failed · 1 unknown · 0 being sent" in stats.text
    assert "Panel errors in the last hour: 0" in stats.text
    assert "Last answer from the panel" in stats.text
    assert f"{unknown.id} · user {BOB}" in stats.text and "HTTP 502" in stats.text
    assert stats.button_texts == [f"✅ {unknown.id}: placed", f"✖️ {unknown.id}: failed"]


async def test_stats_count_placed_orders_by_panel_status_and_show_the_last_poll(shop: Shop) -> None:
    await shop.user(ALICE)  # the poll tells her about her orders
    statuses = ("Pending", "In progress", "Awaiting", "Completed", "Canceled", "Refunded")
    for status in statuses:
        order = await shop.place(ALICE)
        assert order.panel_order_id is not None
        shop.panel.set_status(order.panel_order_id, status)
    await shop.run(STATUS_POLLER)
    await shop.place(BOB)  # placed after the poll: no status yet
    last_poll = await last_status_poll(shop.services.db)
    assert last_poll is not None

    admin = shop.harness.user(ADMIN_ID)
    await admin.send("/stats")
    stats = await admin.expect_message(contains="Bot statistics")
    assert (
        "▶️ Placed, still running: 4\n"
        "• Not polled yet: 1\n"
        "• Pending: 1\n"
        "• In progress: 1\n"
        "• Status the bot doesn't recognise: 1\n"
        "🏁 Placed, finished: 3\n"
        "• Completed: 1\n"
        "• Canceled: 2\n"  # Canceled and Refunded mean the same
    ) in stats.text
    tr = shop.services.i18n.translator("en")
    assert f"🕑 Last status poll: {tr.datetime(last_poll)}" in stats.text


async def test_resolve_by_command_checks_the_panel_and_tells_the_owner(shop: Shop) -> None:
    unknown = await unknown_order(shop, BOB, "https://instagram.com/found")
    reached = shop.panel.place_order(
        shop.panel.account(SHARED_KEY),
        {"service": "1", "link": "https://instagram.com/found/again", "quantity": "100"},
    )
    admin = shop.harness.user(ADMIN_ID)
    bob = shop.harness.user(BOB)

    await admin.send(f"/resolve {unknown.id} placed 99999")
    refused = await admin.expect_message(contains="doesn't confirm order 99999")
    assert "Incorrect order ID" in refused.text
    await admin.send(f"/resolve {unknown.id} placed {reached.id - 1}")  # Bob's other order
    await admin.expect_message(contains=f"already belongs to order {unknown.id - 1}")
    await admin.send(f"/resolve {unknown.id} placed")
    await admin.expect_message(contains="Usage")

    await admin.send(f"/resolve {unknown.id} placed {reached.id}")
    await admin.expect_message(contains=f"marked as placed (panel order {reached.id})")
    told = await bob.expect_message(contains="did reach the panel")
    stored = await shop.stored(unknown)
    assert stored.submit_state is SubmitState.PLACED and stored.panel_order_id == reached.id
    assert stored.status == "Pending"

    await bob.press(told, "📄 Open order")
    await bob.expect_message(contains=f"Order #{reached.id}", kind="sent")
    await admin.send(f"/resolve {unknown.id} failed")
    await admin.expect_message(contains="isn't waiting to be settled")


async def test_resolve_failed_by_buttons_asks_first(shop: Shop) -> None:
    unknown = await unknown_order(shop, ALICE, "https://instagram.com/gone")
    admin = shop.harness.user(ADMIN_ID)
    alice = shop.harness.user(ALICE)
    await admin.send("/stats")
    stats = await admin.expect_message(contains="Orders to reconcile")

    await admin.press(stats, f"✖️ {unknown.id}: failed")
    confirm = await admin.expect_message(contains="Mark order", kind="sent")
    assert (await shop.stored(unknown)).submit_state is SubmitState.UNKNOWN
    await admin.press(confirm, f"Yes, {unknown.id} was not placed")
    await admin.expect_message(contains="marked as not placed")
    await alice.expect_message(contains="did not reach the panel")
    assert (await shop.stored(unknown)).submit_state is SubmitState.FAILED

    forged = await alice.press_data(stats, f"adm:failed:{unknown.id}:yes")  # not an admin
    fake = shop.harness.fake
    answer = await fake.wait_until(lambda: fake.callback_answers.get(forged), timeout=5)
    assert answer.show_alert


async def test_resolve_placed_by_button_asks_for_the_panel_id(shop: Shop) -> None:
    unknown = await unknown_order(shop, ALICE, "https://instagram.com/typed")
    alice = shop.harness.user(ALICE)
    reached = shop.panel.place_order(
        shop.panel.account(SHARED_KEY),
        {"service": "1", "link": "https://instagram.com/typed/again", "quantity": "100"},
    )
    admin = shop.harness.user(ADMIN_ID)
    await admin.send("/stats")
    stats = await admin.expect_message(contains="Orders to reconcile")
    await admin.press(stats, f"✅ {unknown.id}: placed")
    await admin.expect_message(contains="panel's order number", kind="sent")
    await admin.send("soon")
    await admin.expect_message(contains="panel's order number")
    await admin.send(f"#{reached.id}")
    await admin.expect_message(contains="marked as placed")
    await alice.expect_message(contains="did reach the panel")
    assert (await shop.stored(unknown)).panel_order_id == reached.id
    assert await shop.services.db.drafts.get(ADMIN_ID) is None


async def test_many_long_unknown_orders_still_fit_one_message(shop: Shop) -> None:
    db = shop.services.db
    await db.users.upsert_seen(BOB, "en")
    account = await db.accounts.shared()
    placed = await shop.place(BOB)
    for index in range(12):
        new = NewOrder(
            user_id=BOB,
            account_id=account.id,
            submit_token=f"long-{index}",
            service=placed.service,
            expected_price=placed.expected_price,
            link="https://example.com/" + "x" * 2000,
            quantity=100,
        )
        order = await db.orders.create_submitting(new)
        await db.orders.mark_unknown(order.id, "panel said: " + "<&>" * 400)
    admin = shop.harness.user(ADMIN_ID)
    await admin.send("/stats")
    stats = await admin.expect_message(contains="Orders to reconcile")
    assert "…and 7 more." in stats.text and len(stats.buttons) == 5
