"""The rate as each service type is charged: the service card, the confirmation, a price change.

A package costs its rate once, comment and username lists cost the rate per 1,000 lines,
subscriptions per 1,000 on every new post (`bot.services.ordering.order_price`); the texts
must say the same, or a $14.99 package reads like $14.99 per 1,000 of something.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from bot.sandbox import SandboxPanel
from tests.e2e.order_walk_support import ALICE, Walker, running_bot
from tests.e2e.test_order_types import WALKS, walk
from tests.support.fake_chats import BotMessage

PACKAGE = 20  # "Instagram Growth Package [Starter]": Package, $14.99, min 1, max 1


@dataclass(frozen=True)
class Terms:
    """What the card says of the rate and range, and the confirmation's rate line."""

    card: tuple[str, ...]
    rate: str | None  # None: the price line says it all


TERMS = {
    "package": Terms(("💰 $14.99 for the whole package",), None),
    "custom comments package": Terms(("💰 $2.50 for the whole package",), None),
    "custom comments": Terms(
        ("💰 $8.00 per 1,000 comments", "📦 From 10 to 1,500 comments"), "Rate: $8.00 per 1,000 comments"
    ),
    "mentions custom list": Terms(
        ("💰 $5.00 per 1,000 usernames", "📦 From 10 to 1,000 usernames"), "Rate: $5.00 per 1,000 usernames"
    ),
    "subscriptions": Terms(
        ("💰 $0.12 per 1,000, on every new post", "📦 From 100 to 50,000 per post"), "Rate: $0.12 per 1,000"
    ),
    "default without drip-feed": Terms(("💰 $1.80 per 1,000", "📦 From 500 to 1,000,000"), "Rate: $1.80 per 1,000"),
}


def terms_lines(card: BotMessage) -> tuple[str, ...]:
    return tuple(line for line in card.text.splitlines() if line.startswith(("💰", "📦")))


@pytest.mark.parametrize("name", list(TERMS))
async def test_the_card_and_the_confirmation_name_the_rate_as_the_type_is_charged(
    tmp_path: Path, sandbox: SandboxPanel, name: str
) -> None:
    case, terms = WALKS[name], TERMS[name]
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        card = await alice.command(f"/order {case.service_id}", contains="Drip-feed")
        assert terms_lines(card) == terms.card, card.text
        confirmation = await walk(alice, await alice.press(card, "🛒 Order"), case.steps)
        rates = [line for line in confirmation.text.splitlines() if line.startswith("Rate:")]
        assert rates == ([terms.rate] if terms.rate else []), confirmation.text
        assert f"Price: {case.price}" in confirmation.text


@pytest.mark.parametrize(("language", "per_thousand"), [("ko", "1,000개당"), ("ru", "за 1000")])
async def test_a_package_card_names_no_rate_per_1000_in_any_language(
    tmp_path: Path, sandbox: SandboxPanel, language: str, per_thousand: str
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE, language_code=language)
        card = await alice.command(f"/order {PACKAGE}", contains="14")
        [price] = terms_lines(card)
        assert "14.99" in price.replace(",", ".") and per_thousand not in card.text, card.text


async def test_a_package_whose_price_changed_is_quoted_at_its_new_price(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await walk(alice, await alice.open_form(PACKAGE), WALKS["package"].steps)
        sandbox.service(PACKAGE).rate = Decimal("19.99")
        await alice.user.press(confirmation, "✅ Confirm")
        again = await alice.user.expect_message("changed this package", kind="edited")
        assert "it now costs $19.99" in again.text and "Price: $19.99" in again.text
        assert "per 1,000" not in again.text and "from 1 to 1" not in again.text
