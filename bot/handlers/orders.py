"""/orders, the order card (`ord:` buttons), /status, /refill and /cancel_orders.

Thin: what may be done to which order lives in `bot.services.orders` (an `OrderDesk` acts
for the pressing user only), texts in `bot.views.orders`. Every `ord:` button is checked
against the pressing user first: someone else's order id, however it got into the button,
is "not found".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.account import tell_key_refused
from bot.handlers.dialogs import DialogRouter
from bot.handlers.order import show_confirmation_for_repeat
from bot.handlers.replies import Tap, already_shows, show
from bot.i18n import Html, Translator
from bot.panel import PanelAuthError, PanelRejected, PanelUnavailable
from bot.services.accounts import AccountAccess, access_for_user
from bot.services.orders import (
    ItemAnswer,
    OrderCard,
    OrderDesk,
    OrderFilter,
    OrderUnreachable,
    parse_ids,
)
from bot.storage import Order
from bot.views import callbacks
from bot.views.account import no_account
from bot.views.common import Screen, panel_error
from bot.views.orders import (
    AGAIN,
    CANCEL,
    CONFIRM_CANCEL,
    OPEN,
    REFILL,
    REFILLS,
    REFRESH,
    cancel_question_screen,
    cancel_requested,
    invalid_ids,
    order_card_screen,
    orders_page_screen,
    refill_requested,
    refills_screen,
    split_messages,
    status_answer,
    too_many_ids,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Telegram forgets a pressed button after some seconds: a refresh the panel answers slower
# than this stops the spinner first, and the card is then its only answer.
REFRESH_ANSWER_WAIT = 3.0


def desk_for(update: Update, context: BotContext) -> OrderDesk:
    """The order actions of the user behind this update."""
    assert update.effective_user is not None
    services = context.services
    return OrderDesk(
        db=services.db,
        panel=services.panel,
        settings=services.settings,
        catalogs=services.catalogs,
        user_id=update.effective_user.id,
    )


# --- history --------------------------------------------------------------------------------


async def orders_command(update: Update, context: BotContext) -> None:
    """Shows the first page of the user's orders (also the main menu's "My orders")."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    page = await desk_for(update, context).page(OrderFilter.ALL, 0)
    await show(update, context, orders_page_screen(context.tr, page), edit=False)


async def orders_page(update: Update, context: BotContext) -> None:
    """Shows another page or filter of the history in the same message."""
    query = update.callback_query
    assert query is not None
    data = callbacks.unpack(query.data)
    page_number = data.int_part(1) if data else None
    order_filter = OrderFilter.parse(data.part(0)) if data else None
    if order_filter is None or page_number is None:
        await query.answer(context.tr.plain("error-stale-button"), show_alert=True)
        return
    await query.answer()
    page = await desk_for(update, context).page(order_filter, page_number)
    await show(update, context, orders_page_screen(context.tr, page), edit=True)


# --- the order card -------------------------------------------------------------------------


async def on_order_button(update: Update, context: BotContext) -> None:
    """Routes `ord:<id>:<action>` after checking the order is the presser's own."""
    query = update.callback_query
    assert query is not None
    data = callbacks.unpack(query.data)
    order_id = data.int_part(0) if data else None
    action = _ACTIONS.get(data.part(1) or "") if data else None
    desk = desk_for(update, context)
    order = await desk.order(order_id) if order_id is not None else None
    tap = Tap(query)
    if action is None or order is None:
        await tap.notice(context, "order-not-found")
        return
    await action(update, context, desk, order, tap)


OrderAction = Callable[[Update, BotContext, OrderDesk, Order, Tap], Awaitable[None]]
PlainOrderAction = Callable[[Update, BotContext, OrderDesk, Order], Awaitable[None]]


def _after_ack(action: PlainOrderAction) -> OrderAction:
    """Run `action` once the button is answered: it asks the panel, the spinner must stop first."""

    async def acked(update: Update, context: BotContext, desk: OrderDesk, order: Order, tap: Tap) -> None:
        await tap.ack()
        await action(update, context, desk, order)

    return acked


