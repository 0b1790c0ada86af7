"""Orders whose outcome is unknown: asking the admins to check them, and finding those a crash
left behind.

The ordering flow writes an order `submitting` before `add` goes out and settles it when the
panel answers. A process killed in between (SIGKILL, power loss) leaves the row
`submitting`; at the next start-up `recover_interrupted` turns every such row `unknown`,
tells its owner plainly and asks every admin to check it, as for any ambiguous `add`.

An unknown order counts as reported (`unknown_reported_at`) only once every message about it
got through or never could (a blocked chat). Telegram may refuse them at that moment (a 502,
a network blip), so start-up and every run of the status job make the reports still owed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot

from bot.services.delivery import Delivery, send
from bot.services.ordering import INTERRUPTED
from bot.storage import Order, SubmitState
from bot.views.notifications import interrupted_order_message
from bot.views.order import admin_unknown_text
from bot.views.orders import open_order_keyboard

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)


async def tell_admins(services: Services, bot: Bot, order: Order, user_label: str, message: str) -> None:
    """Ask every admin, in their language, to check an order whose outcome is unknown, unless
    it was reported already; record it as reported once they all have it.

    An order the bot's stopping cut off is told to its owner too: nobody answered them. If
    Telegram could not take a message, the status job makes the whole report again later.
    """
    db = services.db
    async with services.unknown_reports:  # the ordering flow and the job may meet one order
        stored = await db.orders.get(order.id)
        if stored is None or stored.submit_state is not SubmitState.UNKNOWN or stored.unknown_reported_at is not None:
            return  # reported meanwhile, or settled by an admin already
        outcomes = []
        if stored.submit_error == INTERRUPTED:
            outcomes.append(await _tell_owner(services, bot, stored))
        for admin_id in sorted(services.settings.admin_ids):
            admin = await db.users.get(admin_id)
            tr = services.i18n.translator(admin.language if admin is not None else None)
            outcomes.append(await send(bot, db, admin_id, admin_unknown_text(tr, stored, user_label, message)))
        if Delivery.RETRY_LATER not in outcomes:
            await db.orders.mark_unknown_reported(stored.id)


async def report_unknown_orders(services: Services, bot: Bot) -> None:
    """Make the reports of unknown orders that did not get through before, naming each
    user by id (their Telegram name is known only while they order)."""
    for order in await services.db.orders.unreported_unknown():
        await tell_admins(services, bot, order, str(order.user_id), order.submit_error or "")


async def recover_interrupted(services: Services, bot: Bot) -> list[Order]:
    """Mark the orders a crash left `submitting` as `unknown`; tell their owners and the admins,
    with any report an earlier run still owes.

    Call once at start-up, before updates are handled (no `add` of this process is in flight).
    """
    orders = await services.db.orders.mark_interrupted(INTERRUPTED)
    for order in orders:
        log.warning("Order %s was cut off while being sent (the bot stopped); marked unknown", order.id)
    await report_unknown_orders(services, bot)
    return orders


async def _tell_owner(services: Services, bot: Bot, order: Order) -> Delivery:
    owner = await services.db.users.get(order.user_id)
    tr = services.i18n.translator(owner.language if owner is not None else None)
    text = interrupted_order_message(tr, order)
    return await send(bot, services.db, order.user_id, text, open_order_keyboard(tr, order))
