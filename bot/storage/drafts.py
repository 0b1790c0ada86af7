"""Where each user is in a multi-step dialog, kept so it survives a restart.

`data` must be JSON (str, int, bool, None, lists, dicts): keep Decimals as strings, and
never put a panel key here, it would be stored in clear.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.storage.codec import json_from_db, json_to_db, parse_time, time_to_db
from bot.storage.models import Draft

if TYPE_CHECKING:
    from bot.storage.database import Database, Row, Session

# 96 random bits, 16 characters: short enough for callback data, never guessed.
_TOKEN_BYTES = 12


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> Draft | None:
        async with self._db.reading() as session:
            return await _get(session, user_id)

    async def start(self, user_id: int, state: str, data: Mapping[str, Any]) -> Draft:
        """Begin a new draft with a new token, replacing any draft the user had."""
        return await self._write(user_id, state, data, keep_token=False)

    async def save(self, user_id: int, state: str, data: Mapping[str, Any]) -> Draft:
        """Move the user's draft to `state` with `data`, keeping its token (new if none)."""
        return await self._write(user_id, state, data, keep_token=True)

    async def clear(self, user_id: int) -> None:
        async with self._db.transaction(durable=False) as tx:
            await tx.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))

    async def _write(
        self, user_id: int, state: str, data: Mapping[str, Any], *, keep_token: bool
    ) -> Draft:
        encoded = json_to_db(data)
        # A power cut may take back the last steps (never an order: orders are durable).
        async with self._db.transaction(durable=False) as tx:
            await tx.execute(
                f"""
                INSERT INTO drafts (user_id, state, data, token, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    state = excluded.state,
                    data = excluded.data,
                    token = {"drafts.token" if keep_token else "excluded.token"},
                    updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    state,
                    encoded,
                    secrets.token_urlsafe(_TOKEN_BYTES),
                    time_to_db(tx.now()),
                ),
            )
            draft = await _get(tx, user_id)
        assert draft is not None
        return draft


async def _get(session: Session, user_id: int) -> Draft | None:
    row = await session.fetch_one(
        "SELECT user_id, state, data, token, updated_at FROM drafts WHERE user_id = ?", (user_id,)
    )
    return None if row is None else _draft(row)


def _draft(row: Row) -> Draft:
    return Draft(
        user_id=row["user_id"],
        state=row["state"],
        data=json_from_db(row["data"]),
        token=row["token"],
        updated_at=parse_time(row["updated_at"]),
    )
