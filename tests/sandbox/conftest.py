"""A running sandbox panel with two accounts, and a plain aiohttp client to talk to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import ClientSession, ClientTimeout

from bot.sandbox import SandboxPanel

ALICE = "key-alice"
BOB = "key-bob"
LINK = "https://instagram.com/alice"


@dataclass
class Api:
    """Form-POST calls to the panel, the way API v2 clients make them."""

    panel: SandboxPanel
    session: ClientSession

    async def __call__(self, action: str, key: str = ALICE, **params: object) -> Any:
        """Call `action` and return the decoded JSON of a 200 answer."""
        status, body = await self.raw(action, key=key, **params)
        assert status == 200, body
        return json.loads(body)

    async def raw(self, action: str, key: str = ALICE, **params: object) -> tuple[int, str]:
        """Call `action` and return the HTTP status and body text, whatever they are."""
        data = {"key": key, "action": action} | {name: str(value) for name, value in params.items()}
        async with self.session.post(self.panel.url, data=data) as response:
            return response.status, await response.text()

    async def place(self, service: int = 1, key: str = ALICE, **params: object) -> int:
        """Place an order (Default service 1 on LINK, 100 units, unless told) and return its id."""
        fields: dict[str, object] = {"link": LINK, "quantity": 100} | params
        answer = await self(action="add", key=key, service=service, **fields)
        assert "order" in answer, answer
        return int(answer["order"])


@pytest.fixture
async def panel() -> AsyncIterator[SandboxPanel]:
    async with SandboxPanel() as panel:
        panel.add_account(ALICE, balance=Decimal("100"))
        panel.add_account(BOB, balance=Decimal("5"))
        yield panel


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    async with ClientSession(timeout=ClientTimeout(total=10)) as session:
        yield session


@pytest.fixture
def api(panel: SandboxPanel, session: ClientSession) -> Api:
    return Api(panel, session)
