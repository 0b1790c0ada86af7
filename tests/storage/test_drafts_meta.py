"""Drafts (dialog state that survives restarts) and meta values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.storage import Database
from tests.storage.helpers import START, FakeClock


@pytest.fixture
async def user_id(db: Database) -> int:
    await db.users.upsert_seen(1, "en")
    return 1


async def test_start_save_clear(db: Database, user_id: int, clock: FakeClock) -> None:
    assert await db.drafts.get(user_id) is None
    started = await db.drafts.start(user_id, "order.link", {"service": 308})
    assert (started.state, started.data, started.updated_at) == (
        "order.link",
        {"service": 308},
        START,
    )
    assert len(started.token) >= 16

    later = clock.advance(5)
    saved = await db.drafts.save(user_id, "order.quantity", {**started.data, "link": "https://x"})
    assert saved.token == started.token
    assert saved.state == "order.quantity" and saved.updated_at == later
    assert saved.data == {"service": 308, "link": "https://x"}
    assert await db.drafts.get(user_id) == saved

    restarted = await db.drafts.start(user_id, "order.link", {})
    assert restarted.token != started.token

    await db.drafts.clear(user_id)
    assert await db.drafts.get(user_id) is None
    await db.drafts.clear(user_id)


async def test_save_without_a_draft_starts_one(db: Database, user_id: int) -> None:
    draft = await db.drafts.save(user_id, "connect.key", {})
    assert draft.token and await db.drafts.get(user_id) == draft


async def test_data_is_read_only_json(db: Database, user_id: int) -> None:
    draft = await db.drafts.start(user_id, "order.link", {"list": [1, "two"], "none": None})
    with pytest.raises(TypeError):
        draft.data["x"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        await db.drafts.save(user_id, "order.link", {"price": Decimal("1.5")})
    assert await db.drafts.get(user_id) == draft


async def test_draft_survives_a_restart(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        await db.users.upsert_seen(1, "en")
        draft = await db.drafts.start(1, "order.confirm", {"quantity": 1000})
    async with await Database.open(db_path) as db:
        assert await db.drafts.get(1) == draft


async def test_meta_get_set_delete(db: Database) -> None:
    assert await db.meta.get("last_poll") is None
    await db.meta.set("last_poll", "2024-05-01T12:00:00Z")
    await db.meta.set("last_poll", "2024-05-01T12:01:00Z")
    assert await db.meta.get("last_poll") == "2024-05-01T12:01:00Z"
    await db.meta.delete("last_poll")
    assert await db.meta.get("last_poll") is None
