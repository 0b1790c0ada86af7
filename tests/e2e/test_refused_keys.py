"""A key the panel refuses is not the panel being down: the user is told what to do, and a
refused shared key reaches the operator (an alert and /stats)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.order_walk_support import ADMIN_ID, ALICE, BOB, Walker, running_bot
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness

PERSONAL_KEY = "personal-key-0042"
DOWN = "isn't responding"


@asynccontextmanager
async def alice_on_her_own_key(tmp_path: Path) -> AsyncIterator[tuple[SandboxPanel, BotHarness, Walker]]:
    """A bot on a sandbox with the shared key, where Alice has connected a key of her own."""
    async with SandboxPanel(extra_services=0, seed=1) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        panel.add_account(PERSONAL_KEY, balance=Decimal("10"))
        async with running_bot(tmp_path, panel) as harness:
            alice = Walker(harness, ALICE)
            await alice.command(f"/connect {PERSONAL_KEY}", contains="connected")
            yield panel, harness, alice


async def test_a_revoked_personal_key_says_to_connect_a_new_one(tmp_path: Path) -> None:
    async with alice_on_her_own_key(tmp_path) as (panel, harness, alice):
        panel.revoke_key(PERSONAL_KEY)
        for command in ("/order", "/balance", "/status 1"):
            answer = await alice.command(command)
            assert "refused your API key" in answer.text and "/connect" in answer.text, answer.text
            assert DOWN not in answer.text
        admin = Walker(harness, ADMIN_ID)
        stats = await admin.command("/stats", contains="statistics")
        # A user's own key is theirs to fix: not the operator's panel trouble.
        assert "Panel errors in the last hour: 0" in stats.text and "shared key" not in stats.text


async def test_a_key_revoked_while_browsing_is_told_at_confirm(tmp_path: Path) -> None:
    """The catalog was fetched with the key before it was revoked: the confirmation's check
    meets the refusal, and must not say "press Confirm again in a minute"."""
    async with alice_on_her_own_key(tmp_path) as (panel, harness, alice):
        await alice.open_form(2)
        await alice.type("https://instagram.com/alice")
        confirmation = await alice.type("1000", contains="Check your order")
        panel.revoke_key(PERSONAL_KEY)
        await alice.user.press(confirmation, "✅ Confirm")
        told = await alice.user.expect_message("refused your API key", kind="edited")
        assert "/connect" in told.text and not told.button_texts
        assert not panel.orders
        answer = await alice.command("/order")  # the copy fetched with the old key is gone
        assert "refused your API key" in answer.text


async def test_a_refused_shared_key_tells_users_and_the_admins_once_and_shows_on_stats(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=0, seed=1) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        async with running_bot(tmp_path, panel, smm_api_key="mistyped-shared-key") as harness:
            for user_id, command in ((ALICE, "/order"), (BOB, "/order"), (ALICE, "/balance")):
                answer = await Walker(harness, user_id).command(command)
                assert "operator has been told" in answer.text and DOWN not in answer.text, answer.text
            admin = Walker(harness, ADMIN_ID)
            alerts = [message for message in admin.user.messages if "SMM_API_KEY" in message.text]
            assert len(alerts) == 1, [message.text for message in alerts]  # three refusals, one alert
            assert "Invalid API key" in alerts[0].text
            stats = await admin.command("/stats", contains="statistics")
            assert "Panel errors in the last hour: 3" in stats.text
            assert "The panel refused the shared key (SMM_API_KEY) at" in stats.text
