"""One bot process per database: the lock file beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.storage import DatabaseInUse, InstanceLock


def test_a_second_holder_is_refused_until_the_first_releases(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    first = InstanceLock.acquire(database)
    assert first.path == tmp_path / "data" / "bot.sqlite3.lock"
    assert first.path.read_text() == f"{os.getpid()}\n"

    with pytest.raises(DatabaseInUse) as refused:
        InstanceLock.acquire(database)
    assert str(refused.value) == (
        f"Database {database} is in use by another smm-bot (process {os.getpid()}). Stop that one first."
    )

    first.release()
    first.release()  # twice is harmless
    second = InstanceLock.acquire(database)
    second.release()
    assert first.path.exists()  # left in place: deleting it would race with a starting process


def test_other_databases_are_not_affected(tmp_path: Path) -> None:
    one = InstanceLock.acquire(tmp_path / "one.sqlite3")
    other = InstanceLock.acquire(tmp_path / "other.sqlite3")
    one.release()
    other.release()
