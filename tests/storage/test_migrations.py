"""The schema upgrade path: empty -> latest, v1 with data -> latest, reopen, too new."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import Database, SchemaTooNewError, SubmitState
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS, Migration, migrate
from tests.storage.helpers import START, FakeClock


def inspect(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with a separate plain connection, as an operator's sqlite3 shell would."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def schema_objects(path: Path) -> set[str]:
    return {
        str(row[0])
        for row in inspect(path, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    }


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [migration.version for migration in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION == 3


async def test_empty_file_is_migrated_to_the_latest_version(db: Database, db_path: Path) -> None:
    assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert inspect(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert {
        "users",
        "accounts",
        "orders",
        "meta",
        "refills",
        "drafts",
        "orders_by_submit_token",
        "orders_by_panel_id",
        "orders_of_user",
        "orders_to_poll",
        "orders_unreported",
        "refills_not_final",
        "accounts_one_shared",
    } <= schema_objects(db_path)
    assert "orders_not_final" not in schema_objects(db_path)


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await db.drafts.start(424242, "order.link", {})


async def build_v1_database(path: Path) -> None:
    """Apply only the first migration through the real code path, then add v1-shaped rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        await migrate(connection, path, target=1)
        at = "2024-04-01T10:00:00.000000Z"
        statements = [
            (
                "INSERT INTO users (id, language, created_at, last_seen_at, low_balance_threshold)"
                " VALUES (7, 'ru', ?, ?, '0.0000001')",
                (at, at),
            ),
            (
                "INSERT INTO accounts (id, kind, connected, balance, created_at, updated_at)"
                " VALUES (1, 'shared', 1, '123456789.1234567', ?, ?)",
                (at, at),
            ),
            (
                """
                INSERT INTO orders (
                    id, user_id, account_id, panel_order_id, submit_token, submit_state,
                    service_id, service_name, service_type, service_category, rate,
                    expected_price, status, final, created_at, updated_at)
                VALUES
                    (1, 7, 1, 555, 'a', 'placed', 1, 'Likes', 'Default', 'IG', '0.0000001',
                     '0.27819', 'In progress', 0, ?, ?),
                    (2, 7, 1, 556, 'b', 'placed', 1, 'Likes', 'Default', 'IG', '0.9',
                     '0.9', 'Completed', 1, ?, ?)
                """,
                (at, at, at, at),
            ),
            ("INSERT INTO meta (key, value, updated_at) VALUES ('last_poll', 'x', ?)", (at,)),
        ]
        for sql, params in statements:
            await connection.execute(sql, params)


async def test_v1_database_is_upgraded_with_its_data(db_path: Path) -> None:
    await build_v1_database(db_path)
    assert inspect(db_path, "PRAGMA user_version") == [(1,)]
    assert "refills" not in schema_objects(db_path)

    async with await Database.open(db_path, clock=FakeClock()) as db:
        assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]
        user = await db.users.get(7)
        assert user is not None
        assert user.language == "ru"
        assert user.settings.notify_refills is True  # the v2 column's default
        assert user.settings.low_balance_threshold == Decimal("0.0000001")
        shared = await db.accounts.shared()
        assert shared.id == 1
        assert shared.balance == Decimal("123456789.1234567")

        open_order = await db.orders.get(1)
        assert open_order is not None
        assert open_order.submit_state is SubmitState.PLACED
        assert open_order.service.rate == Decimal("0.0000001")
        assert open_order.expected_price == Decimal("0.27819")
        assert open_order.status == "In progress"
        # Open orders from v1 become due at once; final ones are never polled.
        assert open_order.next_poll_at == open_order.updated_at
        finished = await db.orders.get(2)
        assert finished is not None and finished.next_poll_at is None
        due = await db.orders.due_for_polling(START)
        assert [order.id for order in due[1]] == [1]

        assert await db.meta.get("last_poll") == "x"
        refill = await db.refills.create(1, 99)
        assert refill.user_id == 7
        draft = await db.drafts.start(7, "order.link", {"service": 1})
        assert draft.data == {"service": 1}
    objects = schema_objects(db_path)
    assert "orders_to_poll" in objects and "orders_not_final" not in objects


async def build_v2_database(path: Path) -> None:
    """Migrate to v2 only, then add an order of each submit state (unknown: reported by v2)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        await migrate(connection, path, target=2)
        at = "2024-04-01T10:00:00.000000Z"
        await connection.execute(
            "INSERT INTO users (id, created_at, last_seen_at) VALUES (7, ?, ?)", (at, at)
        )
        await connection.execute(
            "INSERT INTO accounts (id, kind, connected, created_at, updated_at) VALUES (1, 'shared', 1, ?, ?)",
            (at, at),
        )
        for order_id, state, panel_order_id, updated_at in (
            (1, "placed", 555, at),
            (2, "unknown", None, "2024-04-02T08:30:00.000000Z"),
            (3, "submitting", None, at),
        ):
            await connection.execute(
                """
                INSERT INTO orders (
                    id, user_id, account_id, panel_order_id, submit_token, submit_state,
                    submit_error, service_id, service_name, service_type, service_category,
                    rate, expected_price, created_at, updated_at)
                VALUES (?, 7, 1, ?, ?, ?, 'timeout', 1, 'Likes', 'Default', 'IG', '0.9', '0.9', ?, ?)
                """,
                (order_id, panel_order_id, f"token-{order_id}", state, at, updated_at),
            )


async def test_v2_database_counts_its_unknown_orders_as_reported(db_path: Path) -> None:
    await build_v2_database(db_path)
    assert inspect(db_path, "PRAGMA user_version") == [(2,)]

    async with await Database.open(db_path, clock=FakeClock()) as db:
        assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]
        unknown = await db.orders.get(2)
        assert unknown is not None and unknown.submit_state is SubmitState.UNKNOWN
        assert unknown.unknown_reported_at == unknown.updated_at  # v2 told them at the time
        assert await db.orders.unreported_unknown() == []
        placed = await db.orders.get(1)
        assert placed is not None and placed.unknown_reported_at is None

        # One left `submitting` by the old version was never reported: the start-up sweep will.
        [interrupted] = await db.orders.mark_interrupted("interrupted")
        assert interrupted.id == 3 and interrupted.unknown_reported_at is None
        assert await db.orders.unreported_unknown() == [interrupted]
    assert "orders_unreported" in schema_objects(db_path)


async def test_opening_twice_changes_nothing(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        await db.meta.set("k", "v")
    schema = inspect(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    async with await Database.open(db_path) as db:
        assert await db.meta.get("k") == "v"
    assert inspect(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]


async def test_database_newer_than_the_code_is_refused(db_path: Path) -> None:
    async with await Database.open(db_path):
        pass
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.commit()
    connection.close()

    with pytest.raises(SchemaTooNewError) as caught:
        await Database.open(db_path)
    assert f"schema version {LATEST_VERSION + 1}" in str(caught.value)
    assert f"supports up to {LATEST_VERSION}" in str(caught.value)
    assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION + 1,)]


async def test_failing_migration_leaves_the_previous_version_whole(db_path: Path) -> None:
    broken = Migration(
        version=LATEST_VERSION + 1,
        description="fails half-way",
        statements=("CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL"),
    )
    async with await Database.open(db_path):
        pass
    async with aiosqlite.connect(db_path, isolation_level=None) as connection:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(
                connection, db_path, target=broken.version, migrations=(*MIGRATIONS, broken)
            )
        assert not connection.in_transaction
    assert inspect(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert "half_done" not in schema_objects(db_path)
