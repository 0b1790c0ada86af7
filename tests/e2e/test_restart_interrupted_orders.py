"""An order cut off mid-send by a crash (SIGKILL, power loss) is settled at the next start.

The crash is the database as it leaves it: the order row written `submitting`, no panel
answer recorded. Starting the real bot on it turns the order `unknown`, tells its owner in
their language and asks the admin to check it; the order is never sent again.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.sandbox import SandboxPanel
from bot.storage import Database, NewOrder, Order, ServiceSnapshot, SubmitState
from tests.e2e.order_walk_support import ADMIN_ID, ALICE, bot_settings, services_of
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotHarness

SERVICE = ServiceSnapshot(
    service_id=2, name="Instagram Followers [No refill]", type="Default", category="Instagram", rate=Decimal("0.35")
)


async def crashed_mid_send(database_path: Path) -> Order:
    """Leave the database as a process killed during `add` would: one order `submitting`."""
    async with await Database.open(database_path) as db:
        await db.users.upsert_seen(ALICE, "ru")
        account = await db.accounts.shared()
        return await db.orders.create_submitting(
            NewOrder(
                user_id=ALICE,
                account_id=account.id,
                submit_token="token-of-the-confirmation",
                service=SERVICE,
                expected_price=Decimal("0.35"),
                currency="USD",
                link="https://instagram.com/alice",
                quantity=1000,
            )
        )


async def test_an_order_left_submitting_is_marked_unknown_and_reported_at_start(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    order = await crashed_mid_send(tmp_path / "bot.sqlite3")
    async with FakeTelegram() as fake:
        admin = fake.user(ADMIN_ID, language_code="en")
        alice = fake.user(ALICE, language_code="ru")
        async with BotHarness.start(tmp_path, panel=sandbox, fake=fake, **bot_settings()) as harness:
            notice = await admin.expect_message(f"Order #{order.id} needs checking")
            for shown in (str(ALICE), "Instagram Followers [No refill] (ID 2)", "https://instagram.com/alice",
                          "Quantity: 1,000", "interrupted"):
                assert shown in notice.text, shown
            told = await alice.expect_message(f"Заказ #{order.id}: результат неизвестен")
            assert "Бот перезапустился" in told.text and "https://instagram.com/alice" in told.text
            assert told.button("📄 Открыть заказ").callback_data == f"ord:{order.id}:open"

            stored = await services_of(harness).db.orders.get(order.id)
            assert stored is not None and stored.submit_state is SubmitState.UNKNOWN
            assert stored.submit_error is not None and "interrupted" in stored.submit_error

            # Start-up reports it once: the next start finds nothing left `submitting`.
            await harness.restart()
            admin.assert_no_new_events()
            alice.assert_no_new_events()
        assert sandbox.count("add") == 0  # never sent again
