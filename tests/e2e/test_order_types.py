"""A full order of every service type the bot serves, and every validation error on the way.

Each walk goes through the real bot by long polling: `/order <id>`, the card's Order button,
each step typed or pressed, the confirmation's price, Confirm, and the order on the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.sandbox import SandboxPanel
from bot.storage import SubmitState
from tests.e2e.order_walk_support import ALICE, Walker, running_bot, services_of
from tests.support.fake_chats import BotMessage

NEXT_MONTH = (datetime.now(UTC) + timedelta(days=40)).strftime("%d/%m/%Y")
YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Type:
    """Typed answers and pressed buttons (`press:` prefix), in order, and what must come of them."""

    service_id: int
    steps: tuple[str, ...]
    price: str  # as the confirmation shows it
    sent: dict[str, str]  # the `add` parameters besides key, action and service


LINES_10 = "\n".join(f"line {number}" for number in range(1, 11))
WALKS = {
    "default with drip-feed": Type(
        1, ("instagram.com/alice", "1000", "press:💧 Yes, in runs", "3", "15"), "$2.70",
        {"link": "https://instagram.com/alice", "quantity": "1000", "runs": "3", "interval": "15"},
    ),
    "default without drip-feed": Type(
        17, ("https://youtube.com/watch?v=1", "1,000", "press:All at once"), "$1.80",
        {"link": "https://youtube.com/watch?v=1", "quantity": "1000"},
    ),
    "lower-case default": Type(
        2, ("instagram.com/bob", "2 000"), "$0.70", {"link": "https://instagram.com/bob", "quantity": "2000"}
    ),
    "seven decimal places": Type(
        3, ("instagram.com/p/1", "1000"), "$0.1234567", {"link": "https://instagram.com/p/1", "quantity": "1000"}
    ),
    "SEO": Type(
        19, ("example.com", "100", "buy shoes\ncheap shoes"), "$0.20",
        {"link": "https://example.com", "quantity": "100", "keywords": "buy shoes\ncheap shoes"},
    ),
    "custom comments": Type(
        5, ("instagram.com/p/2", LINES_10), "$0.08", {"link": "https://instagram.com/p/2", "comments": LINES_10}
    ),
    "custom comments package": Type(
        6, ("instagram.com/p/3", "nice!\ngreat"), "$2.50",
        {"link": "https://instagram.com/p/3", "comments": "nice!\ngreat"},
    ),
    "comment likes": Type(
        7, ("instagram.com/p/4", "100", "@author"), "$0.11",
        {"link": "https://instagram.com/p/4", "quantity": "100", "username": "@author"},
    ),
    "mentions": Type(
        8, ("instagram.com/p/5", "100", "ann\nben"), "$0.40",
        {"link": "https://instagram.com/p/5", "quantity": "100", "usernames": "ann\nben"},
    ),
    "mentions with hashtags": Type(
        9, ("instagram.com/p/6", "100", "ann\nben", "#sun\n#sea"), "$0.45",
        {"link": "https://instagram.com/p/6", "quantity": "100", "usernames": "ann\nben", "hashtags": "#sun\n#sea"},
    ),
    "mentions custom list": Type(
        10, ("instagram.com/p/7", LINES_10), "$0.05", {"link": "https://instagram.com/p/7", "usernames": LINES_10}
    ),
    "mentions hashtag": Type(
        11, ("instagram.com/p/8", "100", "#sunset"), "$0.375",
        {"link": "https://instagram.com/p/8", "quantity": "100", "hashtag": "#sunset"},
    ),
    "mentions user followers": Type(
        12, ("instagram.com/p/9", "100", "natgeo"), "$0.39",
        {"link": "https://instagram.com/p/9", "quantity": "100", "username": "natgeo"},
    ),
    "mentions media likers": Type(
        13, ("instagram.com/p/10", "100", "instagram.com/p/other"), "$0.39",
        {"link": "https://instagram.com/p/10", "quantity": "100", "media": "https://instagram.com/p/other"},
    ),
    "package": Type(20, ("instagram.com/shop",), "$14.99", {"link": "https://instagram.com/shop"}),
    "poll": Type(
        15, ("t.me/channel/5", "100", "2"), "$0.08", {"link": "https://t.me/channel/5", "quantity": "100",
                                                     "answer_number": "2"},
    ),
    "invites from groups": Type(
        14, ("t.me/mygroup", "100", "t.me/a\nt.me/b"), "$0.32",
        {"link": "https://t.me/mygroup", "quantity": "100", "groups": "t.me/a\nt.me/b"},
    ),
    "subscriptions": Type(
        16, ("@channel", "100", "1000", "10", "press:Skip ›", "press:30 min", NEXT_MONTH), "$1.20",
        {"username": "@channel", "min": "100", "max": "1000", "posts": "10", "delay": "30", "expiry": NEXT_MONTH},
    ),
    "web traffic": Type(
        18, ("example.com/shop", "1000", "US", "press:Desktop", "press:Google keyword", "buy shoes",
             "press:All at once"), "$0.45",
        {"link": "https://example.com/shop", "quantity": "1000", "country": "US", "device": "1",
         "type_of_traffic": "1", "google_keyword": "buy shoes"},
    ),
}


async def walk(walker: Walker, first: BotMessage, steps: tuple[str, ...]) -> BotMessage:
    """Answer each step; return the message after the last one."""
    shown = first
    for step in steps:
        if step.startswith("press:"):
            shown = await walker.press(shown, step.removeprefix("press:"))
        else:
            shown = await walker.type(step)
    return shown


@pytest.mark.parametrize("name", list(WALKS))
async def test_a_full_order_of_each_type(tmp_path: Path, sandbox: SandboxPanel, name: str) -> None:
    case = WALKS[name]
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        confirmation = await walk(alice, await alice.open_form(case.service_id), case.steps)
        assert "Check your order" in confirmation.text, confirmation.text
        assert f"Price: {case.price}" in confirmation.text
        placed = await alice.press(confirmation, "✅ Confirm")
        placed = await alice.user.expect_message("placed", kind="edited")
        [add] = [request for request in sandbox.requests if request.action == "add"]
        assert add.params == {"service": str(case.service_id), **case.sent}
        [sandbox_order] = sandbox.orders.values()
        assert f"Panel order ID: {sandbox_order.id}" in placed.text
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert order.submit_state is SubmitState.PLACED and order.panel_order_id == sandbox_order.id
        assert f"${order.expected_price}" == case.price
        assert sandbox_order.charge == order.expected_price.quantize(Decimal("0.00001"))
        assert placed.button("📄 Open order").callback_data == f"ord:{order.id}:open"


async def test_an_unknown_type_is_shown_but_not_offered(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        card = await alice.command("/order 4")
        assert "Story Views Beta" in card.text and "can't take orders" in card.text
        assert "🛒 Order" not in card.button_texts
        query = await alice.user.press_data(card, "ow:start:4")  # forged: still no form
        assert "out of date" in await alice.alert(query)


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service_id", "before", "typed", "error"),
    [
        (1, (), "hello there", "Link: that doesn't look like a web link"),
        (1, (), "ftp://example.com", "doesn't look like a web link"),
        (1, ("instagram.com/a",), "lots", "Quantity must be a whole number from 50 to 10,000."),
        (1, ("instagram.com/a",), "20", "Quantity must be from 50 to 10,000."),
        (1, ("instagram.com/a",), "10,001", "Quantity must be from 50 to 10,000."),
        (1, ("instagram.com/a",), "1.5", "Quantity must be a whole number from 50 to 10,000."),
        (1, ("instagram.com/a", "100", "press:💧 Yes, in runs"), "1", "Runs must be from 2 to 1,000."),
        (1, ("instagram.com/a", "100", "press:💧 Yes, in runs", "3"), "0", "Interval must be from 1 to 1,440."),
        (5, ("instagram.com/a",), "one\ntwo\nthree", "you sent 3 lines; this service takes from 10 to 1,500"),
        (15, ("t.me/c/1", "100"), "101", "Answer number must be from 1 to 100."),
        (11, ("instagram.com/a", "100"), "#one\n#two", "Hashtag: send it on a single line."),
        (16, ("@channel",), "50", "Least per post must be from 100 to 50,000."),
        (16, ("@channel", "500"), "400", "Most per post must be from 500 to 50,000."),
        (16, ("@channel", "100", "1000", "press:Skip ›", "press:Skip ›", "press:5 min"), YESTERDAY,
         "End date: the date must be"),
        (16, ("@channel", "100", "1000", "press:Skip ›", "press:Skip ›", "press:5 min"), "soon",
         "send a date as day/month/year"),
        (18, ("example.com", "1000", "US"), "a toaster", "Devices: please choose one of the buttons below."),
        (1, ("instagram.com/a", "100"), "yes please", "Drip-feed: please choose one of the buttons below."),
    ],
)
async def test_each_bad_answer_is_refused_naming_its_bounds(
    tmp_path: Path, sandbox: SandboxPanel, service_id: int, before: tuple[str, ...], typed: str, error: str
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        step = await walk(alice, await alice.open_form(service_id), before)
        refused = await alice.type(typed)
        assert error in refused.text, refused.text
        # The same step is asked again, with its buttons; the right answer then goes through.
        assert refused.text.endswith(step.text)
        assert refused.button_texts[-2:] == ["« Back", "✖️ Cancel"]
        assert sandbox.count("add") == 0


async def test_the_error_comes_with_the_step_again_and_a_good_answer_moves_on(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(1)
        await alice.type("instagram.com/a")
        refused = await alice.type("5")
        assert "Quantity must be from 50 to 10,000." in refused.text and "Step 2 of 3" in refused.text
        drip = await alice.type("500")
        assert "Step 3 of 3" in drip.text and "drip-feed" in drip.text


async def test_text_at_the_confirmation_points_at_the_buttons(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await walk(alice, await alice.open_form(2), ("instagram.com/a",))
        await alice.type("100")
        hint = await alice.type("ok go")
        assert "use the buttons" in hint.text
        assert sandbox.count("add") == 0
