"""Restarts lose nothing: a walk goes on where it was, with what the user typed.

The dialog state lives in the `drafts` table, written in the handler before the reply goes
out; `harness.restart()` stops the real Application cleanly and starts a new one (new
services, new database connection) on the same file.
"""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SandboxPanel
from bot.storage import SubmitState
from tests.e2e.order_walk_support import ALICE, BOB, Walker, running_bot, services_of


async def test_a_walk_restarted_at_every_kind_of_step_places_the_order_typed_before(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(1)
        await alice.type("instagram.com/alice")

        await harness.restart()  # at a typed step: the next answer is read as the quantity
        drip_feed = await alice.type("1000")
        assert "drip-feed" in drip_feed.text, drip_feed.text

        await harness.restart()  # at a button step: the old message's buttons still act
        await alice.press(drip_feed, "💧 Yes, in runs")
        await alice.type("3")
        confirmation = await alice.type("15")
        assert "Check your order" in confirmation.text and "instagram.com/alice" in confirmation.text

        await harness.restart()  # at the confirmation: its token is still the draft's
        await alice.user.press(confirmation, "✅ Confirm")
        placed = await alice.user.expect_message("placed", kind="edited")

        [add] = [request for request in sandbox.requests if request.action == "add"]
        assert add.params == {
            "service": "1", "link": "https://instagram.com/alice", "quantity": "1000", "runs": "3", "interval": "15",
        }
        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        assert order.submit_state is SubmitState.PLACED
        assert f"Panel order ID: {order.panel_order_id}" in placed.text


async def test_answers_sent_while_the_bot_restarts_are_each_handled_once(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice, bob = Walker(harness, ALICE), Walker(harness, BOB)
        await alice.open_form(2)
        await bob.open_form(2)

        # Whether the old Application took the update before stopping or the new one finds it
        # waiting at Telegram, each is answered once and lands in its user's draft.
        await alice.user.send("instagram.com/alice")
        await harness.restart()
        await bob.user.send("instagram.com/bob")
        await harness.restart()

        for walker, link in ((alice, "alice"), (bob, "bob")):
            quantity_step = await walker.user.expect_message(kind="sent")
            assert "Step 2 of 2" in quantity_step.text, quantity_step.text
            walker.user.assert_no_new_events()
            confirmation = await walker.type("2000")
            assert f"instagram.com/{link}" in confirmation.text
        assert harness.fake.pending_updates == 0
