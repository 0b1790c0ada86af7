"""The order status job: poll due orders per account in batches, then tell users what changed.

Polling only stores statuses; telling is a separate step that sends every order whose
status differs from the last one the user was told about, and then records it. So a
restart between a change and its message delivers the message once, after the restart.
The job also makes the reports of unknown orders that could not be made before
(`bot.services.unknown_orders`): they need no panel, so they go out even while it backs off.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from telegram import Bot

from bot.jobs.poller import PollerState, account_key, record_status_poll, state_of
from bot.panel import ItemError, OrderState, PanelRejected
from bot.services import tracking
from bot.services.delivery import Delivery, deliver_by_user, send
from bot.services.unknown_orders import report_unknown_orders
from bot.storage import Order, StatusUpdate, UserSettings
from bot.views.notifications import order_status_message
from bot.views.orders import open_order_keyboard

if TYPE_CHECKING:
    from bot.context import BotContext, Services

log = logging.getLogger(__name__)

# Due orders read, asked about (10 `status` requests of 100) and stored at a time.
PAGE_SIZE = 1000


async def run(context: BotContext) -> None:
    """Polls the orders that are due (unless backing off), then delivers pending notifications
    and the reports of unknown orders that Telegram could not take before."""
    state = state_of(context)
    services = context.services
    async with state.running():
        if not state.skip_this_run():
            await poll_orders(services, state)
        await deliver_order_notifications(context.bot, services)
        await report_unknown_orders(services, context.bot)


async def poll_orders(services: Services, state: PollerState) -> None:
    """Ask the panel about every due order, one `status` request per 100 orders of an account.

    Every order due when the run starts is asked about in this run, a page at a time, so
    memory stays bounded however many are due; each page's statuses are stored at once.
    """
    if await state.ask_panel(services.db, _ask_due_orders(services, datetime.now(UTC))):
        await record_status_poll(services.db)


async def _ask_due_orders(services: Services, now: datetime) -> bool:
    """Poll every order due at `now`, page by page; return whether the panel was asked."""
    asked = False
    last: Order | None = None
    while page := await services.db.orders.due_for_polling(now, PAGE_SIZE, after=last):
        for account_id, orders in page.items():
            asked = await _poll_account(services, account_id, orders, now) or asked
            last = orders[-1]
    return asked


async def _poll_account(services: Services, account_id: int, orders: list[Order], now: datetime) -> bool:
    """Poll one account's orders; return whether the panel was asked."""
    db = services.db
    key = account_key(services, await db.accounts.get(account_id))
    if key is None:
        await tracking.postpone(db, orders, now=now)
        return False
    by_panel_id = {order.panel_order_id: order for order in orders if order.panel_order_id is not None}
    try:
        results = await services.panel.statuses(key, by_panel_id)
    except PanelRejected as error:
        log.warning("The panel refused status requests of account %s: %s", account_id, error)
        await tracking.postpone(db, orders, now=now)
        return True
    unanswered: list[Order] = []
    updates: list[StatusUpdate] = []
    for panel_order_id, result in results.items():
        order = by_panel_id[panel_order_id]
        if isinstance(result, ItemError):
            log.info("No status for order %s (panel %s): %s", order.id, panel_order_id, result.message)
            unanswered.append(order)
        else:
            updates.append(tracking.status_update(order, result, now))
    await db.orders.apply_statuses(updates, polled_at=now)
    await tracking.postpone(db, unanswered, now=now)
    return True


async def deliver_order_notifications(bot: Bot, services: Services) -> None:
    """Tell users about their orders' status changes, oldest first, and record them as told."""
    pending = await services.db.orders.pending_notifications()
    await deliver_by_user(pending, lambda order: order.user_id, partial(_notify, bot, services))


async def _notify(bot: Bot, services: Services, pending: Order) -> Delivery | None:
    """Send one change unless the user does not want it; record it as told either way.

    The order is read again first: its user's earlier messages were paced a second apart
    since the list was read, and a card refresh or /status may have shown (and recorded)
    a newer status meanwhile. The record, too, only holds if the status is still the one told.
    """
    db = services.db
    order = await db.orders.get(pending.id)
    if order is None or order.status is None or order.status == order.notified_status:
        return None
    user = await db.users.get(order.user_id)
    outcome = None
    if user is not None and _wants_to_hear(user.settings, order):
        tr = services.i18n.translator(user.language)
        outcome = await send(
            bot, db, order.user_id, order_status_message(tr, order), open_order_keyboard(tr, order)
        )
    if outcome is not Delivery.RETRY_LATER:
        await db.orders.mark_notified(order.id, order.status)
    return outcome


def _wants_to_hear(settings: UserSettings, order: Order) -> bool:
    """Whether the change is worth a message: not muted, and not just the first "Pending"
    of an order the user placed moments ago (they were told it was placed)."""
    if not settings.hears_status_changes:
        return False
    return not (order.notified_status is None and tracking.order_state(order) is OrderState.PENDING)
