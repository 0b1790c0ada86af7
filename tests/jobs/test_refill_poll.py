"""The refill job: batched `refill_status`, final outcomes pushed once, the rest recorded quietly."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from pydantic import SecretStr

from bot.jobs import refill_poll
from bot.jobs.poller import REFILL_POLLER
from bot.services.orders import OrderDesk
from bot.storage import Order, Refill
from tests.jobs.support import Pollers
from tests.support.fixtures import SANDBOX_API_KEY

ALICE = 1001


async def _refill(pollers: Pollers, user_id: int) -> tuple[Order, Refill]:
    """A completed order of the user with a refill the panel accepted."""
    order = await pollers.place(user_id)
    pollers.panel.set_status(order.panel_order_id, "Completed")
    assert order.panel_order_id is not None
    refill_id = await pollers.services.panel.refill(SecretStr(SANDBOX_API_KEY), order.panel_order_id)
    return order, await pollers.services.db.refills.create(order.id, refill_id)


async def test_a_completed_refill_is_pushed_once(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order, refill = await _refill(pollers, ALICE)
    chat = pollers.harness.fake.chat(ALICE)

    await pollers.run(REFILL_POLLER)
    pollers.panel.advance_refill(refill.panel_refill_id)
    await pollers.run(REFILL_POLLER)
    assert chat.messages == [], "only the outcome of a refill is news"

    pollers.panel.set_refill_status(refill.panel_refill_id, "Completed")
    await pollers.run(REFILL_POLLER)
    await pollers.run(REFILL_POLLER)

    (message,) = chat.messages
    assert f"Refill of order #{order.panel_order_id}: Completed" in (message.text or "")
    assert message.buttons[0][0].callback_data == f"ord:{order.id}:open"
    stored = await pollers.services.db.refills.get(refill.id)
    assert stored is not None and stored.final and stored.notified_status == "Completed"


async def test_refills_are_polled_in_batches_and_rejections_pushed(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    refills = [(await _refill(pollers, ALICE))[1] for _ in range(101)]
    for refill in refills[:2]:
        pollers.panel.set_refill_status(refill.panel_refill_id, "Rejected")
    state = pollers.state(REFILL_POLLER)

    async with state.running():
        before = pollers.panel.count("refill_status")
        await refill_poll.poll_refills(pollers.services, state)
        assert pollers.panel.count("refill_status") - before == 2
        await refill_poll.deliver_refill_notifications(pollers.harness.app.bot, pollers.services)

    texts = pollers.texts(ALICE)
    assert len(texts) == 2
    assert all("Rejected" in text for text in texts)
    first, second = pollers.harness.fake.calls_to("sendMessage")
    # Paced at the sending end; arrival times here carry each request's own transit time.
    assert second.at - first.at >= 0.9, "messages to one chat go about a second apart"
    stored = await pollers.services.db.refills.get(refills[-1].id)
    assert stored is not None and stored.status == "Pending" and stored.notified_status == "Pending"


async def test_refill_notifications_can_be_turned_off(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    db = pollers.services.db
    user = await db.users.get(ALICE)
    assert user is not None
    await db.users.update_settings(ALICE, replace(user.settings, notify_refills=False))
    _, refill = await _refill(pollers, ALICE)
    pollers.panel.set_refill_status(refill.panel_refill_id, "Completed")

    await pollers.run(REFILL_POLLER)

    assert pollers.harness.fake.chat(ALICE).messages == []
    assert await db.refills.pending_notifications() == []


async def test_an_outcome_seen_on_the_card_meanwhile_is_not_pushed(pollers: Pollers) -> None:
    """The job reads its list once, then paces one message a second per chat. While it waits
    to send Alice's first refill outcome, she opens the card of her second order and sees how
    its refill ended: that outcome is not pushed after all."""
    await pollers.user(ALICE)
    await pollers.started()
    first_order, first = await _refill(pollers, ALICE)
    second_order, second = await _refill(pollers, ALICE)
    for refill in (first, second):
        pollers.panel.set_refill_status(refill.panel_refill_id, "Rejected")
    fake = pollers.harness.fake
    fake.rate_limit(times=1, retry_after=2, chat_id=ALICE)  # holds the first message back
    sends = len(fake.calls)

    job = asyncio.create_task(pollers.run(REFILL_POLLER))
    await fake.wait_for_call("sendMessage", since=sends, chat_id=ALICE)
    services = pollers.services
    desk = OrderDesk(db=services.db, panel=services.panel, settings=services.settings,
                     catalogs=services.catalogs, user_id=ALICE)
    (line,) = await desk.refills(second_order)
    assert line.refill.status == "Rejected"
    await job
    await pollers.run(REFILL_POLLER)

    (text,) = pollers.texts(ALICE)
    assert f"Refill of order #{first_order.panel_order_id}: Rejected" in text
