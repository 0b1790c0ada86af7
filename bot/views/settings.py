"""Texts and keyboard of /settings: language, notifications, the low-balance alert level."""

from __future__ import annotations

from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.storage import UserSettings
from bot.views.callbacks import MENU, SETTINGS, pack
from bot.views.common import Screen, money

# set:<setting>[:<value>]
TOGGLES = (
    ("status", "settings-notify-status", "notify_status"),
    ("refills", "settings-notify-refills", "notify_refills"),
    ("lowbal", "settings-notify-low-balance", "notify_low_balance"),
)
MUTE = "mute"
THRESHOLD = "threshold"
DEFAULT = "default"


def toggle_field(setting: str) -> str | None:
    """The `UserSettings` field a toggle button switches; None for an unknown button."""
    return next((field for name, _, field in TOGGLES if name == setting), None)


def settings_screen(
    tr: Translator,
    settings: UserSettings,
    *,
    language: str,
    threshold: tuple[Decimal, str | None] | None,
    low_balance_alerts: bool,
) -> Screen:
    """The user's settings; `threshold` is the (level, currency) of a personal account, if any.

    The low-balance switch shows only to those such alerts can reach (owners of a personal
    account, and the admins for the shared one): for anyone else it would switch nothing.
    """
    lines = [tr("settings-title"), tr("settings-language", language=language), tr("settings-notify-hint")]
    if settings.mute_all:
        lines.append(tr("settings-muted"))
    if threshold is not None:
        level, currency = threshold
        chosen = settings.low_balance_threshold is not None
        message_id = "settings-threshold" if chosen else "settings-threshold-default"
        lines.append(tr(message_id, amount=money(tr, level, currency)))
    rows = [[InlineKeyboardButton(tr.plain("menu-language"), callback_data=pack(MENU, "language"))]]
    for name, name_id, field in TOGGLES:
        if field == "notify_low_balance" and not low_balance_alerts:
            continue
        state = "button-setting-on" if getattr(settings, field) else "button-setting-off"
        label = tr.plain(state, name=tr.plain(name_id))
        rows.append([InlineKeyboardButton(label, callback_data=pack(SETTINGS, name))])
    mute_label = "button-unmute" if settings.mute_all else "button-mute"
    rows.append([InlineKeyboardButton(tr.plain(mute_label), callback_data=pack(SETTINGS, MUTE))])
    if threshold is not None:
        rows.append([InlineKeyboardButton(tr.plain("button-threshold"), callback_data=pack(SETTINGS, THRESHOLD))])
    return Screen(Html("\n".join(lines)), InlineKeyboardMarkup(rows))


def threshold_prompt(tr: Translator, default: Decimal, currency: str | None) -> Screen:
    """Ask for the alert level, with a button going back to the operator's default."""
    button = InlineKeyboardButton(
        tr.plain("button-threshold-default", amount=money(tr, default, currency)),
        callback_data=pack(SETTINGS, THRESHOLD, DEFAULT),
    )
    return Screen(tr("settings-threshold-prompt"), InlineKeyboardMarkup([[button]]))


def threshold_set(tr: Translator, level: Decimal, currency: str | None) -> Html:
    return tr("settings-threshold-set", amount=money(tr, level, currency))

