"""The order walk and a status notification in Korean and Russian, through the real bot.

Expected texts are the catalog's own renderings (`tr(...)` shown as Telegram shows HTML), so
these tests prove the bot picks the user's language, plural form and number format, not
what a particular translation says.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import Html, Translator
from bot.jobs.poller import STATUS_POLLER
from bot.sandbox import SandboxPanel
from bot.storage import Order, SubmitState
from tests.e2e.order_walk_support import ALICE, BOB, Walker, running_bot, services_of
from tests.jobs.support import Pollers
from tests.support.fake_chats import BotMessage
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness
from tests.support.telegram_html import parse_telegram_html

# Sandbox service 3, "Instagram Likes [Fast]": a rate with seven decimals, 200 to 1,000.
CATEGORY = "Instagram Likes"
SERVICE_ID = 3
SERVICE_NAME = "Instagram Likes [Fast]"
RATE = Decimal("0.1234567")
QUANTITY = 1000
# Sandbox service 16: Subscriptions, whose form ends with an optional end date.
SUBSCRIPTION_ID = 16
# Big enough to be grouped, precise enough that rounding would show.
BALANCE = Decimal("12345.6789")
HANGUL = re.compile("[\uac00-\ud7a3]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
SCRIPTS = {"ko": HANGUL, "ru": CYRILLIC}
# How each locale writes BALANCE, the price and the quantity (CLDR: ru groups with a no-break space).
FORMATTED = {
    "ko": ("US$12,345.6789", "US$0.1234567", "1,000"),
    "ru": ("12\xa0345,6789\xa0$", "0,1234567\xa0$", "1\xa0000"),
}
# English texts of the same screens: none may leak into another language.
ENGLISH = ("New order", "services", "per 1,000", "Step 1 of", "Check your order", "Price", "Balance",
           "Confirm", "placed", "In progress", "Remains", "Charge", "Open order")


def shown(text: Html | str) -> str:
    """A message as the user sees it: Telegram HTML without the markup."""
    return parse_telegram_html(text)


def assert_in_language(message: BotMessage, language: str) -> None:
    """The text and buttons are written in `language`, with no English screen text left."""
    everything = "\n".join([message.text, *message.button_texts])
    assert SCRIPTS[language].search(message.text), message.text
    for english in ENGLISH:
        assert english not in everything, f"{english!r} in a {language} message:\n{everything}"


@pytest.fixture
async def panel(sandbox: SandboxPanel) -> SandboxPanel:
    sandbox.account(SANDBOX_API_KEY).balance = BALANCE
    return sandbox


async def place_order(harness: BotHarness, walker: Walker, tr: Translator, language: str) -> Order:
    """Walk category → service → link → quantity → confirmation → ✅ Confirm, checking each screen."""
    balance_text, price_text, quantity_text = FORMATTED[language]
    panel = harness.panel
    assert isinstance(panel, SandboxPanel)

    categories = await walker.command("/order")
    catalog_size = Html(tr.plural("services-count", len(panel.services)))
    assert categories.text == shown(tr("order-categories", services=catalog_size))
    assert_in_language(categories, language)

    in_category = sum(service.category == CATEGORY for service in panel.services)
    services = await walker.press(categories, f"{CATEGORY} ({tr.number(in_category)})")
    counted = Html(tr.plural("services-count", in_category))
    assert services.text == shown(tr("order-category", category=CATEGORY, services=counted))
    assert_in_language(services, language)

    card = await walker.press(services, f"{SERVICE_NAME} · {price_text}")
    assert shown(tr("service-type-default")) in card.text and price_text in card.text
    assert_in_language(card, language)

    link_step = await walker.press(card, tr.plain("button-order"))
    step = tr("order-step", service=SERVICE_NAME, step=tr.number(1), steps=tr.number(2))
    assert link_step.text == shown(Html(step + "\n\n" + tr("order-prompt-link")))
    assert_in_language(link_step, language)

    quantity_step = await walker.type(f"instagram.com/{language}-likes")
    prompt = tr("order-prompt-quantity", min=tr.number(200), max=quantity_text)
    assert shown(prompt) in quantity_step.text and quantity_text in quantity_step.text
    assert_in_language(quantity_step, language)

    confirmation = await walker.type(str(QUANTITY))
    for line in (
        tr("order-confirm-title"),
        tr("order-confirm-field", field=tr("order-field-quantity"), value=quantity_text),
        tr("order-confirm-rate", rate=price_text),
        tr("order-confirm-price", price=price_text),
        tr("order-confirm-balance", balance=balance_text),
    ):
        assert shown(line) in confirmation.text.splitlines(), (shown(line), confirmation.text)
    assert_in_language(confirmation, language)

    await walker.user.press(confirmation, tr.plain("button-confirm"))
    submitting = shown(tr("order-submitting"))
    placed = await walker.user.expect_message(kind="edited", predicate=lambda message: message.text != submitting)
    [order] = await services_of(harness).db.orders.list_for_user(walker.user.id)
    assert order.submit_state is SubmitState.PLACED and order.expected_price == RATE
    expected = "\n".join((tr("order-placed", panel_id=order.panel_order_id), tr("order-placed-will-notify")))
    assert placed.text == shown(expected)
    assert placed.button_texts == [tr.plain("button-open-order")]
    assert_in_language(placed, language)
    return order


async def notification_after_a_step(harness: BotHarness, walker: Walker, order: Order) -> BotMessage:
    """Move the order on in the sandbox, run the status poller, return what it pushed."""
    panel = harness.panel
    assert isinstance(panel, SandboxPanel) and order.panel_order_id is not None
    pollers = Pollers(harness, panel)
    await pollers.started()
    panel.advance(order.panel_order_id)
    await pollers.run(STATUS_POLLER)
    return await walker.user.expect_message(kind="sent")


async def assert_status_notification(harness: BotHarness, message: BotMessage, order: Order, tr: Translator) -> None:
    """The pushed message says "in progress" with what is left and what it cost, in `tr`'s language."""
    stored = await services_of(harness).db.orders.get(order.id)
    assert stored is not None and stored.remains is not None and stored.charge is not None
    assert message.text.splitlines() == [
        shown(tr("notify-order-status", number=order.panel_order_id, status=tr("status-in-progress"))),
        shown(tr("notify-order-service", service=SERVICE_NAME)),
        shown(tr("notify-order-link", link=order.link)),
        shown(tr("notify-order-remains", remains=tr.number(stored.remains))),
        shown(tr("notify-order-charge", charge=tr.money(stored.charge, "USD"))),
    ]
    assert message.button_texts == [tr.plain("button-open-order")]
    assert_in_language(message, tr.language)


