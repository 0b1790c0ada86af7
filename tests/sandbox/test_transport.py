"""How requests may arrive (form, query string, JSON) and how they are recorded."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.sandbox.conftest import ALICE, LINK, Api
from tests.support.cut_off_request import send_cut_off_request


async def test_get_with_query_string_is_answered(api: Api) -> None:
    async with api.session.get(api.panel.url, params={"key": ALICE, "action": "balance"}) as reply:
        assert await reply.json() == {"balance": "100.00000", "currency": "USD"}


async def test_json_body_is_answered_with_numbers_and_lists_read_as_text(api: Api) -> None:
    order_id = await api.place()
    body = {"key": ALICE, "action": "status", "orders": [order_id, 5]}

    async with api.session.post(api.panel.url, json=body) as reply:
        answer = await reply.json()
    async with api.session.post(
        api.panel.url,
        json={"key": ALICE, "action": "add", "service": 1, "link": LINK + "2", "quantity": 50},
    ) as reply:
        added = await reply.json()

    assert answer[str(order_id)]["status"] == "Pending"
    assert answer["5"] == {"error": "Incorrect order ID"}
    assert api.panel.orders[added["order"]].quantity == 50


async def test_malformed_json_body_is_a_request_without_key(api: Api) -> None:
    async with api.session.post(
        api.panel.url, data="{not json", headers={"Content-Type": "application/json"}
    ) as reply:
        assert await reply.json() == {"error": "Invalid API key"}


async def test_requests_are_recorded_without_the_key(api: Api) -> None:
    await api("balance")
    await api("status", order=7)
    await api("balance", key="key-nobody")

    assert [(request.action, request.params) for request in api.panel.requests] == [
        ("balance", {}), ("status", {"order": "7"}), ("balance", {}),
    ]
    assert api.panel.count("balance") == 2
    assert api.panel.count("add") == 0
    assert all(ALICE not in repr(request) for request in api.panel.requests)


async def test_wait_for_request_returns_once_enough_arrived(api: Api) -> None:
    waiter = asyncio.create_task(api.panel.wait_for_request("balance", count=2))
    await api("balance")
    assert not waiter.done()

    await api("balance")

    await asyncio.wait_for(waiter, timeout=5)


async def test_started_panel_has_a_loopback_url_and_refuses_a_second_start(api: Api) -> None:
    assert api.panel.url.startswith("http://127.0.0.1:")
    assert api.panel.url.endswith("/api/v2")
    try:
        await api.panel.start()
    except RuntimeError:
        return
    raise AssertionError("a second start must be refused")


async def test_a_request_cut_off_mid_body_is_not_processed_nor_logged_as_an_error(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)

    await send_cut_off_request(api.panel.url, f"key={ALICE}&action=add&service=1&link={LINK}")

    assert api.panel.requests == [] and api.panel.orders == {}
    assert caplog.records == []
