"""Texts of whose money a user spends: /connect, /disconnect and /balance.

No text here ever contains a panel key, not even part of one.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.panel import Balance
from bot.services.keys import CannotCheck, Connected, ConnectResult, KeyRefused
from bot.views.callbacks import MENU, pack
from bot.views.common import Screen, money


def no_account(tr: Translator, panel: str) -> Screen:
    """Tell a user without an account here how to connect their own, with a button to start."""
    button = InlineKeyboardButton(tr.plain("menu-connect"), callback_data=pack(MENU, "connect"))
    return Screen(tr("account-none", panel=panel), InlineKeyboardMarkup([[button]]))


def connect_prompt(tr: Translator, panel: str) -> Html:
    """Ask for the key, saying where to find it and what happens to it."""
    return tr("connect-prompt", panel=panel)


def connect_result(tr: Translator, result: ConnectResult) -> Html:
    """What came of checking a key with the panel."""
    match result:
        case Connected(balance=balance):
            return tr("connect-done", balance=money(tr, balance.amount, balance.currency))
        case KeyRefused():
            return tr("connect-refused")
        case CannotCheck():
            return tr("connect-unavailable")


def key_refused(tr: Translator, panel: str, *, personal: bool) -> Html:
    """The panel refused the key the user orders with: a personal one is theirs to replace; the
    shared one is the operator's, who has been told."""
    return tr("error-key-refused-personal", panel=panel) if personal else tr("error-key-refused-shared")


def balance_text(tr: Translator, balance: Balance, *, personal: bool) -> Html:
    """The balance, and whose account it is."""
    message_id = "balance-personal" if personal else "balance-shared"
    return tr(message_id, balance=money(tr, balance.amount, balance.currency))
