"""Whatever length of text the panel sends (a refusal, a service name or type, a status), the
user gets an answer: the panel's words are cut, never the message refused by Telegram.

Leaving the harness fails a test if the bot sent a message over 4,096 characters or logged an
error, so each test also proves the handler ran to its end.
"""

from __future__ import annotations

from pathlib import Path

from bot.jobs.poller import REFILL_POLLER, STATUS_POLLER
from bot.sandbox import SandboxPanel
from bot.views.common import PANEL_LABEL_LENGTH, PANEL_MESSAGE_LENGTH
from bot.views.orders import SERVICE_LENGTH
from tests.e2e.order_walk_support import ALICE, Walker, running_bot
from tests.e2e.orders_support import Shop
from tests.support.fake_chats import BotMessage

# A panel's refusal can be anything: a stack trace, a whole maintenance notice.
LONG_REFUSAL = "Service is temporarily disabled. " * 150
LONG_NAME = "Instagram Followers " + "N" * 4100


def quotes_in_part(message: BotMessage, words: str, limit: int) -> None:
    """The message quotes the start of `words`, cut to `limit` characters."""
    start = words[:40]
    assert start in message.text
    quoted = message.text[message.text.index(start) :]
    assert "…" in quoted and len(quoted.split("…")[0]) < limit


async def test_a_long_refusal_of_the_balance_is_quoted_in_part(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    shop.panel.refusals["balance"] = LONG_REFUSAL
    await alice.send("/balance")
    answer = await alice.expect_message(contains="The panel said")
    quotes_in_part(answer, LONG_REFUSAL, PANEL_MESSAGE_LENGTH)


async def test_a_long_refusal_of_status_refill_and_cancel_is_quoted_in_part(shop: Shop) -> None:
    order = await shop.place(ALICE)
    alice = shop.harness.user(ALICE)
    for action, command in (("status", "/status"), ("refill", "/refill"), ("cancel", "/cancel_orders")):
        shop.panel.refusals[action] = LONG_REFUSAL
        await alice.send(f"{command} {order.panel_order_id}")
        answer = await alice.expect_message(contains="The panel said")
        quotes_in_part(answer, LONG_REFUSAL, PANEL_MESSAGE_LENGTH)


async def test_confirm_quotes_a_long_refusal_of_the_price_check_in_part(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(3)
        await alice.type("instagram.com/p/abc")
        confirmation = await alice.type("300")
        sandbox.refusals["services"] = LONG_REFUSAL
        await alice.user.press(confirmation, "✅ Confirm")
        notice = await alice.user.expect_message(contains="price couldn't be checked", kind="edited")
        quotes_in_part(notice, LONG_REFUSAL, PANEL_MESSAGE_LENGTH)
        assert "✅ Confirm" in notice.button_texts, "the confirmation is drawn again under the notice"
        assert sandbox.count("add") == 0


async def test_notices_about_an_order_of_a_long_named_service_arrive(shop: Shop) -> None:
    shop.panel.service(1).name = LONG_NAME
    alice = await shop.user(ALICE)
    order = await shop.place(ALICE, service_id=1)
    assert order.panel_order_id is not None
    shop.panel.set_status(order.panel_order_id, "Completed")
    await shop.run(STATUS_POLLER)
    completed = await alice.expect_message(contains="Completed")
    quotes_in_part(completed, LONG_NAME, SERVICE_LENGTH)

    await alice.send(f"/refill {order.panel_order_id}")
    await alice.expect_message(contains="refill requested")
    shop.panel.set_refill_status(1, "Completed")
    await shop.run(REFILL_POLLER)
    refilled = await alice.expect_message(contains="Refill of order")
    quotes_in_part(refilled, LONG_NAME, SERVICE_LENGTH)


async def test_a_long_status_the_bot_has_no_word_for_is_shown_in_part(shop: Shop) -> None:
    order = await shop.place(ALICE)
    assert order.panel_order_id is not None
    status = "On hold: " + "x" * 4100
    shop.panel.orders[order.panel_order_id].status = status
    alice = shop.harness.user(ALICE)
    await alice.send(f"/status {order.panel_order_id}")
    answer = await alice.expect_message(contains="Order status")
    quotes_in_part(answer, status, PANEL_LABEL_LENGTH)
    await alice.send("/orders")
    listing = await alice.expect_message(contains="Your orders")
    quotes_in_part(listing, status, PANEL_LABEL_LENGTH)


async def test_the_card_of_a_service_of_a_long_unknown_type_shows_it_in_part(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    long_type = "Story Views " + "B" * 2100
    sandbox.service(4).type = long_type
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        card = await alice.command("/order 4", contains="Instagram Story Views")
        assert card.text.count(long_type[:40]) == 2, "named as its type, and in the warning"
        assert "…" in card.text and len(card.text) < 1000
        assert "🛒 Order" not in card.button_texts
