"""Texts and buttons of the messages the bot sends on its own: status changes, refills, low balance."""

from __future__ import annotations

from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.panel import OrderState, RefillState
from bot.services.tracking import refunded_amount
from bot.storage import Order, Refill
from bot.views import callbacks

# A pasted link can be as long as a whole message; the order card shows it in full.
MAX_LINK_CHARS = 300

_ORDER_STATE_MESSAGES = {
    OrderState.PENDING: "status-pending",
    OrderState.IN_PROGRESS: "status-in-progress",
    OrderState.PROCESSING: "status-processing",
    OrderState.COMPLETED: "status-completed",
    OrderState.PARTIAL: "status-partial",
    OrderState.CANCELED: "status-canceled",
}
_REFILL_STATE_MESSAGES = {
    RefillState.PENDING: "refill-status-pending",
    RefillState.IN_PROGRESS: "refill-status-in-progress",
    RefillState.COMPLETED: "refill-status-completed",
    RefillState.REJECTED: "refill-status-rejected",
    RefillState.CANCELED: "refill-status-cancelled",
    RefillState.ERROR: "refill-status-error",
}


def order_status_label(tr: Translator, status: str) -> Html:
    """The panel's order status in the user's language; an unknown one as the panel wrote it."""
    message_id = _ORDER_STATE_MESSAGES.get(OrderState.parse(status))
    return tr(message_id) if message_id else tr("status-unknown", status=status)


def refill_status_label(tr: Translator, status: str) -> Html:
    """The panel's refill status in the user's language; an unknown one as the panel wrote it."""
    message_id = _REFILL_STATE_MESSAGES.get(RefillState.parse(status))
    return tr(message_id) if message_id else tr("refill-status-unknown", status=status)


def order_status_message(tr: Translator, order: Order) -> Html:
    """Tell the user their order's status changed: what, where, how far, at what cost."""
    assert order.status is not None
    lines = [
        tr(
            "notify-order-status",
            number=order.panel_order_id,
            status=order_status_label(tr, order.status),
        ),
        *_order_lines(tr, order),
    ]
    if order.remains is not None:
        lines.append(tr("notify-order-remains", remains=tr.number(order.remains)))
    if order.charge is not None:
        lines.append(tr("notify-order-charge", charge=_money(tr, order.charge, order.currency)))
    refund = refunded_amount(order)
    if refund is not None:
        lines.append(tr("notify-order-refunded", amount=_money(tr, refund, order.currency)))
    return Html("\n".join(lines))


def refill_status_message(tr: Translator, refill: Refill, order: Order) -> Html:
    """Tell the user how a refill of their order ended."""
    assert refill.status is not None
    heading = tr(
        "notify-refill-status",
        number=order.panel_order_id,
        status=refill_status_label(tr, refill.status),
    )
    return Html("\n".join([heading, *_order_lines(tr, order)]))


def low_balance_message(
    tr: Translator, balance: Decimal, currency: str | None, threshold: Decimal, *, shared: bool
) -> Html:
    """Warn an account's owner (or, for the shared key, an admin) that its funds run low."""
    return tr(
        "notify-low-balance-shared" if shared else "notify-low-balance",
        balance=_money(tr, balance, currency),
        threshold=_money(tr, threshold, currency),
    )


def open_order_keyboard(tr: Translator, order: Order) -> InlineKeyboardMarkup:
    """One button leading to the order card."""
    button = InlineKeyboardButton(
        tr.plain("button-open-order"), callback_data=callbacks.pack(callbacks.ORDER, order.id, "open")
    )
    return InlineKeyboardMarkup([[button]])


def _order_lines(tr: Translator, order: Order) -> list[Html]:
    lines = [tr("notify-order-service", service=order.service.name)]
    if order.link:
        lines.append(tr("notify-order-link", link=_shortened(order.link)))
    return lines


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_LINK_CHARS else text[: MAX_LINK_CHARS - 1] + "…"


def _money(tr: Translator, amount: Decimal, currency: str | None) -> str:
    return tr.money(amount, currency) if currency else tr.number(amount)
