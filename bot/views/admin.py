"""Texts and buttons of /stats and of settling orders whose outcome is unknown."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.panel import OrderState
from bot.services.admin import (
    UNKNOWN_SHOWN,
    CannotVerify,
    NoSuchOrder,
    NotUnknown,
    PanelDoesNotKnow,
    PanelIdTaken,
    Resolved,
    ResolveResult,
    Stats,
)
from bot.storage import Order, SubmitState
from bot.views.callbacks import ADMIN, pack
from bot.views.common import Screen, shorten
from bot.views.orders import (
    open_order_keyboard,
    order_number,
    order_state_label,
    quantity_text,
    status_text,
)

# adm:<action>:<local order id>[:yes]
PLACED = "placed"  # ask for the panel id
FAILED = "failed"  # ask to confirm; with ":yes", mark failed
CONFIRM = "yes"
SERVICE_LENGTH = 60
LINK_LENGTH = 120
MESSAGE_LENGTH = 200


def stats_screen(
    tr: Translator, stats: Stats, *, paused_since: datetime | None, last_poll: datetime | None
) -> Screen:
    """The bot's numbers (users, orders, polling, panel health), then the unknown orders,
    each with its two ways out."""
    counts = stats.orders_by_state
    lines = [
        tr("stats-title"),
        tr("stats-users", count=tr.number(stats.users), active=tr.number(stats.reachable_users)),
        tr(
            "stats-orders",
            placed=tr.number(counts[SubmitState.PLACED]),
            failed=tr.number(counts[SubmitState.FAILED]),
            unknown=tr.number(counts[SubmitState.UNKNOWN]),
            submitting=tr.number(counts[SubmitState.SUBMITTING]),
        ),
        *_placed_by_state(tr, stats.placed_by_state),
        tr("stats-last-poll", time=tr.datetime(last_poll)) if last_poll else tr("stats-last-poll-never"),
        _last_answer(tr, stats.panel_last_success),
    ]
    if paused_since is not None:
        lines.append(tr("stats-poll-paused", time=tr.datetime(paused_since)))
    lines.append(tr("stats-panel-errors", count=tr.number(stats.panel_errors_last_hour)))
    if stats.panel_last_error is not None and stats.panel_last_error_message:
        lines.append(
            tr(
                "stats-panel-last-error",
                time=tr.datetime(stats.panel_last_error),
                message=shorten(stats.panel_last_error_message, MESSAGE_LENGTH),
            )
        )
    if stats.shared_key_refused_at is not None:
        lines.append(tr("stats-shared-key-refused", time=tr.datetime(stats.shared_key_refused_at)))
    rows: list[list[InlineKeyboardButton]] = []
    if stats.unknown:
        lines += [Html(""), tr("stats-unknown-title", count=tr.number(len(stats.unknown)))]
        for order in stats.unknown[:UNKNOWN_SHOWN]:
            lines.append(_unknown_item(tr, order))
            rows.append(
                [
                    _button(tr.plain("button-resolve-placed", number=order.id), PLACED, order.id),
                    _button(tr.plain("button-resolve-failed", number=order.id), FAILED, order.id),
                ]
            )
        if len(stats.unknown) > UNKNOWN_SHOWN:
            lines.append(tr("stats-unknown-more", count=tr.number(len(stats.unknown) - UNKNOWN_SHOWN)))
        lines.append(tr("stats-unknown-hint", number=stats.unknown[0].id))
    return Screen(Html("\n".join(lines)), InlineKeyboardMarkup(rows) if rows else None)


def _placed_by_state(tr: Translator, counts: dict[OrderState | None, int]) -> list[Html]:
    """Placed orders still running, then finished ones, each group by status."""
    lines: list[Html] = []
    for heading, final in (("stats-placed-active", False), ("stats-placed-final", True)):
        group = [
            (state, counts[state])
            for state in (None, *OrderState)
            if state in counts and (state is not None and state.is_final) == final
        ]
        lines.append(tr(heading, count=tr.number(sum(count for _state, count in group))))
        lines += [
            tr("stats-status-count", status=_state_label(tr, state), count=tr.number(count))
            for state, count in group
        ]
    return lines


def _state_label(tr: Translator, state: OrderState | None) -> Html:
    if state is None:
        return tr("stats-status-not-polled")
    if state is OrderState.FAILED:
        return tr("stats-status-failed")
    label = order_state_label(tr, state)
    return label if label is not None else tr("stats-status-other")


def _last_answer(tr: Translator, moment: datetime | None) -> Html:
    """When the panel last answered anything: a poll, an order, a balance."""
    return tr("stats-last-answer", time=tr.datetime(moment)) if moment else tr("stats-last-answer-never")


def _unknown_item(tr: Translator, order: Order) -> Html:
    return tr(
        "stats-unknown-item",
        number=order.id,
        user=order.user_id,
        service=shorten(order.service.name, SERVICE_LENGTH),
        quantity=quantity_text(tr, order),
        date=tr.datetime(order.created_at),
        link=shorten(order.link or "—", LINK_LENGTH),
        message=shorten(order.submit_error or "—", MESSAGE_LENGTH),
    )


def _button(label: str, action: str, order_id: int, *extra: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(ADMIN, action, order_id, *extra))


def ask_panel_id(tr: Translator, order_id: int) -> Html:
    return tr("resolve-ask-panel-id", number=order_id)


def confirm_failed(tr: Translator, order_id: int) -> Screen:
    keyboard = InlineKeyboardMarkup(
        [[_button(tr.plain("button-resolve-confirm-failed", number=order_id), FAILED, order_id, CONFIRM)]]
    )
    return Screen(tr("resolve-confirm-failed", number=order_id), keyboard)


def resolve_result(tr: Translator, order_id: int, panel_order_id: int | None, result: ResolveResult) -> Html:
    """Tell the admin what came of settling an order."""
    match result:
        case Resolved(order=order) if order.submit_state is SubmitState.PLACED:
            return tr("resolve-placed", number=order.id, panel_id=order.panel_order_id)
        case Resolved(order=order):
            return tr("resolve-failed", number=order.id)
        case NoSuchOrder():
            return tr("resolve-no-such-order", number=order_id)
        case NotUnknown(order=order):
            return tr("resolve-not-unknown", number=order_id, state=status_text(tr, order))
        case PanelIdTaken(existing_order_id=existing):
            return tr("resolve-panel-id-taken", panel_id=panel_order_id, number=existing)
        case PanelDoesNotKnow(message=message):
            return tr("resolve-panel-refused", panel_id=panel_order_id, message=shorten(message, MESSAGE_LENGTH))
        case CannotVerify():
            return tr("error-panel-unavailable")


def user_told_resolved(tr: Translator, order: Order) -> Screen:
    """Tell the order's owner how their uncertain order turned out."""
    if order.submit_state is SubmitState.PLACED:
        text = tr("resolve-user-placed", number=order.id, panel_id=order_number(order))
    else:
        text = tr("resolve-user-failed", number=order.id, date=tr.datetime(order.created_at))
    return Screen(text, open_order_keyboard(tr, order))


def resolve_usage(tr: Translator) -> Html:
    return tr("resolve-usage")
