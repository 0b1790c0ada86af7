"""Following placed orders: store what the panel's `status` says and decide when to ask again.

Young orders are asked about on every run of the status job; older ones less often, and
after `STOP_POLLING_AFTER` not at all (the order card says so), since panels stop changing
them and every id costs a slot in a batch.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.panel import OrderState, OrderStatus
from bot.storage import Database, Order, StatusUpdate

# (minimum age, time between polls), oldest first; younger orders are polled on every run.
POLL_SCHEDULE: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(days=7), timedelta(hours=1)),
    (timedelta(days=1), timedelta(minutes=10)),
)
STOP_POLLING_AFTER = timedelta(days=60)
# An id the panel does not know rarely becomes known; asking every run only fills batches.
ITEM_ERROR_RETRY = timedelta(minutes=10)


def next_poll_at(created_at: datetime, now: datetime) -> datetime:
    """Return when an order created at `created_at` is due again, polled at `now`."""
    age = now - created_at
    for minimum_age, interval in POLL_SCHEDULE:
        if age >= minimum_age:
            return now + interval
    return now


def is_too_old(order: Order, now: datetime) -> bool:
    """Whether an order has been followed long enough to give up on it."""
    return now - order.created_at >= STOP_POLLING_AFTER


def order_state(order: Order) -> OrderState | None:
    """The normalised state of the stored status; None before the first poll."""
    return None if order.status is None else OrderState.parse(order.status)


def refunded_amount(order: Order) -> Decimal | None:
    """What a Partial or Canceled order gave back, when the panel's charge tells it."""
    if order_state(order) not in (OrderState.PARTIAL, OrderState.CANCELED) or order.charge is None:
        return None
    refund = order.expected_price - order.charge
    return refund if refund > 0 else None


def status_update(order: Order, status: OrderStatus, now: datetime) -> StatusUpdate:
    """What to store for a fresh panel status of `order`, polled at `now`, and when to ask again."""
    return StatusUpdate(
        order_id=order.id,
        status=status.status,
        final=status.state.is_final,
        charge=status.charge,
        start_count=status.start_count,
        remains=status.remains,
        currency=status.currency,
        next_poll_at=next_poll_at(order.created_at, now),
        stop_polling=not status.state.is_final and is_too_old(order, now),
    )


async def apply_status(
    db: Database, order: Order, status: OrderStatus, *, now: datetime | None = None
) -> Order:
    """Store a fresh panel status of `order` and schedule its next poll; return the order.

    The notification is not sent here: the stored status differs from the notified one
    until the delivery step has told the user, which survives restarts. The status job
    stores whole batches instead: `db.orders.apply_statuses` with `status_update`s.
    """
    now = now or datetime.now(UTC)
    return await db.orders.apply_status(status_update(order, status, now), polled_at=now)


async def postpone(db: Database, orders: list[Order], *, now: datetime | None = None) -> None:
    """Move the next poll of orders the panel gave no status for ("Incorrect order ID")."""
    now = now or datetime.now(UTC)
    retry_at: dict[datetime, list[int]] = defaultdict(list)
    for order in orders:
        if is_too_old(order, now):
            await db.orders.stop_polling(order.id)
        else:
            retry_at[max(next_poll_at(order.created_at, now), now + ITEM_ERROR_RETRY)].append(order.id)
    for later, order_ids in retry_at.items():
        await db.orders.reschedule(order_ids, polled_at=now, next_poll_at=later)
