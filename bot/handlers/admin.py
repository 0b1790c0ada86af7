"""Admins only: /stats, and settling orders whose outcome is unknown.

`/resolve <order> placed <panel id>` or `/resolve <order> failed`, or the buttons under
/stats (placed asks for the panel id; failed asks to confirm). To everyone else these
commands do not exist. The order's owner is told how it turned out.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.common import stale_button, unknown_command
from bot.handlers.dialogs import DialogRouter
from bot.handlers.replies import Tap, show
from bot.jobs.poller import last_status_poll, polling_paused_since
from bot.services import admin
from bot.services.delivery import push
from bot.storage import Draft, Order, parse_id
from bot.views import callbacks
from bot.views.admin import (
    CONFIRM,
    FAILED,
    PLACED,
    ask_panel_id,
    confirm_failed,
    resolve_result,
    resolve_usage,
    stats_screen,
    user_told_resolved,
)
from bot.views.common import Screen

log = logging.getLogger(__name__)

DIALOG = "admin"
WAITING_FOR_PANEL_ID = f"{DIALOG}.panel_id"


def _is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and context.services.settings.is_admin(user.id)


async def stats_command(update: Update, context: BotContext) -> None:
    """Shows users, orders by state and by panel status, unknown orders, polling and panel health."""
    if not _is_admin(update, context):
        await unknown_command(update, context)
        return
    services = context.services
    stats = await admin.collect_stats(services.db, services.panel)
    paused_since = await polling_paused_since(services.db)
    last_poll = await last_status_poll(services.db)
    screen = stats_screen(context.tr, stats, paused_since=paused_since, last_poll=last_poll)
    await show(update, context, screen, edit=False)


async def resolve_command(update: Update, context: BotContext) -> None:
    """Settles an unknown order: `/resolve 12 placed 23501` or `/resolve 12 failed`."""
    if not _is_admin(update, context):
        await unknown_command(update, context)
        return
    args = [arg.casefold() for arg in context.args or ()]
    numbers = [parse_id(arg) for arg in args]
    if len(args) == 3 and args[1] == PLACED and numbers[0] is not None and numbers[2] is not None:
        await _resolve(update, context, numbers[0], numbers[2])
    elif len(args) == 2 and args[1] == FAILED and numbers[0] is not None:
        await _resolve(update, context, numbers[0], None)
    else:
        await show(update, context, Screen(resolve_usage(context.tr)), edit=False)


async def on_admin_button(update: Update, context: BotContext) -> None:
    """Placed: asks for the panel id. Failed: asks to confirm, then settles."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    data = callbacks.unpack(query.data)
    order_id = data.int_part(1) if data else None
    if not _is_admin(update, context) or data is None or order_id is None:
        await stale_button(update, context)
        return
    tap = Tap(query)
    action, confirmed = data.part(0), data.part(2) == CONFIRM
    if action == PLACED:
        await tap.ack()
        draft_data = {"order_id": order_id}
        await context.services.db.drafts.start(update.effective_user.id, WAITING_FOR_PANEL_ID, draft_data)
        await show(update, context, Screen(ask_panel_id(context.tr, order_id)), edit=False)
    elif action == FAILED and not confirmed:
        await tap.ack()
        await show(update, context, confirm_failed(context.tr, order_id), edit=False)
    elif action == FAILED:
        await tap.ack()
        await _resolve(update, context, order_id, None)
    else:
        await tap.notice(context, "error-stale-button")


async def on_panel_id_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Takes the panel id typed for the order the admin pressed "placed" on."""
    message = update.effective_message
    assert message is not None and message.text is not None and update.effective_user is not None
    order_id = draft.data.get("order_id")
    if not _is_admin(update, context) or not isinstance(order_id, int):
        await context.services.db.drafts.clear(update.effective_user.id)
        await unknown_command(update, context)
        return
    panel_order_id = parse_id(message.text.strip().lstrip("#"))
    if panel_order_id is None:
        await show(update, context, Screen(ask_panel_id(context.tr, order_id)), edit=False)
        return
    await context.services.db.drafts.clear(update.effective_user.id)
    await _resolve(update, context, order_id, panel_order_id)


async def _resolve(update: Update, context: BotContext, order_id: int, panel_order_id: int | None) -> None:
    services = context.services
    result = await admin.resolve(services.db, services.panel, services.settings, order_id, panel_order_id)
    await show(update, context, Screen(resolve_result(context.tr, order_id, panel_order_id, result)), edit=False)
    if isinstance(result, admin.Resolved):
        admin_id = update.effective_user.id if update.effective_user else None
        log.info("admin %s resolved order %s as %s", admin_id, order_id, result.order.submit_state.value)
        await _tell_owner(context, result.order)


async def _tell_owner(context: BotContext, order: Order) -> None:
    services = context.services
    owner = await services.db.users.get(order.user_id)
    tr = services.i18n.translator(owner.language if owner is not None else None)
    screen = user_told_resolved(tr, order)
    await push(context.bot, services.db, order.user_id, screen.text, screen.keyboard)


def register(application: Application, router: DialogRouter) -> None:
    """Attach /stats, /resolve, the resolve buttons and the panel-id dialog."""
    application.add_handler(CommandHandler("stats", stats_command))
    application.add_handler(CommandHandler("resolve", resolve_command))
    application.add_handler(CallbackQueryHandler(on_admin_button, pattern=callbacks.pattern(callbacks.ADMIN)))
    router.add(DIALOG, on_panel_id_text)