@pytest.mark.parametrize("language", ["ko", "ru"])
async def test_an_order_and_its_notification_in_the_users_language(
    tmp_path: Path, panel: SandboxPanel, language: str
) -> None:
    async with running_bot(tmp_path, panel) as harness:
        tr = services_of(harness).i18n.translator(language)
        alice = Walker(harness, ALICE, language_code=language)
        order = await place_order(harness, alice, tr, language)

        notification = await notification_after_a_step(harness, alice, order)
        await assert_status_notification(harness, notification, order, tr)

        # The order card it opens dates the order the user's way.
        await alice.user.press(notification, tr.plain("button-open-order"))
        card = await alice.user.expect_message(kind="sent")
        assert shown(tr("order-card-date", date=tr.datetime(order.created_at))) in card.text.splitlines()
        assert_in_language(card, language)


async def test_notifications_use_the_language_chosen_after_ordering(tmp_path: Path, panel: SandboxPanel) -> None:
    async with running_bot(tmp_path, panel) as harness:
        i18n = services_of(harness).i18n
        russian, korean = i18n.translator("ru"), i18n.translator("ko")
        bob = Walker(harness, BOB, language_code="ru")
        order = await place_order(harness, bob, russian, "ru")

        picker = await bob.command("/language")
        chosen = await bob.press(picker, i18n.native_name("ko"))
        assert chosen.text == shown(korean("language-set", language=i18n.native_name("ko")))
        user = await services_of(harness).db.users.get(BOB)
        assert user is not None and user.language == "ko" and bob.user.language_code == "ru"

        # Telegram still says "ru"; the job has no update to go by and uses what is stored.
        notification = await notification_after_a_step(harness, bob, order)
        await assert_status_notification(harness, notification, order, korean)
        assert not CYRILLIC.search(notification.text)


@pytest.mark.parametrize("language", ["ko", "ru"])
async def test_the_confirmation_writes_the_end_date_the_users_way(
    tmp_path: Path, panel: SandboxPanel, language: str
) -> None:
    end = datetime.now(UTC) + timedelta(days=40)
    async with running_bot(tmp_path, panel) as harness:
        tr = services_of(harness).i18n.translator(language)
        alice = Walker(harness, ALICE, language_code=language)
        card = await alice.command(f"/order {SUBSCRIPTION_ID}")
        step = await alice.press(card, tr.plain("button-order"))
        for answer in ("@channel", "100", "1000", "10"):
            step = await alice.type(answer)
        step = await alice.press(step, tr.plain("button-skip"))
        step = await alice.press(step, str(tr.plural("order-minutes", 30)))
        # Typed the way the prompt asks (day/month/year), shown the way the language writes dates.
        confirmation = await alice.type(end.strftime("%d/%m/%Y"))
        expected = tr("order-confirm-field", field=tr("order-field-expiry"), value=tr.date(end))
        assert shown(expected) in confirmation.text.splitlines(), confirmation.text
        assert end.strftime("%d/%m/%Y") not in confirmation.text
        assert_in_language(confirmation, language)
