"""Refills the panel accepted for an order, and their status."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.storage.codec import parse_time, time_from_db, time_to_db
from bot.storage.errors import NotFoundError
from bot.storage.models import Refill

if TYPE_CHECKING:
    from bot.storage.database import Database, Row, Session

_COLUMNS = """
    refills.id, refills.order_id, orders.user_id, orders.account_id, refills.panel_refill_id,
    refills.status, refills.final, refills.notified_status, refills.last_polled_at,
    refills.created_at, refills.updated_at
"""
_FROM = "refills JOIN orders ON orders.id = refills.order_id"


class RefillRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, order_id: int, panel_refill_id: int, status: str | None = None
    ) -> Refill:
        """Record a refill; a panel answering with a refill id it gave before finds that one."""
        async with self._db.transaction() as tx:
            now = time_to_db(tx.now())
            await tx.execute(
                """
                INSERT INTO refills (order_id, panel_refill_id, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (order_id, panel_refill_id) DO NOTHING
                """,
                (order_id, panel_refill_id, status, now, now),
            )
            row = await tx.fetch_one(
                f"""
                SELECT {_COLUMNS} FROM {_FROM}
                WHERE refills.order_id = ? AND refills.panel_refill_id = ?
                """,
                (order_id, panel_refill_id),
            )
        assert row is not None
        return _refill(row)

    async def get(self, refill_id: int) -> Refill | None:
        async with self._db.reading() as session:
            return await _get(session, refill_id)

    async def list_for_order(self, order_id: int) -> list[Refill]:
        """The order's refills, newest first."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM {_FROM} WHERE refills.order_id = ? ORDER BY refills.id DESC
                """,
                (order_id,),
            )
        return [_refill(row) for row in rows]

    async def not_final(self, limit: int = 500) -> dict[int, list[Refill]]:
        """Refills to poll, least recently polled first, grouped by account id. Refills of
        disconnected accounts wait: their key is gone."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM {_FROM} JOIN accounts ON accounts.id = orders.account_id
                WHERE refills.final = 0 AND accounts.connected = 1
                ORDER BY refills.last_polled_at NULLS FIRST, refills.id LIMIT ?
                """,
                (limit,),
            )
        grouped: dict[int, list[Refill]] = {}
        for row in rows:
            refill = _refill(row)
            grouped.setdefault(refill.account_id, []).append(refill)
        return grouped

    async def apply_status(
        self, refill_id: int, *, status: str, state_is_final: bool, polled_at: datetime
    ) -> Refill:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                """
                UPDATE refills SET status = ?, final = ?, last_polled_at = ?, updated_at = ?
                WHERE id = ?
                """,
                (status, state_is_final, time_to_db(polled_at), time_to_db(tx.now()), refill_id),
            )
            _require_changed(changed, refill_id)
            refill = await _get(tx, refill_id)
        assert refill is not None
        return refill

    async def mark_notified(self, refill_id: int, status: str) -> bool:
        """Remember the status the user was told about, if it is still the refill's status;
        return whether it was recorded (as `OrderRepository.mark_notified`)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE refills SET notified_status = ? WHERE id = ? AND status = ?",
                (status, refill_id, status),
            )
        return bool(changed)

    async def pending_notifications(self, limit: int = 500) -> list[Refill]:
        """Refills whose status changed since the user was last told, oldest change first."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM {_FROM}
                WHERE refills.status IS NOT NULL AND refills.status IS NOT refills.notified_status
                ORDER BY refills.updated_at, refills.id LIMIT ?
                """,
                (limit,),
            )
        return [_refill(row) for row in rows]


async def _get(session: Session, refill_id: int) -> Refill | None:
    row = await session.fetch_one(
        f"SELECT {_COLUMNS} FROM {_FROM} WHERE refills.id = ?", (refill_id,)
    )
    return None if row is None else _refill(row)


def _require_changed(changed: int, refill_id: int) -> None:
    if not changed:
        raise NotFoundError(f"refill {refill_id} does not exist")


def _refill(row: Row) -> Refill:
    return Refill(
        id=row["id"],
        order_id=row["order_id"],
        user_id=row["user_id"],
        account_id=row["account_id"],
        panel_refill_id=row["panel_refill_id"],
        status=row["status"],
        final=bool(row["final"]),
        notified_status=row["notified_status"],
        last_polled_at=time_from_db(row["last_polled_at"]),
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
    )
