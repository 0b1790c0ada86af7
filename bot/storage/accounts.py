"""Panel accounts: the operator's shared key (kept in settings) and users' own keys (encrypted)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.storage.codec import money_from_db, money_to_db, parse_time, time_from_db, time_to_db
from bot.storage.crypto import KeyVault
from bot.storage.errors import KeyUnavailableError, NotFoundError
from bot.storage.models import Account, AccountKind

if TYPE_CHECKING:
    from bot.storage.database import Database, Row, Session

log = logging.getLogger(__name__)

_COLUMNS = """
    accounts.id, accounts.kind, accounts.owner_id, accounts.connected, accounts.key_fingerprint,
    accounts.key_ciphertext, accounts.currency, accounts.balance, accounts.balance_checked_at,
    accounts.low_balance_alerted, accounts.created_at, accounts.updated_at
"""


class AccountRepository:
    def __init__(self, db: Database, vault: KeyVault) -> None:
        self._db = db
        self._vault = vault

    async def get(self, account_id: int) -> Account | None:
        async with self._db.reading() as session:
            return await _get(session, account_id)

    async def shared(self) -> Account:
        """Return the single row standing for the operator's key, creating it on first use."""
        # Read on every step of a walk: only the first use needs the write lock.
        async with self._db.reading() as session:
            row = await session.fetch_one(f"SELECT {_COLUMNS} FROM accounts WHERE kind = 'shared'")
        if row is not None:
            return _account(row)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM accounts WHERE kind = 'shared'")
            if row is not None:
                return _account(row)
            now = time_to_db(tx.now())
            account_id = await tx.insert(
                """
                INSERT INTO accounts (kind, connected, created_at, updated_at)
                VALUES ('shared', 1, ?, ?)
                """,
                (now, now),
            )
            return await _require(tx, account_id)

    async def connect_personal(
        self, user_id: int, key: SecretStr, currency: str | None, balance: Decimal | None
    ) -> Account:
        """Store the user's key encrypted and make it their connected account.

        The same key (same fingerprint) finds the account it had before, with its orders;
        a different key replaces the connected one, which is disconnected.
        """
        fingerprint = self._vault.fingerprint(key)
        ciphertext = self._vault.encrypt(key)
        async with self._db.transaction() as tx:
            now = time_to_db(tx.now())
            await tx.execute(
                f"""
                UPDATE accounts SET {_DISCONNECTED}, updated_at = ?
                WHERE kind = 'personal' AND owner_id = ? AND connected = 1 AND key_fingerprint != ?
                """,
                (now, user_id, fingerprint),
            )
            await tx.execute(
                """
                INSERT INTO accounts (kind, owner_id, key_ciphertext, key_fingerprint, connected,
                                      currency, balance, balance_checked_at, created_at, updated_at)
                VALUES ('personal', ?, ?, ?, 1, ?, ?, ?, ?, ?)
                ON CONFLICT (owner_id, key_fingerprint) DO UPDATE SET
                    key_ciphertext = excluded.key_ciphertext,
                    connected = 1,
                    currency = excluded.currency,
                    balance = excluded.balance,
                    balance_checked_at = excluded.balance_checked_at,
                    low_balance_alerted = 0,
                    updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    ciphertext,
                    fingerprint,
                    currency,
                    money_to_db(balance),
                    None if balance is None else now,
                    now,
                    now,
                ),
            )
            row = await tx.fetch_one(
                f"SELECT {_COLUMNS} FROM accounts WHERE owner_id = ? AND key_fingerprint = ?",
                (user_id, fingerprint),
            )
        assert row is not None
        return _account(row)

    async def personal_for(self, user_id: int) -> Account | None:
        """Return the user's connected account, else the one they used last, else None."""
        async with self._db.reading() as session:
            row = await session.fetch_one(
                f"""
                SELECT {_COLUMNS} FROM accounts WHERE kind = 'personal' AND owner_id = ?
                ORDER BY connected DESC, updated_at DESC, id DESC LIMIT 1
                """,
                (user_id,),
            )
        return None if row is None else _account(row)

    def decrypt_key(self, account: Account) -> SecretStr:
        """Return a connected personal account's panel key; shared keys live in settings."""
        if account.key_ciphertext is None:
            raise KeyUnavailableError(f"account {account.id} has no stored key")
        return self._vault.decrypt(account.key_ciphertext)

    async def disconnect(self, user_id: int) -> Account | None:
        """Forget the user's key (its ciphertext is deleted); orders stay.

        Return the disconnected account, or None if the user had none connected.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                """
                SELECT id FROM accounts WHERE kind = 'personal' AND owner_id = ? AND connected = 1
                """,
                (user_id,),
            )
            if row is None:
                return None
            await tx.execute(
                f"UPDATE accounts SET {_DISCONNECTED}, updated_at = ? WHERE id = ?",
                (time_to_db(tx.now()), row["id"]),
            )
            return await _require(tx, row["id"])

    async def in_use(self) -> list[Account]:
        """Accounts whose balance is worth checking: the shared one (once created) and the
        connected personal ones of users who can still be reached."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM accounts LEFT JOIN users ON users.id = accounts.owner_id
                WHERE accounts.kind = 'shared' OR (accounts.connected = 1 AND users.active = 1)
                ORDER BY accounts.id
                """
            )
        return [_account(row) for row in rows]

    async def set_balance(self, account_id: int, balance: Decimal, currency: str | None) -> Account:
        # A copy of the panel's figure, fetched again at the next check: no need to sync it.
        async with self._db.transaction(durable=False) as tx:
            now = time_to_db(tx.now())
            await tx.execute(
                """
                UPDATE accounts
                SET balance = ?, currency = ?, balance_checked_at = ?, updated_at = ?
                WHERE id = ?
                """,
                (money_to_db(balance), currency, now, now, account_id),
            )
            return await _require(tx, account_id)

    async def set_low_balance_alerted(self, account_id: int, alerted: bool) -> None:
        """Remember that the low-balance alert went out (True) or re-arm it (False)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE accounts SET low_balance_alerted = ? WHERE id = ?", (alerted, account_id)
            )
        if not changed:
            raise NotFoundError(f"account {account_id} does not exist")

    async def warn_if_keys_unreadable(self) -> None:
        """Log loudly at start-up when stored keys were encrypted with another secret."""
        async with self._db.reading() as session:
            row = await session.fetch_one(
                """
                SELECT key_ciphertext FROM accounts WHERE key_ciphertext IS NOT NULL
                ORDER BY updated_at DESC LIMIT 1
                """
            )
        if row is None:
            return
        try:
            self._vault.decrypt(row["key_ciphertext"])
        except KeyUnavailableError:
            log.error(
                "Stored panel keys cannot be decrypted: the secret differs from the one that "
                "encrypted them. Restore secret.key beside %s (or the SECRET_KEY used before); "
                "otherwise users must /connect their keys again.",
                self._db.path,
            )


_DISCONNECTED = "connected = 0, key_ciphertext = NULL, low_balance_alerted = 0"


async def _get(session: Session, account_id: int) -> Account | None:
    row = await session.fetch_one(f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else _account(row)


async def _require(session: Session, account_id: int) -> Account:
    account = await _get(session, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id} does not exist")
    return account


def _account(row: Row) -> Account:
    return Account(
        id=row["id"],
        kind=AccountKind(row["kind"]),
        owner_id=row["owner_id"],
        connected=bool(row["connected"]),
        key_fingerprint=row["key_fingerprint"],
        key_ciphertext=row["key_ciphertext"],
        currency=row["currency"],
        balance=money_from_db(row["balance"]),
        balance_checked_at=time_from_db(row["balance_checked_at"]),
        low_balance_alerted=bool(row["low_balance_alerted"]),
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
    )