async def _open(update: Update, context: BotContext, desk: OrderDesk, order: Order) -> None:
    """Send the card as a new message, with the status fresh from the panel."""
    card = await desk.card(order, refresh=True)
    await show(update, context, order_card_screen(context.tr, card), edit=False)


async def _refresh(update: Update, context: BotContext, desk: OrderDesk, order: Order, tap: Tap) -> None:
    """Redraw the card in place with the status fresh from the panel; say so when it is unchanged.

    An unchanged card is not edited (Telegram refuses the no-op edit), so without the toast
    a refresh that ran looks like a dead button.
    """
    refreshing = asyncio.ensure_future(desk.card(order, refresh=True))
    await asyncio.wait({refreshing}, timeout=REFRESH_ANSWER_WAIT)
    if not refreshing.done():
        await tap.ack()
    screen = order_card_screen(context.tr, await refreshing)
    if already_shows(tap.query, screen):
        await tap.toast(context, "order-refresh-unchanged")  # only if the spinner still turns
        return
    await tap.ack()
    await show(update, context, screen, edit=True)


@dataclass(frozen=True)
class _CardRequest(Generic[T]):
    """A request the card sends about its order (refill, cancel): checked, sent, answered."""

    allowed: Callable[[OrderCard], bool]
    unavailable_id: str
    send: Callable[[OrderDesk, Order], Awaitable[ItemAnswer[T]]]
    render: Callable[[Translator, ItemAnswer[T]], Html]

    async def __call__(self, update: Update, context: BotContext, desk: OrderDesk, order: Order) -> None:
        """Send the request if the order allows it, show the panel's answer, redraw the card."""
        if not self.allowed(await desk.card(order, refresh=False)):
            await _reply(update, context, [context.tr(self.unavailable_id)])
            return
        answer = await _panel_call(update, context, self.send(desk, order))
        if answer is not None:
            await _reply(update, context, [self.render(context.tr, answer)])
        current = await desk.order(order.id)
        assert current is not None
        screen = order_card_screen(context.tr, await desk.card(current, refresh=False))
        await show(update, context, screen, edit=True)


async def _ask_cancel(update: Update, context: BotContext, desk: OrderDesk, order: Order) -> None:
    """Ask before cancelling: one stray tap must not stop an order that is running."""
    if not (await desk.card(order, refresh=False)).can_cancel:
        await _reply(update, context, [context.tr("order-cancel-unavailable")])
        return
    await show(update, context, cancel_question_screen(context.tr, order), edit=True)


async def _again(update: Update, context: BotContext, desk: OrderDesk, order: Order) -> None:
    """Start the same order again, through the order walk's confirmation."""
    await show_confirmation_for_repeat(update, context, order)


async def _refills(update: Update, context: BotContext, desk: OrderDesk, order: Order) -> None:
    """Show the order's refills with fresh statuses in place of the card."""
    lines = await desk.refills(order)
    await show(update, context, refills_screen(context.tr, order, lines), edit=True)


_ACTIONS: dict[str, OrderAction] = {
    OPEN: _after_ack(_open),
    REFRESH: _refresh,
    REFILL: _after_ack(
        _CardRequest(
            allowed=lambda card: card.can_refill,
            unavailable_id="order-refill-unavailable",
            send=OrderDesk.refill,
            render=refill_requested,
        )
    ),
    CANCEL: _after_ack(_ask_cancel),
    CONFIRM_CANCEL: _after_ack(
        _CardRequest(
            allowed=lambda card: card.can_cancel,
            unavailable_id="order-cancel-unavailable",
            send=OrderDesk.cancel,
            render=cancel_requested,
        )
    ),
    AGAIN: _after_ack(_again),
    REFILLS: _after_ack(_refills),
}


# --- many orders by panel id ----------------------------------------------------------------


