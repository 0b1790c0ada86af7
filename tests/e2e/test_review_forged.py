"""Review: forged numbers never crash a handler; an edit never confirms answers that no longer fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.order_walk_support import Walker, running_bot
from tests.e2e.orders_support import ADMIN_ID, ALICE, Shop

HUGE = "9" * 25  # beyond SQLite's 64-bit integers
SUPERSCRIPT = "\u00b2"  # str.isdigit() says yes, int() says no
NEXT_MONTH = (datetime.now(UTC) + timedelta(days=40)).strftime("%d/%m/%Y")


async def test_forged_numbers_in_buttons_get_a_notice(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    fake = shop.harness.fake
    await alice.send("/orders")
    listing = await alice.expect_message()
    for number in (HUGE, SUPERSCRIPT):
        for data in (f"ord:{number}:open", f"svc:{number}", f"cats:{number}", f"cat:{number}:0",
                     f"cat:0:{number}", f"ords:all:{number}", f"ow:start:{number}", f"ow:found:{number}"):
            query_id = await alice.press_data(listing, data)
            answer = await fake.wait_until(lambda qid=query_id: fake.callback_answers.get(qid), timeout=5)
            # Either an "out of date"/"not found" alert, or (a page past the end) the last page.
            assert answer is not None, data


async def test_forged_numbers_in_commands_get_an_answer(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    await alice.send(f"/order {SUPERSCRIPT}")
    await alice.expect_message(contains="Nothing matches")
    await alice.send(f"/status {HUGE}")
    status = await alice.expect_message(contains="Order status")
    assert "not an order number" in status.text
    admin = shop.harness.user(ADMIN_ID)
    for args in (f"{HUGE} failed", f"{SUPERSCRIPT} failed", f"1 placed {HUGE}"):
        await admin.send(f"/resolve {args}")
        await admin.expect_message(contains="Usage: /resolve")


async def test_editing_the_least_per_post_above_the_most_asks_the_most_again(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    """An edited answer that makes a later one invalid (max below min) is not confirmed."""
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        shown = await alice.open_form(16)
        for step in ("@channel", "100", "1000", "10", "press:Skip ›", "press:30 min", NEXT_MONTH):
            shown = await (alice.press(shown, step[6:]) if step.startswith("press:") else alice.type(step))
        assert "Check your order" in shown.text
        choose = await alice.press(shown, "✏️ Edit")
        await alice.press(choose, "Least per post")
        asked_again = await alice.type("5000")
        assert "Check your order" not in asked_again.text
        assert "must be from 5,000" in asked_again.text
        assert sandbox.count("add") == 0
