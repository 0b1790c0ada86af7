"""Small named values the bot keeps between runs (last poll time, last panel error…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.storage.codec import time_to_db

if TYPE_CHECKING:
    from bot.storage.database import Database


class MetaRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        async with self._db.reading() as session:
            row = await session.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                """
                INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    value = excluded.value,
                    updated_at = excluded.updated_at
                """,
                (key, value, time_to_db(tx.now())),
            )

    async def delete(self, key: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM meta WHERE key = ?", (key,))
