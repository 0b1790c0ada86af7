"""Replies no sandbox flavour plays: the real client against a panel that answers one fixed body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.panel import OrderOutcomeUnknown, PanelClient

KEY = SecretStr("sk-odd-0123456789abcdef")
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
    panel.body = f'{{"order": 23501, "error": "bad key {KEY.get_secret_value()}"}}'
    with pytest.raises(OrderOutcomeUnknown) as caught:
        await client.add(KEY, 1, ORDER)
    assert KEY.get_secret_value() not in str(caught.value) and "***" in str(caught.value)
