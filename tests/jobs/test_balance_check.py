"""Low-balance alerts: once per dip below the threshold, to the owner or every admin."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pydantic import SecretStr

from bot.jobs import polling_paused_since
from bot.jobs.poller import BALANCE_POLLER
from bot.sandbox import Fault
from bot.services.alerts import check_balance
from tests.jobs.support import ADMIN_ID, Pollers
from tests.support.fixtures import SANDBOX_API_KEY

ALICE = 1001
ALICE_KEY = "key-alice-0001"


async def test_the_shared_account_alerts_admins_once_and_again_after_a_top_up(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    await pollers.started()
    shared = pollers.panel.account(SANDBOX_API_KEY)

    shared.balance = Decimal("3.5")
    await pollers.run(BALANCE_POLLER)
    await pollers.run(BALANCE_POLLER)
    (text,) = pollers.texts(ADMIN_ID)
    assert "shared panel account is running low: $3.50" in text
    assert "alert level $5.00" in text

    shared.balance = Decimal("4")
    await pollers.run(BALANCE_POLLER)
    shared.balance = Decimal("50")
    await pollers.run(BALANCE_POLLER)
    assert len(pollers.texts(ADMIN_ID)) == 1
    account = await pollers.services.db.accounts.shared()
    assert not account.low_balance_alerted
    assert account.balance == Decimal("50") and account.currency == "USD"

    shared.balance = Decimal("1")
    await pollers.run(BALANCE_POLLER)
    assert len(pollers.texts(ADMIN_ID)) == 2


async def test_an_alert_telegram_could_not_take_is_sent_at_the_next_check(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    await pollers.started()
    pollers.panel.account(SANDBOX_API_KEY).balance = Decimal("1")
    # Telegram is briefly unreachable for the admin's chat (a 502: try again later).
    pollers.harness.fake.inject_error("sendMessage", error_code=502, description="Bad Gateway", chat_id=ADMIN_ID)

    await pollers.run(BALANCE_POLLER)
    assert pollers.texts(ADMIN_ID) == []
    assert not (await pollers.services.db.accounts.shared()).low_balance_alerted

    await pollers.run(BALANCE_POLLER)  # Telegram works again; the balance is still $1
    await pollers.run(BALANCE_POLLER)
    (text,) = pollers.texts(ADMIN_ID)
    assert "running low: $1.00" in text
    assert (await pollers.services.db.accounts.shared()).low_balance_alerted


async def test_an_admin_who_blocked_the_bot_does_not_keep_the_alert_pending(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    await pollers.started()
    pollers.harness.fake.block_user(ADMIN_ID)
    pollers.panel.account(SANDBOX_API_KEY).balance = Decimal("1")

    await pollers.run(BALANCE_POLLER)

    assert (await pollers.services.db.accounts.shared()).low_balance_alerted


async def test_a_personal_account_alerts_its_owner_with_their_threshold(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    await pollers.user(ALICE, language="ko")
    db = pollers.services.db
    user = await db.users.get(ALICE)
    assert user is not None
    await db.users.update_settings(ALICE, replace(user.settings, low_balance_threshold=Decimal("10")))
    pollers.panel.add_account(ALICE_KEY, balance=Decimal("8"))
    await db.accounts.connect_personal(ALICE, SecretStr(ALICE_KEY), "USD", Decimal("8"))

    await pollers.run(BALANCE_POLLER)

    (text,) = pollers.texts(ALICE)
    assert "패널 잔액" in text and "US$8.00" in text and "US$10.00" in text
    assert pollers.texts(ADMIN_ID) == []


async def test_an_order_refused_for_funds_checks_the_balance(pollers: Pollers) -> None:
    await pollers.user(ALICE)
    pollers.panel.add_account(ALICE_KEY, balance=Decimal("1"))
    account = await pollers.services.db.accounts.connect_personal(ALICE, SecretStr(ALICE_KEY), "USD", None)

    await check_balance(pollers.services, pollers.harness.app.bot, account)
    await check_balance(pollers.services, pollers.harness.app.bot, account)

    (text,) = pollers.texts(ALICE)
    assert "Your panel balance is low: $1.00" in text
    stored = await pollers.services.db.accounts.get(account.id)
    assert stored is not None and stored.balance == Decimal("1") and stored.low_balance_alerted


async def test_alerts_honour_the_settings(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    db = pollers.services.db
    admin = await db.users.get(ADMIN_ID)
    assert admin is not None
    await db.users.update_settings(ADMIN_ID, replace(admin.settings, notify_low_balance=False))
    pollers.panel.account(SANDBOX_API_KEY).balance = Decimal("1")

    await pollers.run(BALANCE_POLLER)

    assert pollers.texts(ADMIN_ID) == []
    assert (await db.accounts.shared()).low_balance_alerted


async def test_a_panel_outage_pauses_the_check_and_alerts_nobody(pollers: Pollers) -> None:
    await pollers.user(ADMIN_ID)
    await pollers.started()
    account = await pollers.services.db.accounts.shared()
    pollers.panel.account(SANDBOX_API_KEY).balance = Decimal("1")
    pollers.panel.inject(Fault.EMPTY_BODY, times=None)

    await check_balance(pollers.services, pollers.harness.app.bot, account)
    await pollers.run(BALANCE_POLLER)

    assert pollers.state(BALANCE_POLLER).failures == 1
    assert await polling_paused_since(pollers.services.db) is not None
    assert pollers.texts(ADMIN_ID) == []

    pollers.panel.clear_faults()
    await pollers.run(BALANCE_POLLER)  # skipped: backing off
    await pollers.run(BALANCE_POLLER)
    assert len(pollers.texts(ADMIN_ID)) == 1
    assert await polling_paused_since(pollers.services.db) is None
