"""One status run covers every order due when it starts, a page at a time, in whole batches."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.jobs import status_poll
from bot.jobs.poller import STATUS_POLLER
from tests.jobs.support import Pollers

ALICE, BOB = 1001, 1002
BOBS_KEY = "key-of-bob-0123456789"


async def test_a_run_polls_every_due_order_page_by_page(pollers: Pollers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_poll, "PAGE_SIZE", 100)
    pollers.panel.add_account(BOBS_KEY, balance=Decimal("100"))
    await pollers.user(ALICE)
    await pollers.user(BOB)
    # Interleaved, as orders of many accounts arrive; 150 on the shared key, 120 on Bob's.
    orders = []
    for index in range(150):
        orders.append(await pollers.place(ALICE))
        if index < 120:
            orders.append(await pollers.place(BOB, key=BOBS_KEY))
    state = pollers.state(STATUS_POLLER)

    async with state.running():
        before = pollers.panel.count("status")
        await status_poll.poll_orders(pollers.services, state)
        requests = pollers.panel.count("status") - before

    # Pages of 100 by account: 100 | 50 + 50 | 70, so still 2 + 2 requests, as unpaged.
    assert requests == 4
    stored = [await pollers.stored(order) for order in orders]
    assert {order.status for order in stored} == {"Pending"}
    assert len({order.last_polled_at for order in stored}) == 1, "all in the one run"
