"""The one SQLite connection of the bot, its transactions, and its repositories."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite
from pydantic import SecretStr

from bot.storage.accounts import AccountRepository
from bot.storage.codec import utc_now
from bot.storage.crypto import KeyVault
from bot.storage.drafts import DraftRepository
from bot.storage.meta import MetaRepository
from bot.storage.migrations import migrate
from bot.storage.orders import OrderRepository
from bot.storage.refills import RefillRepository
from bot.storage.users import UserRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Row = sqlite3.Row
Params = Sequence[Any]

# Waits for a lock held by another process (a backup, the sqlite3 shell) before failing.
BUSY_TIMEOUT_MS = 5000
_FULL, _NORMAL = "FULL", "NORMAL"


class Session:
    """Statements on the connection while the caller holds the database lock."""

    def __init__(self, connection: aiosqlite.Connection, clock: Clock) -> None:
        self._connection = connection
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection.execute(sql, params) as cursor:
            row: Row | None = await cursor.fetchone()
        return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return the number of rows it changed."""
        async with self._connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run a statement once per row of parameters; return the number of rows changed."""
        async with self._connection.executemany(sql, rows) as cursor:
            return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; return the new row's id."""
        async with self._connection.execute(sql, params) as cursor:
            row_id = cursor.lastrowid
        assert row_id is not None
        return row_id


class Database:
    """SQLite in WAL mode behind one connection; every statement goes through one lock.

    The lock keeps a transaction of one task from swallowing another task's statements
    (they would share the connection). Open with `await Database.open(path)`; close with
    `await db.close()` or use `async with await Database.open(path) as db:`.
    """

    def __init__(
        self, connection: aiosqlite.Connection, path: Path, vault: KeyVault, clock: Clock, *, wal: bool = True
    ) -> None:
        self.path = path
        self.vault = vault
        self._connection = connection
        self._session = Session(connection, clock)
        self._lock = asyncio.Lock()
        self._synchronous = _FULL  # as _configure leaves the connection
        # Only the WAL journal keeps a NORMAL commit free of any risk of corruption.
        self._may_skip_sync = wal
        self.users = UserRepository(self)
        self.accounts = AccountRepository(self, vault)
        self.orders = OrderRepository(self)
        self.refills = RefillRepository(self)
        self.drafts = DraftRepository(self)
        self.meta = MetaRepository(self)

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        secret_key: SecretStr | None = None,
        clock: Clock = utc_now,
    ) -> Database:
        """Open (creating it and its directory if needed) and migrate to the latest schema.

        `secret_key` is SECRET_KEY; without it the secret is kept in `secret.key` beside
        the database. `clock` returns aware UTC datetimes; tests pass a fake one.
        """
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        vault = KeyVault.for_database(path, secret_key)
        _create_private(path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            wal = await _configure(connection)
            await migrate(connection, path)
        except BaseException:
            await connection.close()
            raise
        database = cls(connection, path, vault, clock, wal=wal)
        await database.accounts.warn_if_keys_unreadable()
        return database

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[Session]:
        """Run statements atomically: commit on success, roll back on any exception.

        A durable transaction (the default) is on disk when the commit returns, with every
        one before it. `durable=False` skips that disk sync for writes a power cut (never a
        crash of the process) may take back: dialog steps, last-seen times, polled statuses.
        Money records (orders' submit states, keys) stay durable.
        """
        async with self._lock:
            await self._set_synchronous(_NORMAL if self._may_skip_sync and not durable else _FULL)
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._session
                await self._connection.commit()
            except BaseException:
                if self._connection.in_transaction:
                    await self._connection.rollback()
                raise

    async def _set_synchronous(self, level: str) -> None:
        # In WAL mode FULL syncs the log at each commit, NORMAL only at checkpoints; a FULL
        # commit also makes every NORMAL one before it durable.
        if self._synchronous != level:
            await self._connection.execute(f"PRAGMA synchronous = {level}")
            self._synchronous = level

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Session]:
        """Run read-only statements, never in the middle of another task's transaction."""
        async with self._lock:
            yield self._session


async def _configure(connection: aiosqlite.Connection) -> bool:
    """Set the connection up; return whether SQLite runs in WAL mode."""
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    async with connection.execute("PRAGMA journal_mode = WAL") as cursor:
        row = await cursor.fetchone()
    wal = row is not None and str(row[0]).lower() == "wal"
    if not wal:
        log.warning("SQLite refused WAL mode (got %s); continuing without it", row and row[0])
    await connection.execute("PRAGMA foreign_keys = ON")
    # FULL: a committed "submitting" order must survive a power cut before `add` is sent.
    await connection.execute(f"PRAGMA synchronous = {_FULL}")
    return wal


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner only; SQLite gives its -wal and -shm
    files the same mode. It holds every user's encrypted key and orders. An existing file
    keeps the mode its operator chose."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
