"""Accounts: the shared row, personal keys connected/disconnected, balances and alerts."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from pydantic import SecretStr

from bot.storage import AccountKind, Database, KeyUnavailableError, NotFoundError
from tests.storage.helpers import START, FakeClock, personal_account, placed_order


async def test_shared_account_is_created_once(db: Database) -> None:
    first, second = await asyncio.gather(db.accounts.shared(), db.accounts.shared())
    assert first == second
    assert first.kind is AccountKind.SHARED and first.is_shared
    assert first.owner_id is None and first.key_ciphertext is None and first.connected
    assert await db.accounts.shared() == first
    with pytest.raises(KeyUnavailableError):
        db.accounts.decrypt_key(first)


async def test_connect_personal_stores_the_key_encrypted(db: Database) -> None:
    account = await personal_account(db, 1, key="key-one")
    assert account.kind is AccountKind.PERSONAL and not account.is_shared
    assert account.owner_id == 1 and account.connected
    assert account.currency == "USD" and account.balance == Decimal("10")
    assert account.balance_checked_at == START
    assert account.key_fingerprint == db.vault.fingerprint(SecretStr("key-one"))
    assert account.key_ciphertext is not None and b"key-one" not in account.key_ciphertext
    assert db.accounts.decrypt_key(account).get_secret_value() == "key-one"
    assert await db.accounts.personal_for(1) == account
    assert await db.accounts.get(account.id) == account
    assert await db.accounts.personal_for(2) is None
    assert await db.accounts.get(999) is None


async def test_unknown_balance_on_connect(db: Database) -> None:
    await db.users.upsert_seen(1, "en")
    account = await db.accounts.connect_personal(1, SecretStr("k"), None, None)
    assert account.balance is None and account.balance_checked_at is None


async def test_disconnect_forgets_the_key_and_keeps_the_orders(db: Database) -> None:
    account = await personal_account(db, 1, key="key-one")
    order = await placed_order(db, 1, account.id, 555)

    gone = await db.accounts.disconnect(1)
    assert gone is not None and gone.id == account.id
    assert not gone.connected and gone.key_ciphertext is None
    with pytest.raises(KeyUnavailableError):
        db.accounts.decrypt_key(gone)
    assert await db.accounts.disconnect(1) is None
    assert await db.accounts.personal_for(1) == gone
    assert await db.orders.get(order.id) == order


async def test_reconnecting_the_same_key_finds_the_same_account(
    db: Database, clock: FakeClock
) -> None:
    account = await personal_account(db, 1, key="key-one")
    await db.accounts.set_low_balance_alerted(account.id, True)
    await db.accounts.disconnect(1)
    clock.advance(10)
    again = await db.accounts.connect_personal(1, SecretStr("key-one"), "EUR", Decimal("2.5"))
    assert again.id == account.id
    assert again.connected and again.currency == "EUR" and again.balance == Decimal("2.5")
    assert again.low_balance_alerted is False
    assert db.accounts.decrypt_key(again).get_secret_value() == "key-one"


async def test_connecting_another_key_replaces_the_connected_one(db: Database) -> None:
    first = await personal_account(db, 1, key="key-one")
    second = await db.accounts.connect_personal(1, SecretStr("key-two"), "USD", None)
    assert second.id != first.id
    old = await db.accounts.get(first.id)
    assert old is not None and not old.connected and old.key_ciphertext is None
    assert await db.accounts.personal_for(1) == second


async def test_same_key_of_two_users_gives_two_accounts(db: Database) -> None:
    mine = await personal_account(db, 1, key="same")
    theirs = await personal_account(db, 2, key="same")
    assert mine.id != theirs.id
    await db.accounts.disconnect(2)
    assert (await db.accounts.personal_for(1)) == mine


async def test_in_use_lists_accounts_worth_checking(db: Database) -> None:
    shared = await db.accounts.shared()
    reachable = await personal_account(db, 1, key="a")
    await personal_account(db, 2, key="b")
    await db.users.set_active(2, False)
    await personal_account(db, 3, key="c")
    await db.accounts.disconnect(3)
    assert [account.id for account in await db.accounts.in_use()] == [shared.id, reachable.id]


async def test_balance_and_low_balance_alert(db: Database, clock: FakeClock) -> None:
    account = await personal_account(db, 1)
    later = clock.advance(300)
    updated = await db.accounts.set_balance(account.id, Decimal("123456789.1234567"), "USD")
    assert updated.balance == Decimal("123456789.1234567")
    assert str(updated.balance) == "123456789.1234567"
    assert updated.balance_checked_at == later
    assert updated.low_balance_alerted is False

    await db.accounts.set_low_balance_alerted(account.id, True)
    stored = await db.accounts.get(account.id)
    assert stored is not None and stored.low_balance_alerted is True
    await db.accounts.set_low_balance_alerted(account.id, False)
    stored = await db.accounts.get(account.id)
    assert stored is not None and stored.low_balance_alerted is False

    with pytest.raises(NotFoundError):
        await db.accounts.set_low_balance_alerted(999, True)
    with pytest.raises(NotFoundError):
        await db.accounts.set_balance(999, Decimal("1"), "USD")


async def test_account_repr_hides_key_material(db: Database) -> None:
    account = await personal_account(db, 1, key="key-one")
    assert account.key_ciphertext is not None and account.key_fingerprint is not None
    text = repr(account)
    assert account.key_ciphertext.decode() not in text and account.key_fingerprint not in text
