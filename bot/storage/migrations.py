"""The versioned schema: an ordered list of migrations, applied at start-up.

The version lives in `PRAGMA user_version`. Each migration runs in its own transaction
together with the version bump, so a database is always at exactly one known version.
Never edit a shipped migration: append a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.storage.errors import SchemaTooNewError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_BASE = Migration(
    version=1,
    description="users, accounts, orders, meta",
    statements=(
        """
        CREATE TABLE users (
            id                    INTEGER PRIMARY KEY,  -- the Telegram user id
            language              TEXT,
            active                INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            notify_status         INTEGER NOT NULL DEFAULT 1 CHECK (notify_status IN (0, 1)),
            notify_low_balance    INTEGER NOT NULL DEFAULT 1 CHECK (notify_low_balance IN (0, 1)),
            mute_all              INTEGER NOT NULL DEFAULT 0 CHECK (mute_all IN (0, 1)),
            low_balance_threshold TEXT,
            created_at            TEXT NOT NULL,
            last_seen_at          TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE accounts (
            id                  INTEGER PRIMARY KEY AUTOINCREMENT,
            kind                TEXT NOT NULL CHECK (kind IN ('shared', 'personal')),
            owner_id            INTEGER REFERENCES users (id),
            key_ciphertext      BLOB,
            key_fingerprint     TEXT,
            connected           INTEGER NOT NULL CHECK (connected IN (0, 1)),
            currency            TEXT,
            balance             TEXT,
            balance_checked_at  TEXT,
            low_balance_alerted INTEGER NOT NULL DEFAULT 0 CHECK (low_balance_alerted IN (0, 1)),
            created_at          TEXT NOT NULL,
            updated_at          TEXT NOT NULL,
            CHECK ((kind = 'shared') = (owner_id IS NULL)),
            CHECK (kind = 'personal' OR (key_ciphertext IS NULL AND key_fingerprint IS NULL)),
            CHECK (kind = 'shared' OR (key_fingerprint IS NOT NULL
                                       AND connected = (key_ciphertext IS NOT NULL)))
        )
        """,
        "CREATE UNIQUE INDEX accounts_one_shared ON accounts (kind) WHERE kind = 'shared'",
        "CREATE UNIQUE INDEX accounts_by_key ON accounts (owner_id, key_fingerprint)",
        """
        CREATE UNIQUE INDEX accounts_one_connected ON accounts (owner_id)
            WHERE kind = 'personal' AND connected = 1
        """,
        """
        CREATE TABLE orders (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id          INTEGER NOT NULL REFERENCES users (id),
            account_id       INTEGER NOT NULL REFERENCES accounts (id),
            panel_order_id   INTEGER,
            submit_token     TEXT NOT NULL,
            submit_state     TEXT NOT NULL
                CHECK (submit_state IN ('submitting', 'placed', 'failed', 'unknown')),
            submit_error     TEXT,
            service_id       INTEGER NOT NULL,
            service_name     TEXT NOT NULL,
            service_type     TEXT NOT NULL,
            service_category TEXT NOT NULL,
            rate             TEXT NOT NULL,
            currency         TEXT,
            link             TEXT,
            quantity         INTEGER,
            runs             INTEGER,
            interval         INTEGER,
            params           TEXT NOT NULL DEFAULT '{}',
            expected_price   TEXT NOT NULL,
            charge           TEXT,
            status           TEXT,
            final            INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),
            start_count      INTEGER,
            remains          INTEGER,
            notified_status  TEXT,
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL,
            CHECK ((submit_state = 'placed') = (panel_order_id IS NOT NULL))
        )
        """,
        # One confirmation, one order: the race-free guard behind DuplicateSubmit.
        "CREATE UNIQUE INDEX orders_by_submit_token ON orders (user_id, submit_token)",
        "CREATE UNIQUE INDEX orders_by_panel_id ON orders (account_id, panel_order_id)",
        "CREATE INDEX orders_of_user ON orders (user_id, id DESC)",
        "CREATE INDEX orders_not_final ON orders (id) WHERE submit_state = 'placed' AND final = 0",
        """
        CREATE TABLE meta (
            key        TEXT PRIMARY KEY,
            value      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
    ),
)

