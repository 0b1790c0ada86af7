"""Telegram users: language, reachability and notification settings."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.storage.codec import money_from_db, money_to_db, parse_time, time_to_db
from bot.storage.errors import NotFoundError
from bot.storage.models import User, UserSettings

if TYPE_CHECKING:
    from bot.storage.database import Database, Row, Session

_COLUMNS = """
    id, language, active, created_at, last_seen_at, notify_status, notify_refills,
    notify_low_balance, mute_all, low_balance_threshold
"""


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> User | None:
        async with self._db.reading() as session:
            return await _get(session, user_id)

    async def upsert_seen(self, user_id: int, language_code_hint: str | None) -> User:
        """Record that the user wrote: create them on first contact, mark them reachable.

        The hint (Telegram's language_code, already mapped to a supported language by the
        caller) is stored only while no language is known; a chosen language is kept.
        """
        async with self._db.transaction(durable=False) as tx:
            now = time_to_db(tx.now())
            await tx.execute(
                """
                INSERT INTO users (id, language, created_at, last_seen_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    last_seen_at = excluded.last_seen_at,
                    active = 1,
                    language = coalesce(users.language, excluded.language)
                """,
                (user_id, language_code_hint, now, now),
            )
            return await _require(tx, user_id)

    async def seen(self, user_id: int, language_code_hint: str | None, *, within: timedelta) -> User:
        """Record that the user wrote, as `upsert_seen` does, unless it would change nothing
        but the time: a reachable user whose language is known (or no hint came), last seen
        less than `within` ago. Then it is one read, not a committed write per update.
        """
        async with self._db.reading() as session:
            user = await _get(session, user_id)
            now = session.now()
        if (
            user is not None
            and user.active
            and (user.language is not None or language_code_hint is None)
            and now - user.last_seen_at < within
        ):
            return user
        return await self.upsert_seen(user_id, language_code_hint)

    async def set_language(self, user_id: int, language: str) -> User:
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))
            return await _require(tx, user_id)

    async def update_settings(self, user_id: int, settings: UserSettings) -> User:
        """Replace all settings; change one with `dataclasses.replace(user.settings, ...)`."""
        async with self._db.transaction() as tx:
            await tx.execute(
                """
                UPDATE users SET notify_status = ?, notify_refills = ?, notify_low_balance = ?,
                                 mute_all = ?, low_balance_threshold = ?
                WHERE id = ?
                """,
                (
                    settings.notify_status,
                    settings.notify_refills,
                    settings.notify_low_balance,
                    settings.mute_all,
                    money_to_db(settings.low_balance_threshold),
                    user_id,
                ),
            )
            return await _require(tx, user_id)

    async def set_active(self, user_id: int, active: bool) -> bool:
        """Mark the user (un)reachable, e.g. False after Telegram's 403; False if unknown."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE users SET active = ? WHERE id = ?", (active, user_id)
            )
        return changed > 0

    async def count(self, *, active: bool | None = None) -> int:
        """Count users, or only the reachable (True) or unreachable (False) ones."""
        async with self._db.reading() as session:
            row = await session.fetch_one(
                "SELECT count(*) FROM users WHERE ? IS NULL OR active = ?", (active, active)
            )
        assert row is not None
        return int(row[0])


async def _get(session: Session, user_id: int) -> User | None:
    row = await session.fetch_one(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return None if row is None else _user(row)


async def _require(session: Session, user_id: int) -> User:
    user = await _get(session, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return user


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        language=row["language"],
        active=bool(row["active"]),
        created_at=parse_time(row["created_at"]),
        last_seen_at=parse_time(row["last_seen_at"]),
        settings=UserSettings(
            notify_status=bool(row["notify_status"]),
            notify_refills=bool(row["notify_refills"]),
            notify_low_balance=bool(row["notify_low_balance"]),
            mute_all=bool(row["mute_all"]),
            low_balance_threshold=money_from_db(row["low_balance_threshold"]),
        ),
    )
