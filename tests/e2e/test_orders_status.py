"""/status: many ids in one message, bad ones reported one by one, long answers split."""

from __future__ import annotations

import re
from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.orders_support import ALICE, Shop, open_shop, with_balance
from tests.support.fake_chats import BotMessage


async def test_mixed_good_and_bad_ids(shop: Shop) -> None:
    pending = await shop.place(ALICE)
    partial = await shop.place(ALICE)
    assert partial.panel_order_id is not None
    shop.panel.set_status(partial.panel_order_id, "Partial", remains=40)
    alice = shop.harness.user(ALICE)

    typed = f"{pending.panel_order_id},{partial.panel_order_id}  x1, 0 99999,{pending.panel_order_id}"
    await alice.send(f"/status {typed}")
    answer = await alice.expect_message(contains="Order status")
    assert answer.text.splitlines()[1:] == [
        "⚠️ x1 is not an order number",
        "⚠️ 0 is not an order number",
        f"#{pending.panel_order_id}: Pending · remains 100 · $0.09",
        f"#{partial.panel_order_id}: Partial · remains 40 · $0.054",
        "#99999: not found among your orders",
    ]
    stored = await shop.stored(partial)
    assert stored.status == stored.notified_status == "Partial" and stored.final


async def test_over_a_hundred_ids_are_refused_before_asking(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    asked = len(shop.panel.requests)
    await alice.send("/status " + " ".join(str(number) for number in range(1000, 1101)))
    await alice.expect_message(contains="you sent 101")
    assert shop.panel.requests[asked:] == []


async def test_a_hundred_answers_are_split_into_messages_that_fit(tmp_path: Path, sandbox: SandboxPanel) -> None:
    key = with_balance(sandbox, "dana-own-key-8c1d0e7f")
    async with open_shop(tmp_path, sandbox) as shop:
        alice = shop.harness.user(ALICE)
        await alice.send(f"/connect {key}")
        await alice.expect_message(contains="connected")
        ids = list(range(500_000_000, 500_000_100))  # unknown to the panel: its error for each
        await alice.send("/status " + ",".join(map(str, ids)))
        first = await alice.expect_message(contains="Order status")
        messages = [first]
        while sum(len(numbers(message)) for message in messages) < len(ids):
            messages.append(await alice.expect_message(contains="Order status"))
        assert len(messages) > 1
        assert [number for message in messages for number in numbers(message)] == ids
        assert all(len(message.text) <= 4096 for message in messages)
        assert "Incorrect order ID" in first.text
        assert shop.panel.count("status") == 1  # one batch of 100


def numbers(message: BotMessage) -> list[int]:
    return [int(found) for found in re.findall(r"^#(\d+):", message.text, flags=re.MULTILINE)]