_REFILLS_DRAFTS_POLLING = Migration(
    version=2,
    description="refills, drafts, refill notifications, cancel and polling bookkeeping",
    statements=(
        """
        ALTER TABLE users ADD COLUMN
            notify_refills INTEGER NOT NULL DEFAULT 1 CHECK (notify_refills IN (0, 1))
        """,
        "ALTER TABLE orders ADD COLUMN cancel_requested_at TEXT",
        "ALTER TABLE orders ADD COLUMN last_polled_at TEXT",
        "ALTER TABLE orders ADD COLUMN next_poll_at TEXT",
        """
        ALTER TABLE orders ADD COLUMN
            polling_stopped INTEGER NOT NULL DEFAULT 0 CHECK (polling_stopped IN (0, 1))
        """,
        # Open orders from before the upgrade are due at once.
        "UPDATE orders SET next_poll_at = updated_at WHERE submit_state = 'placed' AND final = 0",
        "DROP INDEX orders_not_final",
        """
        CREATE INDEX orders_to_poll ON orders (next_poll_at)
            WHERE submit_state = 'placed' AND final = 0 AND polling_stopped = 0
        """,
        """
        CREATE TABLE refills (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id        INTEGER NOT NULL REFERENCES orders (id),
            panel_refill_id INTEGER NOT NULL,
            status          TEXT,
            final           INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),
            notified_status TEXT,
            last_polled_at  TEXT,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX refills_by_panel_id ON refills (order_id, panel_refill_id)",
        "CREATE INDEX refills_not_final ON refills (last_polled_at) WHERE final = 0",
        """
        CREATE TABLE drafts (
            user_id    INTEGER PRIMARY KEY REFERENCES users (id),
            state      TEXT NOT NULL,
            data       TEXT NOT NULL,
            token      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
    ),
)

_UNKNOWN_REPORTED = Migration(
    version=3,
    description="when an unknown order was reported to its owner and the admins",
    statements=(
        "ALTER TABLE orders ADD COLUMN unknown_reported_at TEXT",
        # Earlier versions reported an unknown order once, without checking it got through:
        # count those as reported, or the upgrade would report every one of them again.
        "UPDATE orders SET unknown_reported_at = updated_at WHERE submit_state = 'unknown'",
        """
        CREATE INDEX orders_unreported ON orders (id)
            WHERE submit_state = 'unknown' AND unknown_reported_at IS NULL
        """,
    ),
)

MIGRATIONS: tuple[Migration, ...] = (_BASE, _REFILLS_DRAFTS_POLLING, _UNKNOWN_REPORTED)
LATEST_VERSION = MIGRATIONS[-1].version


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def migrate(
    connection: aiosqlite.Connection,
    path: Path,
    *,
    target: int = LATEST_VERSION,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> None:
    """Bring the schema up to `target`; refuse a database newer than this code knows.

    `connection` must be in autocommit mode (isolation_level=None): each migration opens
    its own transaction. Tests pass `target` to build old databases.
    """
    supported = migrations[-1].version
    found = await schema_version(connection)
    if found > supported:
        raise SchemaTooNewError(path, found, supported)
    for migration in migrations:
        if migration.version > target:
            break
        await _apply(connection, path, migration)


async def _apply(connection: aiosqlite.Connection, path: Path, migration: Migration) -> None:
    await connection.execute("BEGIN IMMEDIATE")
    try:
        # Read under the write lock, so two processes never apply the same migration.
        if await schema_version(connection) >= migration.version:
            await connection.rollback()
            return
        for statement in migration.statements:
            await connection.execute(statement)
        await connection.execute(f"PRAGMA user_version = {int(migration.version)}")
        await connection.commit()
    except BaseException:
        if connection.in_transaction:
            await connection.rollback()
        raise
    log.info(
        "Database %s migrated to version %d: %s", path, migration.version, migration.description
    )
