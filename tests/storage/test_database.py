"""The connection wrapper: files and pragmas, transactions, closing."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.storage import Database
from bot.storage.codec import parse_time, time_to_db


async def test_open_creates_missing_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    async with await Database.open(path) as db:
        assert repr(db) == f"Database({str(path)!r})"
    assert path.exists()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value, updated_at) VALUES ('k', 'v', 'now')")
            raise RuntimeError("boom")
    assert await db.meta.get("k") is None
    await db.meta.set("k", "after")
    assert await db.meta.get("k") == "after"


async def test_a_transaction_is_not_interleaved_with_other_tasks(db: Database) -> None:
    """Another task's statement waits for the open transaction, so a rollback undoes only
    the owner's writes and the other task never reads uncommitted data."""
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value, updated_at) VALUES ('k', 'tmp', 'now')")
            inside.set()
            await release.wait()
            raise RuntimeError("boom")

    owner = asyncio.create_task(failing_transaction())
    await inside.wait()
    reader = asyncio.create_task(db.meta.get("k"))
    writer = asyncio.create_task(db.meta.set("other", "kept"))
    release.set()
    with pytest.raises(RuntimeError):
        await owner
    assert await reader is None
    await writer
    assert await db.meta.get("other") == "kept"


def test_times_are_stored_as_sortable_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = datetime(2024, 5, 1, 14, 0, 0, 123, tzinfo=plus_two)
    assert time_to_db(local) == "2024-05-01T12:00:00.000123Z"
    assert parse_time("2024-05-01T12:00:00.000123Z") == local
    assert parse_time("2024-05-01T12:00:00.000123Z").tzinfo is UTC
    with pytest.raises(ValueError):
        time_to_db(datetime(2024, 5, 1))


async def test_a_new_database_and_its_folder_are_its_owners_only(tmp_path: Path) -> None:
    """It holds every user's encrypted key and orders; the usual umask would share it."""
    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "data" / "bot.sqlite3"
        async with await Database.open(path) as db:
            await db.users.upsert_seen(1, "en")
            await db.accounts.connect_personal(1, SecretStr("alice-personal-key-7f3a9c1e5b"), "USD", None)
            files = sorted(path.parent.glob(path.name + "*"))
            assert [file.name for file in files if file.name.endswith("-wal")]
            assert {file.name: oct(file.stat().st_mode & 0o777) for file in files} == {
                file.name: "0o600" for file in files
            }
        assert path.parent.stat().st_mode & 0o777 == 0o700
    finally:
        os.umask(old_umask)
