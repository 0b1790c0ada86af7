"""Reports of orders whose outcome is unknown are made until Telegram takes them.

The report of an order a crash cut off is made at start-up, and the admins' notice of an
ambiguous `add` right after it; if Telegram cannot take them then (a 502, a network blip),
the status job makes them later, and once they got through they are never made again.
"""

from __future__ import annotations

from pathlib import Path

from bot.jobs.poller import STATUS_POLLER
from bot.sandbox import Fault, SandboxPanel
from tests.e2e.order_walk_support import ADMIN_ID, ALICE, Walker, bot_settings, running_bot, services_of
from tests.e2e.test_order_submit import confirmation_for
from tests.e2e.test_restart_interrupted_orders import crashed_mid_send
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotHarness
from tests.support.running_bot import RunningBot


async def test_a_start_up_report_telegram_could_not_take_is_made_later_once(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    order = await crashed_mid_send(tmp_path / "bot.sqlite3")
    async with FakeTelegram() as fake:
        admin = fake.user(ADMIN_ID, language_code="en")
        alice = fake.user(ALICE)
        for chat_id in (ADMIN_ID, ALICE):
            fake.inject_error("sendMessage", error_code=502, description="Bad Gateway", chat_id=chat_id)
        async with BotHarness.start(
            tmp_path, panel=sandbox, fake=fake, allow_error_logs=True, **bot_settings()
        ) as harness:
            refused = [call for call in fake.calls_to("sendMessage") if call.error_code == 502]
            assert len(refused) == 2  # start-up tried both, before any job ran

            # The status job's first run (at start) makes the report again.
            await admin.expect_message(f"Order #{order.id} needs checking")
            await alice.expect_message(f"Заказ #{order.id}: результат неизвестен")  # she chose Russian
            await RunningBot(harness, sandbox).started()
            stored = await services_of(harness).db.orders.get(order.id)
            assert stored is not None and stored.unknown_reported_at is not None

            await harness.restart()
            await RunningBot(harness, sandbox).started()
            admin.assert_no_new_events()
            alice.assert_no_new_events()
        assert sandbox.count("add") == 0


async def test_an_admin_notice_telegram_could_not_take_is_made_by_the_status_job(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        bot = RunningBot(harness, sandbox)
        admin = harness.user(ADMIN_ID, language_code="en")
        alice = Walker(harness, ALICE)
        confirmation = await confirmation_for(alice)
        await bot.started()
        sandbox.inject(Fault.PROCESS_THEN_HTML_502, action="add")
        harness.fake.inject_error("sendMessage", error_code=502, description="Bad Gateway", chat_id=ADMIN_ID)
        calls = len(harness.fake.calls)
        await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("outcome unknown", kind="edited")
        notice = await harness.fake.wait_for_call("sendMessage", since=calls, chat_id=ADMIN_ID)
        assert notice.error_code == 502

        await bot.run(STATUS_POLLER)
        await bot.run(STATUS_POLLER)

        [order] = await services_of(harness).db.orders.list_for_user(ALICE)
        told = await admin.expect_message(f"Order #{order.id} needs checking")
        assert f"User: {ALICE}" in told.text and "HTTP 502" in told.text
        admin.assert_no_new_events()
        alice.user.assert_no_new_events()  # she saw the outcome on her confirmation already
        assert (await bot.stored(order)).unknown_reported_at is not None
