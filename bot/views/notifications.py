"""Texts of the messages the bot sends on its own: status changes, refills, low balance.

Their button (open the order) is `bot.views.orders.open_order_keyboard`.
"""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Html, Translator
from bot.services.tracking import refunded_amount
from bot.storage import Order, Refill
from bot.views.common import money, shorten
from bot.views.orders import SERVICE_LENGTH, order_status_label, refill_status_label

# A pasted link can be as long as a whole message; the order card shows it in full.
MAX_LINK_CHARS = 300


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
        lines.append(tr("notify-order-charge", charge=money(tr, order.charge, order.currency)))
    refund = refunded_amount(order)
    if refund is not None:
        lines.append(tr("notify-order-refunded", amount=money(tr, refund, order.currency)))
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


def interrupted_order_message(tr: Translator, order: Order) -> Html:
    """Tell the user a restart cut their order off mid-send: it may or may not be placed."""
    return Html("\n".join([tr("notify-order-interrupted", number=order.id), *_order_lines(tr, order)]))


def low_balance_message(
    tr: Translator, balance: Decimal, currency: str | None, threshold: Decimal, *, shared: bool
) -> Html:
    """Warn an account's owner (or, for the shared key, an admin) that its funds run low."""
    return tr(
        "notify-low-balance-shared" if shared else "notify-low-balance",
        balance=money(tr, balance, currency),
        threshold=money(tr, threshold, currency),
    )


def _order_lines(tr: Translator, order: Order) -> list[Html]:
    lines = [tr("notify-order-service", service=shorten(order.service.name, SERVICE_LENGTH))]
    if order.link:
        lines.append(tr("notify-order-link", link=shorten(order.link, MAX_LINK_CHARS)))
    return lines
