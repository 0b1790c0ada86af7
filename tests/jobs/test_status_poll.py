"""The status job against the sandbox panel and FakeTelegram: batching, pushes, restarts, outages."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.jobs import polling_paused_since, status_poll
from bot.jobs.poller import STATUS_POLLER, last_status_poll
from bot.sandbox import Fault, SandboxPanel
from tests.jobs.support import ADMIN_ID, Pollers, bot_settings
from tests.support.harness import BotHarness

ALICE = 1001


async def test_each_status_change_is_pushed_once(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order = await pollers.place(ALICE)
    panel = pollers.panel

    await pollers.run(STATUS_POLLER)
    assert (await pollers.stored(order)).status == "Pending"
    assert pollers.texts(ALICE) == [], "the first Pending is not news: the user just placed it"

    panel.advance(order.panel_order_id)
    await pollers.run(STATUS_POLLER)
    await pollers.run(STATUS_POLLER)
    panel.advance(order.panel_order_id)
    await pollers.run(STATUS_POLLER)
    await pollers.run(STATUS_POLLER)

    texts = pollers.texts(ALICE)
    assert len(texts) == 2
    assert f"Order #{order.panel_order_id}: In progress" in texts[0]
    assert "Remains: 50" in texts[0]
    assert f"Order #{order.panel_order_id}: Completed" in texts[1]
    assert order.link is not None and order.link in texts[1]
    assert "Instagram Followers [Refill 30D]" in texts[1]
    assert "Charge: $0.09" in texts[1]
    stored = await pollers.stored(order)
    assert stored.final and stored.notified_status == "Completed"


async def test_the_message_opens_the_order(pollers: Pollers) -> None:
    await pollers.user(ALICE, language="ru")
    order = await pollers.place(ALICE)
    pollers.panel.set_status(order.panel_order_id, "Partial", remains=60)

    await pollers.run(STATUS_POLLER)

    (message,) = pollers.harness.fake.chat(ALICE).messages
    assert "Заказ" in (message.text or "")
    assert "Возвращено на баланс" in (message.text or "")
    (row,) = message.buttons
    assert row[0].callback_data == f"ord:{order.id}:open"


async def test_a_partial_order_says_what_was_refunded(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order = await pollers.place(ALICE)
    pollers.panel.set_status(order.panel_order_id, "Partial", remains=60)

    await pollers.run(STATUS_POLLER)

    (text,) = pollers.texts(ALICE)
    assert "Partial" in text and "Remains: 60" in text
    assert "Charge: $0.036" in text
    assert "Refunded to your balance: $0.054" in text
    assert (await pollers.stored(order)).final


async def test_250_orders_take_three_status_requests(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    orders = [await pollers.place(ALICE) for _ in range(250)]
    state = pollers.state(STATUS_POLLER)

    async with state.running():
        before = pollers.panel.count("status")
        await status_poll.poll_orders(pollers.services, state)
        assert pollers.panel.count("status") - before == 3

    assert {(await pollers.stored(order)).status for order in orders} == {"Pending"}


async def test_settings_are_honoured(pollers: Pollers) -> None:
    quiet, muted = 1002, 1003
    for user_id in (ALICE, quiet, muted):
        await pollers.user(user_id)
    db = pollers.services.db
    user = await db.users.get(quiet)
    assert user is not None
    await db.users.update_settings(quiet, replace(user.settings, notify_status=False))
    await db.users.update_settings(muted, replace(user.settings, mute_all=True))
    orders = [await pollers.place(user_id) for user_id in (ALICE, quiet, muted)]
    pollers.panel.advance_all()

    await pollers.run(STATUS_POLLER)

    assert len(pollers.texts(ALICE)) == 1
    assert pollers.texts(quiet) == pollers.texts(muted) == []
    assert await db.orders.pending_notifications() == []
    assert [(await pollers.stored(order)).notified_status for order in orders] == ["In progress"] * 3


async def test_a_change_stored_before_a_restart_is_pushed_once_after_it(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order = await pollers.place(ALICE)
    await pollers.started()
    await pollers.run(STATUS_POLLER)
    pollers.panel.advance(order.panel_order_id)
    state = pollers.state(STATUS_POLLER)
    async with state.running():  # as if the bot stopped between storing and telling
        await status_poll.poll_orders(pollers.services, state)
    assert (await pollers.stored(order)).notified_status == "Pending"

    await pollers.harness.restart()
    alice = pollers.harness.user(ALICE)
    await alice.expect_message(contains="In progress")
    await pollers.run(STATUS_POLLER)

    assert len(pollers.texts(ALICE)) == 1
    assert (await pollers.stored(order)).notified_status == "In progress"


async def test_a_change_made_while_nobody_polled_is_pushed_after_start(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order = await pollers.place(ALICE)
    await pollers.run(STATUS_POLLER)
    pollers.panel.advance(order.panel_order_id)
    pollers.panel.advance(order.panel_order_id)

    await pollers.harness.restart()

    await pollers.harness.user(ALICE).expect_message(contains="Completed")
    await pollers.run(STATUS_POLLER)
    assert len(pollers.texts(ALICE)) == 1


async def test_a_status_seen_meanwhile_is_neither_pushed_stale_nor_again(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    """The job reads its list once, then paces one message a second per chat. While it waits
    to send Alice's first change, she asks /status about her second order and sees it
    Completed: the job must not push that order's older "In progress" from its list, nor
    Completed again afterwards."""
    async with BotHarness.start(tmp_path, panel=sandbox, **bot_settings(allowed_user_ids=str(ALICE))) as harness:
        pollers = Pollers(harness, sandbox)
        alice = await pollers.user(ALICE)
        await pollers.started()
        first, second = await pollers.place(ALICE), await pollers.place(ALICE)
        sandbox.advance(first.panel_order_id)
        sandbox.advance(second.panel_order_id)
        # Flood control holds the first message back for two seconds: the window the pacing
        # of a long list opens anyway.
        harness.fake.rate_limit(times=1, retry_after=2, chat_id=ALICE)
        sends = len(harness.fake.calls)

        job = asyncio.create_task(pollers.run(STATUS_POLLER))
        await harness.fake.wait_for_call("sendMessage", since=sends, chat_id=ALICE)
        sandbox.advance(second.panel_order_id)
        await alice.send(f"/status {second.panel_order_id}")
        await alice.expect_message(contains="Completed", kind="sent")
        await job
        await pollers.run(STATUS_POLLER)

        texts = pollers.texts(ALICE)
        assert len(texts) == 2 and f"Order #{first.panel_order_id}: In progress" in texts[1], texts
        assert not any(f"Order #{second.panel_order_id}:" in text for text in texts), texts
        assert (await pollers.stored(second)).notified_status == "Completed"


async def test_the_repeating_job_pushes_without_help(tmp_path: Path, sandbox: SandboxPanel) -> None:
    settings = bot_settings(status_poll_interval=1.0)
    async with BotHarness.start(tmp_path, panel=sandbox, **settings) as harness:
        pollers = Pollers(harness, sandbox)
        alice = harness.user(ALICE)
        await pollers.user(ALICE)
        order = await pollers.place(ALICE)
        sandbox.advance(order.panel_order_id)
        await alice.expect_message(contains="In progress")
        sandbox.advance(order.panel_order_id)
        await alice.expect_message(contains="Completed")


async def test_a_panel_outage_sends_nothing_backs_off_and_recovers(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    order = await pollers.place(ALICE)
    await pollers.started()
    db = pollers.services.db
    panel = pollers.panel
    panel.advance(order.panel_order_id)
    panel.inject(Fault.HTML_502, times=None)
    state = pollers.state(STATUS_POLLER)

    await pollers.run(STATUS_POLLER)
    assert state.failures == 1
    paused_since = await polling_paused_since(db)
    assert paused_since is not None
    requests = panel.count("status")
    await pollers.run(STATUS_POLLER)  # skipped: backing off
    assert panel.count("status") == requests
    await pollers.run(STATUS_POLLER)
    assert state.failures == 2 and state.runs_to_skip == 2
    assert await polling_paused_since(db) == paused_since
    assert pollers.texts(ALICE) == []

    panel.clear_faults()
    for _ in range(state.runs_to_skip + 1):
        await pollers.run(STATUS_POLLER)

    assert state.failures == 0
    assert await polling_paused_since(db) is None
    (text,) = pollers.texts(ALICE)
    assert "In progress" in text


async def test_the_last_finished_poll_is_recorded_and_an_outage_keeps_the_record(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    await pollers.place(ALICE)
    await pollers.started()
    db = pollers.services.db
    at_start = await last_status_poll(db)
    assert at_start is not None, "the start-up run finished a poll"

    pollers.panel.inject(Fault.HTML_502, times=None)
    await pollers.run(STATUS_POLLER)
    assert pollers.state(STATUS_POLLER).failures == 1
    assert await last_status_poll(db) == at_start

    pollers.panel.clear_faults()
    for _ in range(pollers.state(STATUS_POLLER).runs_to_skip + 1):
        await pollers.run(STATUS_POLLER)
    recovered = await last_status_poll(db)
    assert recovered is not None and recovered > at_start


async def test_a_refused_key_postpones_its_orders_only(pollers: Pollers) -> None:
    bob = 1002
    await pollers.user(ALICE)
    await pollers.user(bob)
    mine = await pollers.place(ALICE)
    bobs = await pollers.place(bob, key="key-the-panel-does-not-know", panel_order_id=424242)
    pollers.panel.advance(mine.panel_order_id)

    await pollers.run(STATUS_POLLER)

    assert (await pollers.stored(mine)).status == "In progress"
    stored = await pollers.stored(bobs)
    assert stored.status is None
    assert stored.next_poll_at is not None and stored.last_polled_at is not None
    assert stored.next_poll_at - stored.last_polled_at >= timedelta(minutes=10)
    assert pollers.state(STATUS_POLLER).failures == 0


async def test_a_job_that_raises_is_logged_and_runs_again_next_interval(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    """A bad row makes the poller raise: it is logged, the admin is told once (not every
    second), and once the row is mended the next scheduled run delivers what was due."""
    settings = bot_settings(status_poll_interval=1.0)
    async with BotHarness.start(tmp_path, panel=sandbox, allow_error_logs=True, **settings) as harness:
        pollers = Pollers(harness, sandbox)
        alice = harness.user(ALICE)
        harness.user(ADMIN_ID)  # the admin's chat exists, so the alert can reach it
        await pollers.user(ALICE)
        order = await pollers.place(ALICE)
        db = pollers.services.db
        async with db.transaction() as session:
            await session.execute("UPDATE orders SET expected_price = 'not money' WHERE id = ?", (order.id,))
        sandbox.advance(order.panel_order_id)

        await harness.fake.wait_until(lambda: harness.error_logs[1:] or None, timeout=10)  # failed twice
        assert harness.error_logs[0].getMessage() == f"job {STATUS_POLLER} failed: InvalidOperation"
        assert pollers.texts(ALICE) == []
        alerts = [text for text in pollers.texts(ADMIN_ID) if "Something failed" in text]
        assert alerts == [f"⚠️ Something failed in the bot: job {STATUS_POLLER} (InvalidOperation). "
                          "The details are in its log. If it keeps failing I will tell you again, "
                          "at most every 10 minutes."]

        async with db.transaction() as session:
            await session.execute("UPDATE orders SET expected_price = '0.09' WHERE id = ?", (order.id,))
        await alice.expect_message(contains="In progress", timeout=10)
