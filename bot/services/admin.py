"""What admins see and settle: the bot's numbers, alerts about trouble only they can fix, and
orders whose outcome is unknown.

An order is `unknown` when its `add` request may have reached the panel without an answer.
Only a person who checked the panel can say what became of it: placed (with the panel's id)
or failed. Nothing here resends an order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Bot

from bot.config import Settings
from bot.i18n import Html, Translator
from bot.panel import OrderState, PanelClient, PanelRejected, PanelUnavailable
from bot.services import tracking
from bot.services.accounts import key_for_account
from bot.services.delivery import push
from bot.storage import (
    Database,
    DuplicatePanelOrder,
    KeyUnavailableError,
    Order,
    SubmitState,
)
from bot.views.common import panel_message

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

# /stats lists this many unknown orders (oldest first); the rest are counted.
UNKNOWN_SHOWN = 5

# Seconds before the same kind of trouble is reported to the admins again.
ALERT_EVERY = 600.0



@dataclass(frozen=True)
class Stats:
    users: int
    reachable_users: int
    orders_by_state: dict[SubmitState, int]
    # Placed orders by their last panel status, normalised; None: not polled yet.
    placed_by_state: dict[OrderState | None, int]
    unknown: tuple[Order, ...]
    panel_errors_last_hour: int
    panel_last_success: datetime | None
    panel_last_error: datetime | None
    panel_last_error_message: str | None
    shared_key_refused_at: datetime | None


async def collect_stats(db: Database, panel: PanelClient) -> Stats:
    """Count users and orders and read the panel's recent health."""
    health = panel.health
    return Stats(
        users=await db.users.count(),
        reachable_users=await db.users.count(active=True),
        orders_by_state=await db.orders.count_by_state(),
        placed_by_state=by_state(await db.orders.count_placed_by_status()),
        unknown=tuple(await db.orders.list_unknown()),
        panel_errors_last_hour=health.errors_last_hour(),
        panel_last_success=health.last_success,
        panel_last_error=health.last_error,
        panel_last_error_message=health.last_error_message,
        shared_key_refused_at=health.shared_key_refused_at,
    )


async def alert_admins(
    services: Services, bot: Bot, kind: tuple[str, ...], text: Callable[[Translator], Html]
) -> None:
    """Tell every admin, in their language, at most once per kind of trouble in ALERT_EVERY.

    A silent failure is what costs operators money; a flood of identical alerts (one per user
    meeting it) would teach them to ignore it, hence the throttle. Never raises.
    """
    last_alerts = services.admin_alerts_sent
    now = time.monotonic()
    if kind in last_alerts and now - last_alerts[kind] < ALERT_EVERY:
        return
    last_alerts[kind] = now
    try:
        for admin_id in sorted(services.settings.admin_ids):
            admin = await services.db.users.get(admin_id)
            tr = services.i18n.translator(admin.language if admin else None)
            await push(bot, services.db, admin_id, text(tr))
    except Exception:  # reporting must never raise: the failure may be the database itself
        log.warning("could not alert the admins", exc_info=True)


async def report_shared_key_refused(services: Services, bot: Bot, message: str) -> None:
    """Count the refusal of SMM_API_KEY on /stats and tell the admins (throttled): everyone
    ordering on it is stuck until the operator fixes the setting."""
    services.panel.health.record_shared_key_refused(message)
    shown = panel_message(message)
    await alert_admins(services, bot, ("shared key refused",), lambda tr: tr("admin-shared-key-refused", message=shown))


def by_state(by_status: Mapping[str | None, int]) -> dict[OrderState | None, int]:
    """Add up the counts of panel statuses that mean the same ("Canceled", "Refunded")."""
    counts: dict[OrderState | None, int] = {}
    for status, count in by_status.items():
        state = None if status is None else OrderState.parse(status)
        counts[state] = counts.get(state, 0) + count
    return counts


@dataclass(frozen=True)
class Resolved:
    """The order is settled; `order` is as stored now."""

    order: Order


@dataclass(frozen=True)
class NoSuchOrder:
    pass


@dataclass(frozen=True)
class NotUnknown:
    """The order is not waiting to be resolved (already placed, failed, or still sending)."""

    order: Order


@dataclass(frozen=True)
class PanelIdTaken:
    """Another order of the same account already has this panel id."""

    existing_order_id: int


@dataclass(frozen=True)
class PanelDoesNotKnow:
    """The account's panel says it has no order with this id."""

    message: str


@dataclass(frozen=True)
class CannotVerify:
    """The panel gave no usable answer; nothing was changed."""


ResolveResult = Resolved | NoSuchOrder | NotUnknown | PanelIdTaken | PanelDoesNotKnow | CannotVerify


async def resolve(
    db: Database, panel: PanelClient, settings: Settings, order_id: int, panel_order_id: int | None
) -> ResolveResult:
    """Settle an unknown order as placed under `panel_order_id`, or as failed when it is None.

    A panel id is checked with the order's account first (when its key is still at hand), so
    a typo cannot attach someone else's order, and the order starts with its real status.
    """
    order = await db.orders.get(order_id)
    if order is None:
        return NoSuchOrder()
    if order.submit_state is not SubmitState.UNKNOWN:
        return NotUnknown(order)
    if panel_order_id is None:
        return Resolved(await db.orders.resolve_unknown(order.id, None))
    existing = await db.orders.get_by_panel_id(order.account_id, panel_order_id)
    if existing is not None:
        return PanelIdTaken(existing.id)
    status = None
    account = await db.accounts.get(order.account_id)
    try:
        key = None if account is None else key_for_account(db, settings, account)
    except KeyUnavailableError:
        key = None
    if key is not None:
        try:
            status = await panel.status(key, panel_order_id)
        except PanelRejected as error:
            return PanelDoesNotKnow(error.message)
        except PanelUnavailable:
            return CannotVerify()
    try:
        order = await db.orders.resolve_unknown(order.id, panel_order_id)
    except DuplicatePanelOrder as error:
        return PanelIdTaken(error.existing_order_id)
    if status is not None:
        order = await tracking.apply_status(db, order, status)
    return Resolved(order)
