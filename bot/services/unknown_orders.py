"""Orders whose outcome is unknown: asking the admins to check them, and finding those a crash
left behind.

The ordering flow writes an order `submitting` before `add` goes out and settles it when the
panel answers. A process killed in between (SIGKILL, power loss) leaves the row
`submitting`; at the next start-up `recover_interrupted` turns every such row `unknown`,
tells its owner plainly and asks every admin to check it, as for any ambiguous `add`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot

from bot.services.delivery import push
from bot.storage import Order
from bot.views.notifications import interrupted_order_message
from bot.views.order import admin_unknown_text
from bot.views.orders import open_order_keyboard

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

# Stored as the order's submit error and shown to the admins in place of a panel message.
INTERRUPTED = "interrupted: the bot stopped before the panel answered"


async def tell_admins(services: Services, bot: Bot, order: Order, user_label: str, message: str) -> None:
    """Ask every admin, in their language, to check an order whose outcome is unknown."""
    for admin_id in sorted(services.settings.admin_ids):
        admin = await services.db.users.get(admin_id)
        tr = services.i18n.translator(admin.language if admin is not None else None)
        await push(bot, services.db, admin_id, admin_unknown_text(tr, order, user_label, message))


async def recover_interrupted(services: Services, bot: Bot) -> list[Order]:
    """Mark the orders a crash left `submitting` as `unknown`; tell their owners and the admins.

    Call once at start-up, before updates are handled (no `add` of this process is in flight).
    """
    orders = await services.db.orders.mark_interrupted(INTERRUPTED)
    for order in orders:
        log.warning("Order %s was cut off while being sent (the bot stopped); marked unknown", order.id)
        owner = await services.db.users.get(order.user_id)
        tr = services.i18n.translator(owner.language if owner is not None else None)
        text = interrupted_order_message(tr, order)
        await push(bot, services.db, order.user_id, text, open_order_keyboard(tr, order))
        await tell_admins(services, bot, order, str(order.user_id), INTERRUPTED)
    return orders
