"""Injected faults, latency and the ambiguous outcomes they create."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import aiohttp
import pytest

from bot.sandbox import Fault, SandboxPanel
from tests.sandbox.conftest import ALICE, LINK, Api

# (fault, HTTP status, content type, a piece of the body)
CANNED = [
    (Fault.HTML_502, 502, "text/html", "502 Bad Gateway"),
    (Fault.HTML_503, 503, "text/html", "Just a moment..."),
    (Fault.CLOUDFLARE_403, 403, "text/html", "Cloudflare"),
    (Fault.EMPTY_BODY, 200, "text/html", ""),
    (Fault.NOT_JSON, 200, "text/plain", "unavailable"),
    (Fault.SERVER_ERROR, 500, "text/plain", "Internal Server Error"),
    (Fault.HTTP_4XX_ERROR, 400, "application/json", '{"error": "Incorrect request"}'),
]


@pytest.mark.parametrize(("fault", "status", "content_type", "fragment"), CANNED)
async def test_canned_fault_answers_instead_of_the_panel_once(
    api: Api, fault: Fault, status: int, content_type: str, fragment: str
) -> None:
    api.panel.inject(fault)

    async with api.session.post(
        api.panel.url, data={"key": ALICE, "action": "add", "service": "1", "link": LINK,
                             "quantity": "100"}
    ) as reply:
        body = await reply.text()
        assert (reply.status, reply.content_type) == (status, content_type)
    retried = await api.place()

    assert fragment in body if fragment else body == ""
    assert list(api.panel.orders) == [retried]
    assert api.panel.count("add") == 2


async def test_html_pages_are_not_json(api: Api) -> None:
    for fault in (Fault.HTML_502, Fault.HTML_503, Fault.CLOUDFLARE_403):
        api.panel.inject(fault)
        _, body = await api.raw("balance")
        assert body.startswith("<!DOCTYPE html>")
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)


async def test_fault_applies_times_then_stops(api: Api) -> None:
    api.panel.inject(Fault.SERVER_ERROR, times=2)

    statuses = [(await api.raw("balance"))[0] for _ in range(3)]

    assert statuses == [500, 500, 200]


async def test_fault_without_times_lasts_until_cleared(api: Api) -> None:
    api.panel.inject(Fault.HTML_503, times=None)

    statuses = [(await api.raw("balance"))[0] for _ in range(4)]
    api.panel.clear_faults()

    assert statuses == [503] * 4
    assert (await api.raw("balance"))[0] == 200


async def test_fault_for_one_action_spares_the_others(api: Api) -> None:
    api.panel.inject(Fault.HTML_502, action="status")

    balance_status, _ = await api.raw("balance")
    status_status, _ = await api.raw("status", order=1)

    assert (balance_status, status_status) == (200, 502)


async def test_a_refusal_answers_every_request_of_its_action_with_its_words(api: Api) -> None:
    api.panel.refusals["balance"] = "Down for maintenance until Monday"

    assert await api("balance") == {"error": "Down for maintenance until Monday"}
    assert await api("balance") == {"error": "Down for maintenance until Monday"}
    assert isinstance(await api("services"), list), "other actions are answered as ever"
    api.panel.refusals.clear()
    assert "balance" in await api("balance")


async def test_faults_are_served_in_injection_order(api: Api) -> None:
    api.panel.inject(Fault.HTML_502)
    api.panel.inject(Fault.CLOUDFLARE_403)

    statuses = [(await api.raw("balance"))[0] for _ in range(3)]

    assert statuses == [502, 403, 200]


def test_times_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SandboxPanel().inject(Fault.RESET, times=0)


async def test_reset_drops_the_connection_without_placing_the_order(api: Api) -> None:
    api.panel.inject(Fault.RESET, action="add")

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.place()

    assert api.panel.orders == {}
    assert api.panel.count("add") == 1


async def test_drop_reused_connection_closes_a_kept_alive_connection_unread(api: Api) -> None:
    api.panel.inject(Fault.DROP_REUSED_CONNECTION, action="add", times=2)
    first = await api.place()  # the session's first connection: served, and kept alive

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.place(link=LINK + "2")  # arrives on that connection

    assert list(api.panel.orders) == [first]
    assert api.panel.count("add") == 1  # the dropped request was never read


async def test_process_then_502_places_and_charges_the_order(api: Api) -> None:
    api.panel.inject(Fault.PROCESS_THEN_HTML_502)

    status, body = await api.raw("add", service=1, link=LINK, quantity=100)

    assert status == 502 and "Bad Gateway" in body
    [order] = api.panel.orders.values()
    assert api.panel.account(ALICE).balance == Decimal("100") - order.charge


async def test_timeout_processes_the_request_but_answers_too_late(api: Api) -> None:
    api.panel.timeout_delay = 30
    api.panel.inject(Fault.TIMEOUT)

    with pytest.raises(asyncio.TimeoutError):
        async with api.session.post(
            api.panel.url,
            data={"key": ALICE, "action": "add", "service": "1", "link": LINK, "quantity": "100"},
            timeout=aiohttp.ClientTimeout(total=1),
        ):
            pass
    await api.panel.wait_for_request("add")

    assert len(api.panel.orders) == 1


async def test_timeout_answers_normally_after_the_delay(api: Api) -> None:
    api.panel.timeout_delay = 0.2
    api.panel.inject(Fault.TIMEOUT)
    loop = asyncio.get_running_loop()

    started = loop.time()
    answer = await api("balance")

    assert loop.time() - started >= 0.2
    assert answer == {"balance": "100.00000", "currency": "USD"}


async def test_stop_releases_a_request_waiting_on_timeout(api: Api) -> None:
    api.panel.timeout_delay = 30
    api.panel.inject(Fault.TIMEOUT)
    waiting = asyncio.create_task(api.raw("balance"))
    await api.panel.wait_for_request("balance")

    await asyncio.wait_for(api.panel.stop(), timeout=5)

    try:
        await asyncio.wait_for(waiting, timeout=5)
    except aiohttp.ClientError:
        pass  # a closed connection is a fine answer to a stopping panel


async def test_untranslated_errors_show_keys_top_level_and_per_item(api: Api) -> None:
    api.panel.inject(Fault.UNTRANSLATED_ERRORS, times=3)

    funds = await api("add", key="key-bob", service=20, link=LINK)
    batch = await api("status", orders="1,2")
    quantity = await api("add", service=3, link=LINK, quantity=5)

    assert funds == {"error": "neworder.error.not_enough_funds"}
    assert batch == {
        "1": {"error": "order.error.incorrect_id"}, "2": {"error": "order.error.incorrect_id"}
    }
    assert quantity == {"error": "neworder.error.min_quantity"}
    assert await api("balance", key="key-nobody") == {"error": "Invalid API key"}


async def test_latency_adds_up_for_every_action_action_and_key(api: Api) -> None:
    loop = asyncio.get_running_loop()

    async def timed(action: str, key: str = ALICE) -> float:
        started = loop.time()
        await api(action, key=key)
        return loop.time() - started

    api.panel.latency = 0.05
    api.panel.action_latency["services"] = 0.1
    api.panel.key_latency["key-bob"] = 0.2

    assert await timed("balance") >= 0.05
    assert await timed("services") >= 0.15
    assert await timed("balance", key="key-bob") >= 0.25


async def test_slow_action_or_key_does_not_slow_the_others(api: Api) -> None:
    api.panel.action_latency["services"] = 30
    api.panel.key_latency["key-bob"] = 30

    slow = asyncio.create_task(api("services"))
    slow_key = asyncio.create_task(api("balance", key="key-bob"))
    await api.panel.wait_for_request("services")

    assert await asyncio.wait_for(api("balance"), timeout=5) == {
        "balance": "100.00000", "currency": "USD"
    }
    assert not slow.done() and not slow_key.done()
    slow.cancel()
    slow_key.cancel()
    await asyncio.gather(slow, slow_key, return_exceptions=True)
