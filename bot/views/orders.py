"""Texts and keyboards of a user's orders: history pages, the order card, refills, the
per-order answers of /status, /refill and /cancel_orders, and the panel's statuses in words.

Orders are numbered as the panel numbers them (the number /status takes); an order the panel
never confirmed has no such number and shows the bot's own instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.panel import CancelResult, OrderState, OrderStatus, RefillState, ServiceType
from bot.services.orders import (
    MAX_IDS,
    ItemAnswer,
    OrderCard,
    OrderFilter,
    OrdersPage,
    RefillLine,
    RefreshProblem,
)
from bot.storage import Order, SubmitState
from bot.views.callbacks import ORDER, ORDERS_PAGE, pack
from bot.views.common import Screen, money, panel_label, panel_message, shorten

T = TypeVar("T")

# Telegram refuses longer messages; the margin covers what the count below cannot see.
MAX_MESSAGE_UNITS = 4000
SERVICE_LENGTH = 120
LIST_LINK_LENGTH = 80
CARD_LINK_LENGTH = 300
BUTTON_NAME_LENGTH = 32

# ord:<local id>:<action>
OPEN = "open"
REFRESH = "refresh"
REFILL = "refill"
CANCEL = "cancel"
CONFIRM_CANCEL = "cancelyes"
AGAIN = "again"
REFILLS = "refills"

# filter: (its name inside a sentence, its button)
_FILTERS = {
    OrderFilter.ALL: ("orders-filter-all", "button-orders-all"),
    OrderFilter.ACTIVE: ("orders-filter-active", "button-orders-active"),
    OrderFilter.FINISHED: ("orders-filter-done", "button-orders-finished"),
}
_SUBMIT_STATE_LABELS = {
    SubmitState.SUBMITTING: "order-state-submitting",
    SubmitState.UNKNOWN: "order-state-unknown",
    SubmitState.FAILED: "order-state-failed",
}
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


def order_state_label(tr: Translator, state: OrderState) -> Html | None:
    """A normalised order state in the user's language; None for states without a word of
    their own (failed, unrecognised): the panel's own words say more."""
    message_id = _ORDER_STATE_MESSAGES.get(state)
    return tr(message_id) if message_id else None


def order_status_label(tr: Translator, status: str) -> Html:
    """The panel's order status in the user's language; an unknown one as the panel wrote it."""
    label = order_state_label(tr, OrderState.parse(status))
    return label if label is not None else tr("status-unknown", status=panel_label(status))


def refill_status_label(tr: Translator, status: str) -> Html:
    """The panel's refill status in the user's language; an unknown one as the panel wrote it."""
    message_id = _REFILL_STATE_MESSAGES.get(RefillState.parse(status))
    return tr(message_id) if message_id else tr("refill-status-unknown", status=panel_label(status))


def order_button(tr: Translator, message_id: str, order: Order, action: str) -> InlineKeyboardButton:
    """A button acting on one order (`ord:<id>:<action>`)."""
    return InlineKeyboardButton(tr.plain(message_id), callback_data=pack(ORDER, order.id, action))


def open_order_keyboard(tr: Translator, order: Order) -> InlineKeyboardMarkup:
    """One button leading to the order card (under placed orders and notifications)."""
    return InlineKeyboardMarkup([[order_button(tr, "button-open-order", order, OPEN)]])


def order_number(order: Order) -> int:
    """The number users know an order by: the panel's, else (never placed) the bot's."""
    return order.panel_order_id if order.panel_order_id is not None else order.id


def status_text(tr: Translator, order: Order) -> Html:
    """Where the order stands, in words: the panel's status, or why there is none."""
    if order.submit_state is not SubmitState.PLACED:
        return tr(_SUBMIT_STATE_LABELS[order.submit_state])
    if order.status is None:
        return tr("order-state-waiting")
    return order_status_label(tr, order.status)


