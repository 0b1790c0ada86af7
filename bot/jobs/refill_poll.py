"""The refill job: poll open refills per account in batches, then tell users how they ended.

Like order statuses, polling only stores; a refill whose status differs from the one last
told is delivered (final ones) or quietly recorded (intermediate ones) afterwards.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from telegram import Bot

from bot.jobs.poller import PollerState, account_key, state_of
from bot.panel import ItemError, PanelRejected, RefillState
from bot.services.delivery import Delivery, deliver_by_user, send
from bot.storage import Refill
from bot.views.notifications import refill_status_message
from bot.views.orders import open_order_keyboard

if TYPE_CHECKING:
    from bot.context import BotContext, Services

log = logging.getLogger(__name__)


async def run(context: BotContext) -> None:
    """Polls refills that are not final (unless backing off), then delivers their outcomes."""
    state = state_of(context)
    services = context.services
    async with state.running():
        if not state.skip_this_run():
            await poll_refills(services, state)
        await deliver_refill_notifications(context.bot, services)


async def poll_refills(services: Services, state: PollerState) -> None:
    """Ask the panel about every open refill, one `refill_status` request per 100 of an account."""
    await state.ask_panel(services.db, _ask_open_refills(services))


async def _ask_open_refills(services: Services) -> bool:
    """Poll every account's open refills; return whether the panel was asked."""
    asked = False
    for account_id, refills in (await services.db.refills.not_final()).items():
        asked = await _poll_account(services, account_id, refills) or asked
    return asked


async def _poll_account(services: Services, account_id: int, refills: list[Refill]) -> bool:
    """Poll one account's refills; return whether the panel was asked."""
    db = services.db
    key = account_key(services, await db.accounts.get(account_id))
    if key is None:
        return False
    by_panel_id = {refill.panel_refill_id: refill for refill in refills}
    try:
        results = await services.panel.refill_statuses(key, by_panel_id)
    except PanelRejected as error:
        log.warning("The panel refused refill status requests of account %s: %s", account_id, error)
        return True
    now = datetime.now(UTC)
    for panel_refill_id, result in results.items():
        refill = by_panel_id[panel_refill_id]
        if isinstance(result, ItemError):
            log.info("No status for refill %s (panel %s): %s", refill.id, panel_refill_id, result.message)
            continue
        await db.refills.apply_status(
            refill.id, status=result.status, state_is_final=result.state.is_final, polled_at=now
        )
    return True


async def deliver_refill_notifications(bot: Bot, services: Services) -> None:
    """Tell users how their refills ended; intermediate statuses are recorded without a message."""
    pending = await services.db.refills.pending_notifications()
    await deliver_by_user(pending, lambda refill: refill.user_id, partial(_notify, bot, services))


async def _notify(bot: Bot, services: Services, pending: Refill) -> Delivery | None:
    """Send a final outcome unless the user turned refill notifications off; record it as told.

    Read again first, as the status job does with orders: the order card may have shown
    (and recorded) a newer status since the list was read.
    """
    db = services.db
    refill = await db.refills.get(pending.id)
    if refill is None or refill.status is None or refill.status == refill.notified_status:
        return None
    outcome = None
    if RefillState.parse(refill.status).is_final:
        user = await db.users.get(refill.user_id)
        order = await db.orders.get(refill.order_id)
        wanted = user is not None and not user.settings.mute_all and user.settings.notify_refills
        if user is not None and order is not None and wanted:
            tr = services.i18n.translator(user.language)
            text = refill_status_message(tr, refill, order)
            outcome = await send(bot, db, refill.user_id, text, open_order_keyboard(tr, order))
    if outcome is not Delivery.RETRY_LATER:
        await db.refills.mark_notified(refill.id, refill.status)
    return outcome