async def status_command(update: Update, context: BotContext) -> None:
    """Lists the statuses of the orders named in `/status 123,456`."""
    texts = ("status-check-usage", "status-check-heading")
    await _by_ids(update, context, texts, OrderDesk.statuses, status_answer)


async def refill_command(update: Update, context: BotContext) -> None:
    """Requests refills of the orders named in `/refill 123,456`."""
    texts = ("refill-request-usage", "refill-request-heading")
    await _by_ids(update, context, texts, OrderDesk.refill_many, refill_requested)


async def cancel_orders_command(update: Update, context: BotContext) -> None:
    """Requests cancels of the orders named in `/cancel_orders 123,456`."""
    texts = ("cancel-request-usage", "cancel-request-heading")
    await _by_ids(update, context, texts, OrderDesk.cancel_many, cancel_requested)


async def _by_ids(
    update: Update,
    context: BotContext,
    texts: tuple[str, str],
    ask: Callable[[OrderDesk, AccountAccess, Sequence[int]], Awaitable[list[ItemAnswer[T]]]],
    render: Callable[[Translator, ItemAnswer[T]], Html],
) -> None:
    """Read the ids, ask the panel about the user's ones, and answer order by order.

    `texts` are the message ids of the command's usage hint and of its answer's heading.
    """
    usage_id, heading_id = texts
    tr = context.tr
    typed = parse_ids(" ".join(context.args or ()))
    if not typed.ids and not typed.invalid:
        await _reply(update, context, [tr(usage_id)])
        return
    if typed.too_many:
        await _reply(update, context, [too_many_ids(tr, len(typed.ids))])
        return
    services = context.services
    desk = desk_for(update, context)
    access = await access_for_user(services.db, services.settings, desk.user_id)
    if access is None:
        await show(update, context, no_account(tr, services.settings.panel_name), edit=False)
        return
    lines = invalid_ids(tr, typed.invalid)
    if typed.ids:
        answers = await _panel_call(update, context, ask(desk, access, typed.ids))
        if answers is None:
            return
        lines += [render(tr, answer) for answer in answers]
    await _reply(update, context, split_messages(tr(heading_id), lines))


# --- helpers --------------------------------------------------------------------------------


async def _panel_call(update: Update, context: BotContext, call: Awaitable[T]) -> T | None:
    """Await a panel call; on a failure of the whole call tell the user and return None."""
    try:
        return await call
    except PanelUnavailable as error:
        log.info("panel unavailable for an order action: %s", error.message)
        await _reply(update, context, [context.tr("error-panel-unavailable")])
    except PanelAuthError as error:
        assert update.effective_user is not None
        access = await access_for_user(context.services.db, context.services.settings, update.effective_user.id)
        if access is None:
            await _reply(update, context, [panel_error(context.tr, error.message)])
        else:
            await tell_key_refused(update, context, access, error.message, edit=False)
    except PanelRejected as error:
        await _reply(update, context, [panel_error(context.tr, error.message)])
    except OrderUnreachable:
        await _reply(update, context, [context.tr("order-card-unreachable")])
    return None


async def _reply(update: Update, context: BotContext, texts: Sequence[Html]) -> None:
    for text in texts:
        await show(update, context, Screen(text), edit=False)


def register(application: Application, router: DialogRouter) -> None:
    """Attach /orders, the history and card buttons, /status, /refill and /cancel_orders."""
    menu_orders = callbacks.exact(callbacks.MENU, "orders")
    application.add_handler(CommandHandler("orders", orders_command))
    application.add_handler(CallbackQueryHandler(orders_command, pattern=menu_orders))
    application.add_handler(CallbackQueryHandler(orders_page, pattern=callbacks.pattern(callbacks.ORDERS_PAGE)))
    application.add_handler(CallbackQueryHandler(on_order_button, pattern=callbacks.pattern(callbacks.ORDER)))
    application.add_handler(CommandHandler("status", status_command))
    application.add_handler(CommandHandler("refill", refill_command))
    application.add_handler(CommandHandler("cancel_orders", cancel_orders_command))