def _amount(tr: Translator, order: Order) -> str:
    """What the order costs: the panel's charge once known, else the price it was placed at."""
    if order.submit_state is SubmitState.FAILED:
        return "—"
    return money(tr, order.charge if order.charge is not None else order.expected_price, order.currency)


def _quantity(tr: Translator, order: Order) -> str | None:
    """The ordered quantity; a subscription's is its range per post; None for a package."""
    if order.quantity is not None:
        return tr.number(order.quantity)
    if ServiceType.parse(order.service.type) is not ServiceType.SUBSCRIPTIONS:
        return None
    least, most = order.params.get("min"), order.params.get("max")
    if isinstance(least, int) and isinstance(most, int):
        return tr("order-quantity-per-post", min=tr.number(least), max=tr.number(most))
    return None


def quantity_text(tr: Translator, order: Order) -> str:
    """The ordered quantity, or a dash for types that have none (packages)."""
    return _quantity(tr, order) or "—"


def _target(tr: Translator, order: Order, length: int) -> Html | None:
    """What the order is for: its link, or the account a subscription serves (it has no link)."""
    if order.link:
        return tr("orders-item-link", link=shorten(order.link, length))
    account = order.params.get("username")
    if isinstance(account, str):
        return tr("orders-item-account", account=shorten(account, length))
    return None


# --- history --------------------------------------------------------------------------------


def orders_page_screen(tr: Translator, page: OrdersPage) -> Screen:
    """A page of the user's orders with a button per order, filters and page arrows."""
    filter_name = tr(_FILTERS[page.order_filter][0])
    if not page.orders:
        text = tr("orders-empty", filter=filter_name)
    else:
        heading = tr(
            "orders-heading",
            filter=filter_name,
            count=tr.plural("orders-count", page.total),
            page=page.page + 1,
            pages=page.pages,
        )
        text = Html("\n\n".join([heading, *(_list_item(tr, order) for order in page.orders)]))
    rows = [[_open_button(tr, order)] for order in page.orders]
    rows.append(_filter_row(tr, page.order_filter))
    rows.append(_page_row(tr, page))
    return Screen(text, InlineKeyboardMarkup([row for row in rows if row]))


def _list_item(tr: Translator, order: Order) -> Html:
    # An order the panel never numbered goes by the bot's number, worded unlike a panel's
    # "#N": /status takes panel numbers only.
    title = "orders-item-title" if order.panel_order_id is not None else "orders-item-title-unplaced"
    charge, date = _amount(tr, order), tr.datetime(order.created_at)
    quantity = order.quantity
    lines = [
        tr(title, number=order_number(order), status=status_text(tr, order)),
        tr("orders-item-service", service=shorten(order.service.name, SERVICE_LENGTH)),
        tr("orders-item-details", quantity=tr.number(quantity), charge=charge, date=date)
        if quantity is not None
        else tr("orders-item-details-no-quantity", charge=charge, date=date),
    ]
    target = _target(tr, order, LIST_LINK_LENGTH)
    if target is not None:
        lines.append(target)
    return Html("\n".join(lines))


def _open_button(tr: Translator, order: Order) -> InlineKeyboardButton:
    service = shorten(order.service.name, BUTTON_NAME_LENGTH)
    if order.panel_order_id is None:
        label = tr.plain("button-open-unplaced-order", number=order.id, service=service)
    else:
        label = f"#{order.panel_order_id} · {service}"
    return InlineKeyboardButton(label, callback_data=pack(ORDER, order.id, OPEN))


def _filter_row(tr: Translator, current: OrderFilter) -> list[InlineKeyboardButton]:
    row = []
    for order_filter, (_, button_id) in _FILTERS.items():
        label = tr.plain(button_id)
        if order_filter is current:
            label = tr.plain("button-selected", name=label)
        row.append(InlineKeyboardButton(label, callback_data=pack(ORDERS_PAGE, order_filter.value, 0)))
    return row


