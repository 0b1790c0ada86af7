"""Orders: the submit state machine, panel status, notifications and polling bookkeeping.

Submit states: `submitting` (row written before `add` is sent) -> `placed` (panel id known)
| `failed` (the panel said no) | `unknown` (the request may have reached the panel; an admin
resolves it to placed or failed). Only `placed` orders are polled and notified.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.storage.codec import (
    json_from_db,
    json_to_db,
    money_from_db,
    money_to_db,
    parse_time,
    time_from_db,
    time_to_db,
)
from bot.storage.errors import (
    DuplicatePanelOrder,
    DuplicateSubmit,
    NotFoundError,
    OrderStateError,
)
from bot.storage.models import NewOrder, Order, ServiceSnapshot, StatusUpdate, SubmitState

if TYPE_CHECKING:
    from bot.storage.database import Database, Row, Session

_COLUMNS = """
    orders.id, orders.user_id, orders.account_id, orders.panel_order_id, orders.submit_token,
    orders.submit_state, orders.submit_error, orders.unknown_reported_at, orders.service_id,
    orders.service_name, orders.service_type, orders.service_category, orders.rate,
    orders.currency, orders.link, orders.quantity, orders.runs, orders.interval, orders.params,
    orders.expected_price, orders.charge, orders.status, orders.final, orders.start_count,
    orders.remains, orders.notified_status, orders.cancel_requested_at, orders.last_polled_at,
    orders.next_poll_at, orders.polling_stopped, orders.created_at, orders.updated_at
