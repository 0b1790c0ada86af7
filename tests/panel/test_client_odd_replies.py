"""Replies no sandbox flavour plays: the real client against a panel that answers one fixed body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.panel import ItemError, OrderOutcomeUnknown, PanelAuthError, PanelClient

KEY = SecretStr("sk-odd/0123456789abcdef")  # with a slash, which PHP's json_encode escapes
SECRET = KEY.get_secret_value()
ORDER = {"link": "https://instagram.com/p/odd", "quantity": 100}


@dataclass
class CannedPanel:
    """Answers every request with `body`."""

    url: str = ""
    body: str = "{}"

    async def handle(self, request: web.Request) -> web.Response:
        await request.post()
        return web.Response(body=self.body.encode(), content_type="application/json")


@pytest.fixture
async def panel() -> AsyncIterator[CannedPanel]:
    canned = CannedPanel()
    app = web.Application()
    app.router.add_post("/api/v2", canned.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    canned.url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/v2"
    try:
        yield canned
    finally:
        await runner.cleanup()


@pytest.fixture
async def client(panel: CannedPanel) -> AsyncIterator[PanelClient]:
    async with PanelClient(panel.url, timeout=3.0, read_retries=0) as client:
        yield client


@pytest.mark.parametrize("no_error", ["false", "0", '"0"', '""', "null"])
async def test_an_order_id_beside_a_no_error_marker_is_the_placed_order(
    panel: CannedPanel, client: PanelClient, no_error: str
) -> None:
    panel.body = f'{{"order": 23501, "error": {no_error}}}'
    assert await client.add(KEY, 1, ORDER) == 23501


@pytest.mark.parametrize("error", ["true", '"Incorrect link"', "1"])
async def test_an_order_id_beside_an_error_is_an_unknown_outcome_never_a_refusal(
    panel: CannedPanel, client: PanelClient, error: str
) -> None:
    """A refusal would tell the user nothing was placed, inviting a second paid order."""
    panel.body = f'{{"order": "23501", "error": {error}}}'
    with pytest.raises(OrderOutcomeUnknown, match="panel named order 23501 and an error"):
        await client.add(KEY, 1, ORDER)


async def test_an_echoed_key_is_masked_in_an_unknown_outcome(panel: CannedPanel, client: PanelClient) -> None:
    panel.body = f'{{"order": 23501, "error": "bad key {SECRET}"}}'
    with pytest.raises(OrderOutcomeUnknown) as caught:
        await client.add(KEY, 1, ORDER)
    assert SECRET not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize("written", [SECRET, SECRET.replace("/", "\\/")])
async def test_a_key_quoted_in_one_orders_slot_is_masked(panel: CannedPanel, client: PanelClient, written: str) -> None:
    """Per-order errors are data, shown to users (/status) and logged: never with the key."""
    panel.body = f'{{"23501": {{"error": "Order not found for API key {written}"}}, "23502": {{"status": "Pending"}}}}'
    statuses = await client.statuses(KEY, [23501, 23502])
    assert statuses[23501] == ItemError(message="Order not found for API key ***")
    assert SECRET not in repr(statuses)


async def test_a_key_quoted_in_a_refusal_is_masked(panel: CannedPanel, client: PanelClient) -> None:
    panel.body = f'{{"error": "Invalid API key {SECRET}"}}'
    with pytest.raises(PanelAuthError) as caught:
        await client.balance(KEY)
    assert caught.value.message == "Invalid API key ***"