def _page_row(tr: Translator, page: OrdersPage) -> list[InlineKeyboardButton]:
    if page.pages == 1:
        return []
    row = []
    if page.page > 0:
        row.append(_page_button(tr.plain("button-prev"), page.order_filter, page.page - 1))
    counter = tr.plain("button-page", page=page.page + 1, pages=page.pages)
    row.append(_page_button(counter, page.order_filter, page.page))
    if page.page + 1 < page.pages:
        row.append(_page_button(tr.plain("button-next"), page.order_filter, page.page + 1))
    return row


def _page_button(label: str, order_filter: OrderFilter, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(ORDERS_PAGE, order_filter.value, page))


# --- the order card -------------------------------------------------------------------------


def order_card_screen(tr: Translator, card: OrderCard) -> Screen:
    """The order with its live status and the actions it allows."""
    order = card.order
    placed = order.panel_order_id is not None
    lines = [
        tr("order-card-title" if placed else "order-card-title-unplaced", number=order_number(order)),
        tr("orders-item-service", service=shorten(order.service.name, SERVICE_LENGTH)),
    ]
    target = _target(tr, order, CARD_LINK_LENGTH)
    if target is not None:
        lines.append(target)
    quantity = _quantity(tr, order)
    if quantity is not None:
        lines.append(tr("order-card-quantity", quantity=quantity))
    lines.append(tr("order-card-status", status=status_text(tr, order)))
    if order.start_count is not None:
        lines.append(tr("order-card-start-count", count=tr.number(order.start_count)))
    if order.remains is not None:
        lines.append(tr("order-card-remains", remains=tr.number(order.remains)))
    lines.append(tr("order-card-charge", charge=_amount(tr, order)))
    if order.currency:
        lines.append(tr("order-card-currency", currency=order.currency))
    lines.append(tr("order-card-date" if placed else "order-card-date-unplaced", date=tr.datetime(order.created_at)))
    if card.refills:
        lines.append(tr.plural("order-card-refills", len(card.refills)))
    lines.extend(_card_notes(tr, card))
    return Screen(Html("\n".join(lines)), _card_keyboard(tr, card))


def _card_notes(tr: Translator, card: OrderCard) -> list[Html]:
    """What the user should know beyond the numbers: pending cancel, stale data, problems."""
    order = card.order
    notes = []
    if order.submit_state is SubmitState.UNKNOWN:
        notes.append(tr("order-card-unknown"))
    elif order.submit_state is SubmitState.FAILED and order.submit_error:
        notes.append(tr("order-card-failed", message=panel_message(order.submit_error)))
    if card.cancel_pending:
        notes.append(tr("order-card-cancel-pending"))
    if order.polling_stopped and not order.final:
        notes.append(tr("order-card-polling-stopped"))
    if card.problem is RefreshProblem.UNREACHABLE:
        notes.append(tr("order-card-unreachable"))
    elif card.problem is RefreshProblem.UNAVAILABLE:
        notes.append(tr("order-card-stale"))
    elif card.problem is RefreshProblem.REFUSED:
        notes.append(tr("order-card-refused", message=panel_message(card.panel_message or "")))
    return [Html("")] + notes if notes else []


def _card_keyboard(tr: Translator, card: OrderCard) -> InlineKeyboardMarkup:
    order = card.order
    actions = []
    if card.can_refill:
        actions.append(order_button(tr, "button-refill", order, REFILL))
    if card.can_cancel:
        actions.append(order_button(tr, "button-cancel-order", order, CANCEL))
    more = [order_button(tr, "button-order-again", order, AGAIN)]
    if card.refills:
        more.append(order_button(tr, "button-refill-status", order, REFILLS))
    navigation = [_page_button(tr.plain("button-my-orders"), OrderFilter.ALL, 0)]
    if order.submit_state is SubmitState.PLACED and card.reachable:
        navigation.insert(0, order_button(tr, "button-refresh", order, REFRESH))
    return InlineKeyboardMarkup([row for row in (navigation, actions, more) if row])