"""

# Matches Order.is_active; kept in SQL so paging and counting agree with it.
_ACTIVE = "(submit_state IN ('submitting', 'unknown') OR (submit_state = 'placed' AND final = 0))"


class OrderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_submitting(self, new: NewOrder) -> Order:
        """Write the order before `add` is sent; raise DuplicateSubmit if the token was used.

        The (user_id, submit_token) UNIQUE index makes this race-free: of two concurrent
        confirmations of one draft, exactly one creates the order.
        """
        service = new.service
        async with self._db.transaction() as tx:
            now = time_to_db(tx.now())
            created = await tx.execute(
                """
                INSERT INTO orders (
                    user_id, account_id, submit_token, submit_state, service_id, service_name,
                    service_type, service_category, rate, currency, link, quantity, runs,
                    interval, params, expected_price, created_at, updated_at)
                VALUES (?, ?, ?, 'submitting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, submit_token) DO NOTHING
                """,
                (
                    new.user_id,
                    new.account_id,
                    new.submit_token,
                    service.service_id,
                    service.name,
                    service.type,
                    service.category,
                    money_to_db(service.rate),
                    new.currency,
                    new.link,
                    new.quantity,
                    new.runs,
                    new.interval,
                    json_to_db(new.params),
                    money_to_db(new.expected_price),
                    now,
                    now,
                ),
            )
            row = await tx.fetch_one(
                f"SELECT {_COLUMNS} FROM orders WHERE user_id = ? AND submit_token = ?",
                (new.user_id, new.submit_token),
            )
        assert row is not None
        if not created:
            raise DuplicateSubmit(_order(row))
        return _order(row)

    async def mark_placed(self, order_id: int, panel_order_id: int) -> Order:
        """Record the panel's order id; the order becomes due for polling at once."""
        return await self._transition(
            order_id, SubmitState.SUBMITTING, SubmitState.PLACED, panel_order_id=panel_order_id
        )

    async def mark_failed(self, order_id: int, message: str) -> Order:
        """The panel refused the order; keep its message to show."""
        return await self._transition(
            order_id, SubmitState.SUBMITTING, SubmitState.FAILED, message=message
        )

    async def mark_unknown(self, order_id: int, message: str) -> Order:
        """The outcome is ambiguous: never resend; wait for an admin to resolve it."""
        return await self._transition(
            order_id, SubmitState.SUBMITTING, SubmitState.UNKNOWN, message=message
        )

    async def resolve_unknown(self, order_id: int, panel_order_id: int | None) -> Order:
        """Settle an unknown order after checking the panel: placed with its id, or failed
        (keeping the message that made it unknown)."""
        if panel_order_id is None:
            return await self._transition(order_id, SubmitState.UNKNOWN, SubmitState.FAILED)
        return await self._transition(
            order_id, SubmitState.UNKNOWN, SubmitState.PLACED, panel_order_id=panel_order_id
        )

    async def mark_interrupted(self, message: str) -> list[Order]:
        """Turn every order still `submitting` into `unknown` and return them, oldest first.

        For start-up, when no `add` of this process is in flight: a row left `submitting`
        was cut off by a crash. One statement in one transaction, so an order is turned (and
        returned) exactly once, even if two callers race.
        """
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"""
                UPDATE orders SET submit_state = 'unknown', submit_error = ?, updated_at = ?
                WHERE submit_state = 'submitting'
                RETURNING {_COLUMNS}
                """,
                (message, time_to_db(tx.now())),
            )
        return sorted((_order(row) for row in rows), key=lambda order: order.id)

    async def _transition(
        self,
        order_id: int,
        expected: SubmitState,
        state: SubmitState,
        *,
        panel_order_id: int | None = None,
        message: str | None = None,
    ) -> Order:
        async with self._db.transaction() as tx:
            now = tx.now()
            current = await _require(tx, order_id)
            if current.submit_state is not expected:
                raise OrderStateError(order_id, current.submit_state, expected)
            if panel_order_id is not None:
                await _check_panel_id_free(tx, current.account_id, panel_order_id)
            placed = state is SubmitState.PLACED
            await tx.execute(
                """
                UPDATE orders SET
                    submit_state = ?,
                    panel_order_id = ?,
                    submit_error = CASE WHEN ? THEN NULL ELSE coalesce(?, submit_error) END,
                    next_poll_at = ?,
                    updated_at = ?
                WHERE id = ?
                """,
                (
                    state.value,
                    panel_order_id,
                    placed,
                    message,
                    time_to_db(now) if placed else None,
                    time_to_db(now),
                    order_id,
                ),
            )
            return await _require(tx, order_id)

    async def get(self, order_id: int) -> Order | None:
        async with self._db.reading() as session:
            return await _get(session, order_id)

    async def get_by_panel_id(self, account_id: int, panel_order_id: int) -> Order | None:
        async with self._db.reading() as session:
            row = await session.fetch_one(
                f"SELECT {_COLUMNS} FROM orders WHERE account_id = ? AND panel_order_id = ?",
                (account_id, panel_order_id),
            )
        return None if row is None else _order(row)

    async def list_for_user(
        self, user_id: int, *, active: bool | None = None, limit: int = 10, offset: int = 0
    ) -> list[Order]:
        """The user's orders, newest first; `active` filters by `Order.is_active`."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM orders
                WHERE user_id = ? AND (? IS NULL OR {_ACTIVE} = ?)
                ORDER BY id DESC LIMIT ? OFFSET ?
                """,
                (user_id, active, active, limit, offset),
            )
        return [_order(row) for row in rows]

    async def count_for_user(self, user_id: int, *, active: bool | None = None) -> int:
        async with self._db.reading() as session:
            row = await session.fetch_one(
                f"SELECT count(*) FROM orders WHERE user_id = ? AND (? IS NULL OR {_ACTIVE} = ?)",
                (user_id, active, active),
            )
        assert row is not None
        return int(row[0])

    async def due_for_polling(
        self, now: datetime, limit: int = 1000, *, after: Order | None = None
    ) -> dict[int, list[Order]]:
        """Placed, open orders whose next poll time has come, grouped by account id; one page.

        Pages run by account, then by panel order id (an account's orders stay together, so
        they fill whole `status` batches); `after`, the last order of a page, gives the next.
        Orders of disconnected accounts wait: their key is gone.
        """
        cursor = (0, 0) if after is None else (after.account_id, after.panel_order_id)
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM orders JOIN accounts ON accounts.id = orders.account_id
                WHERE orders.submit_state = 'placed' AND orders.final = 0
                  AND orders.polling_stopped = 0 AND orders.next_poll_at <= ?
                  AND accounts.connected = 1
                  AND (orders.account_id, orders.panel_order_id) > (?, ?)
                ORDER BY orders.account_id, orders.panel_order_id LIMIT ?
                """,
                (time_to_db(now), *cursor, limit),
            )
        grouped: dict[int, list[Order]] = {}
        for row in rows:
            order = _order(row)
            grouped.setdefault(order.account_id, []).append(order)
        return grouped

    async def apply_status(self, update: StatusUpdate, *, polled_at: datetime) -> Order:
        """Store what the panel's `status` said about one order; return the order as stored.

        Polling bookkeeping is not synced to disk at once (see `Database.transaction`): a
        status a power cut takes back is asked for again.
        """
        async with self._db.transaction(durable=False) as tx:
            changed = await _store_statuses(tx, [update], polled_at)
            _require_changed(changed, update.order_id)
            return await _require(tx, update.order_id)

    async def apply_statuses(self, updates: Sequence[StatusUpdate], *, polled_at: datetime) -> None:
        """Store a whole batch of statuses in one transaction, like `apply_status`."""
        if not updates:
            return
        async with self._db.transaction(durable=False) as tx:
            await _store_statuses(tx, updates, polled_at)

    async def reschedule(
        self, order_ids: Sequence[int], *, polled_at: datetime | None, next_poll_at: datetime
    ) -> None:
        """Move the next poll of orders the panel gave no status for (errors, outages)."""
        async with self._db.transaction(durable=False) as tx:
            await tx.execute_many(
                """
                UPDATE orders SET last_polled_at = coalesce(?, last_polled_at), next_poll_at = ?
                WHERE id = ?
                """,
                [(time_to_db(polled_at), time_to_db(next_poll_at), order_id) for order_id in order_ids],
            )

    async def stop_polling(self, order_id: int) -> Order:
        """Give up polling an order that stayed open too long (it is kept, not final)."""
        async with self._db.transaction(durable=False) as tx:
            changed = await tx.execute(
                "UPDATE orders SET polling_stopped = 1, updated_at = ? WHERE id = ?",
                (time_to_db(tx.now()), order_id),
            )
            _require_changed(changed, order_id)
            return await _require(tx, order_id)

    async def mark_notified(self, order_id: int, status: str) -> bool:
        """Remember the status the user was told about (or deliberately not told about), if it
        is still the order's status; return whether it was recorded.

        A newer status stored meanwhile (a card refresh, /status, a poll) is left to be told
        or was already shown: an older message must not record itself over it.
        Not synced at once: after a power cut the last few changes may be told again.
        """
        async with self._db.transaction(durable=False) as tx:
            changed = await tx.execute(
                "UPDATE orders SET notified_status = ? WHERE id = ? AND status = ?",
                (status, order_id, status),
            )
        return bool(changed)

    async def pending_notifications(self, limit: int = 500) -> list[Order]:
        """Placed orders whose status changed since the user was last told, oldest first."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM orders
                WHERE submit_state = 'placed' AND status IS NOT NULL
                  AND status IS NOT notified_status
                ORDER BY updated_at, id LIMIT ?
                """,
                (limit,),
            )
        return [_order(row) for row in rows]

    async def count_by_state(self) -> dict[SubmitState, int]:
        """Orders per submit state, every state present (zero when none)."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                "SELECT submit_state, count(*) FROM orders GROUP BY submit_state"
            )
        counts = dict.fromkeys(SubmitState, 0)
        counts.update({SubmitState(row[0]): int(row[1]) for row in rows})
        return counts

    async def count_placed_by_status(self) -> dict[str | None, int]:
        """Placed orders per status as the panel last wrote it (None: not polled yet)."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                "SELECT status, count(*) FROM orders WHERE submit_state = 'placed' GROUP BY status"
            )
        return {row[0]: int(row[1]) for row in rows}

    async def unreported_unknown(self) -> list[Order]:
        """Unknown orders whose report has not got through to everyone yet, oldest first."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"""
                SELECT {_COLUMNS} FROM orders
                WHERE submit_state = 'unknown' AND unknown_reported_at IS NULL ORDER BY id
                """
            )
        return [_order(row) for row in rows]

    async def mark_unknown_reported(self, order_id: int) -> None:
        """Record that an unknown order's report got through (once; a later call keeps the time).

        Not synced at once: after a power cut a report may be made again.
        """
        async with self._db.transaction(durable=False) as tx:
            await tx.execute(
                """
                UPDATE orders SET unknown_reported_at = ?
                WHERE id = ? AND submit_state = 'unknown' AND unknown_reported_at IS NULL
                """,
                (time_to_db(tx.now()), order_id),
            )

    async def list_unknown(self) -> list[Order]:
        """Orders waiting for an admin to resolve them, oldest first."""
        async with self._db.reading() as session:
            rows = await session.fetch_all(
                f"SELECT {_COLUMNS} FROM orders WHERE submit_state = 'unknown' ORDER BY id"
            )
        return [_order(row) for row in rows]

    async def set_cancel_requested(self, order_id: int) -> Order:
        """Record that the panel accepted a cancel request; the status tells when it happens."""
        async with self._db.transaction() as tx:
            now = time_to_db(tx.now())
            changed = await tx.execute(
                "UPDATE orders SET cancel_requested_at = ?, updated_at = ? WHERE id = ?",
                (now, now, order_id),
            )
            _require_changed(changed, order_id)
            return await _require(tx, order_id)


async def _get(session: Session, order_id: int) -> Order | None:
    row = await session.fetch_one(f"SELECT {_COLUMNS} FROM orders WHERE id = ?", (order_id,))
    return None if row is None else _order(row)


async def _require(session: Session, order_id: int) -> Order:
    order = await _get(session, order_id)
    if order is None:
        raise NotFoundError(f"order {order_id} does not exist")
    return order


async def _check_panel_id_free(session: Session, account_id: int, panel_order_id: int) -> None:
    row = await session.fetch_one(
        "SELECT id FROM orders WHERE account_id = ? AND panel_order_id = ?",
        (account_id, panel_order_id),
    )
    if row is not None:
        raise DuplicatePanelOrder(panel_order_id, row["id"])


async def _store_statuses(session: Session, updates: Sequence[StatusUpdate], polled_at: datetime) -> int:
    """Write panel statuses (None keeps a stored value); return how many orders changed."""
    now = time_to_db(session.now())
    return await session.execute_many(
        """
        UPDATE orders SET
            status = ?, final = ?, charge = coalesce(?, charge),
            start_count = coalesce(?, start_count), remains = coalesce(?, remains),
            currency = coalesce(?, currency), polling_stopped = polling_stopped OR ?,
            last_polled_at = ?, next_poll_at = ?, updated_at = ?
        WHERE id = ?
        """,
        [
            (
                update.status,
                update.final,
                money_to_db(update.charge),
                update.start_count,
                update.remains,
                update.currency,
                update.stop_polling,
                time_to_db(polled_at),
                time_to_db(update.next_poll_at),
                now,
                update.order_id,
            )
            for update in updates
        ],
    )


def _require_changed(changed: int, order_id: int) -> None:
    if not changed:
        raise NotFoundError(f"order {order_id} does not exist")


def _order(row: Row) -> Order:
    return Order(
        id=row["id"],
        user_id=row["user_id"],
        account_id=row["account_id"],
        panel_order_id=row["panel_order_id"],
        submit_token=row["submit_token"],
        submit_state=SubmitState(row["submit_state"]),
        submit_error=row["submit_error"],
        unknown_reported_at=time_from_db(row["unknown_reported_at"]),
        service=ServiceSnapshot(
            service_id=row["service_id"],
            name=row["service_name"],
            type=row["service_type"],
            category=row["service_category"],
            rate=Decimal(row["rate"]),
        ),
        currency=row["currency"],
        link=row["link"],
        quantity=row["quantity"],
        runs=row["runs"],
        interval=row["interval"],
        params=json_from_db(row["params"]),
        expected_price=Decimal(row["expected_price"]),
        charge=money_from_db(row["charge"]),
        status=row["status"],
        final=bool(row["final"]),
        start_count=row["start_count"],
        remains=row["remains"],
        notified_status=row["notified_status"],
        cancel_requested_at=time_from_db(row["cancel_requested_at"]),
        last_polled_at=time_from_db(row["last_polled_at"]),
        next_poll_at=time_from_db(row["next_poll_at"]),
        polling_stopped=bool(row["polling_stopped"]),
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
    )