def cancel_question_screen(tr: Translator, order: Order) -> Screen:
    """Asked before a cancel goes to the panel: it cannot be taken back."""
    keyboard = InlineKeyboardMarkup([[
        order_button(tr, "button-cancel-yes", order, CONFIRM_CANCEL),
        order_button(tr, "button-keep-order", order, REFRESH),
    ]])
    return Screen(tr("order-cancel-question", number=order_number(order)), keyboard)


def refills_screen(tr: Translator, order: Order, lines: Sequence[RefillLine]) -> Screen:
    """The order's refills, newest first, with their statuses."""
    items = [tr("refills-title", number=order_number(order))]
    for line in lines:
        refill = line.refill
        status = refill_status_label(tr, refill.status) if refill.status else tr("refills-item-waiting")
        items.append(
            tr("refills-item", number=refill.panel_refill_id, status=status, date=tr.datetime(refill.created_at))
        )
        if line.error:
            items.append(tr("ids-item-error", number=refill.panel_refill_id, message=panel_message(line.error)))
    keyboard = InlineKeyboardMarkup([[order_button(tr, "button-back", order, REFRESH)]])
    return Screen(Html("\n".join(items)), keyboard)


# --- answers about orders by id -------------------------------------------------------------


def refill_requested(tr: Translator, answer: ItemAnswer[int]) -> Html:
    """The panel's answer to a refill request for one order."""
    if answer.value is not None:
        return tr("refill-request-done", number=answer.panel_id, refill=answer.value)
    return _not_done(tr, answer)


def cancel_requested(tr: Translator, answer: ItemAnswer[CancelResult]) -> Html:
    """The panel's answer to a cancel request for one order."""
    if answer.value is not None:
        return tr("cancel-request-done", number=answer.panel_id)
    return _not_done(tr, answer)


def status_answer(tr: Translator, answer: ItemAnswer[OrderStatus]) -> Html:
    """One order's status as /status lists it."""
    status = answer.value
    if status is None:
        return _not_done(tr, answer)
    remains = tr.number(status.remains) if status.remains is not None else "—"
    currency = status.currency or (answer.order.currency if answer.order else None)
    charge = money(tr, status.charge, currency) if status.charge is not None else "—"
    return tr(
        "status-check-item",
        number=answer.panel_id,
        status=order_status_label(tr, status.status),
        remains=remains,
        charge=charge,
    )


def _not_done(tr: Translator, answer: ItemAnswer[T]) -> Html:
    if answer.error is not None:
        return tr("ids-item-error", number=answer.panel_id, message=panel_message(answer.error))
    return tr("ids-item-not-found", number=answer.panel_id)


def invalid_ids(tr: Translator, words: Iterable[str]) -> list[Html]:
    """One line per word that is not an order number."""
    return [tr("ids-invalid", word=shorten(word, 40)) for word in words]


def too_many_ids(tr: Translator, count: int) -> Html:
    return tr("ids-too-many", max=MAX_IDS, count=tr.number(count))


def split_messages(heading: Html, lines: Sequence[Html], limit: int = MAX_MESSAGE_UNITS) -> list[Html]:
    """Pack lines under a heading into as few messages as fit Telegram's length limit.

    Lines are never cut, so their markup stays balanced. The HTML's UTF-16 length bounds the
    length Telegram counts (tags and entities only shrink when parsed).
    """
    messages: list[Html] = []
    current = [heading]
    size = _units(heading)
    for line in lines:
        line_size = _units(line) + 1
        if size + line_size > limit and len(current) > 1:
            messages.append(Html("\n".join(current)))
            current, size = [heading], _units(heading)
        current.append(line)
        size += line_size
    messages.append(Html("\n".join(current)))
    return messages


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
