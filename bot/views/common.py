"""What every feature's views share: the screen type, money and shortened text, the main
menu, the language picker and the command menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.views import callbacks

# The command menu, in the order users see it; descriptions come from `command-<name>`.
MENU_COMMANDS = (
    "order",
    "orders",
    "status",
    "balance",
    "connect",
    "disconnect",
    "settings",
    "language",
    "help",
    "cancel",
)

# Added to the command menu and /help of admins only; to anyone else these do not exist.
ADMIN_COMMANDS = ("stats", "resolve")

# Main-menu items: (callback item, message id of the button); features handle `menu:<item>`.
MAIN_MENU = (
    ("order", "menu-order"),
    ("orders", "menu-orders"),
    ("balance", "menu-balance"),
    ("settings", "menu-settings"),
    ("language", "menu-language"),
    ("help", "menu-help"),
)


class Screen(NamedTuple):
    """A message to show: HTML text and its inline keyboard (None for none)."""

    text: Html
    keyboard: InlineKeyboardMarkup | None = None


# How much of the panel's own words a message shows: a panel can send anything (a stack
# trace, a whole maintenance notice), and Telegram refuses a message over 4,096 characters.
PANEL_MESSAGE_LENGTH = 300  # a refusal or an error, in a sentence of ours
PANEL_LABEL_LENGTH = 60  # a status or a service type, inside a line of ours


def shorten(text: str, limit: int) -> str:
    """Cut text to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def panel_message(text: str) -> str:
    """The panel's refusal or error as a message of ours quotes it."""
    return shorten(text, PANEL_MESSAGE_LENGTH)


def panel_error(tr: Translator, message: str) -> Html:
    """The panel refused a whole request: say so in its words."""
    return tr("error-panel", message=panel_message(message))


def panel_label(text: str) -> str:
    """A status or service type the bot has no word for, as the panel named it."""
    return shorten(text, PANEL_LABEL_LENGTH)


def money(tr: Translator, amount: Decimal, currency: str | None) -> str:
    """An amount in the account's currency, or a bare number when the currency is unknown."""
    return tr.money(amount, currency) if currency else tr.number(amount)


def main_menu_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    """Two buttons a row: the first things a user wants to do."""
    buttons = [
        InlineKeyboardButton(tr.plain(message_id), callback_data=callbacks.pack(callbacks.MENU, item))
        for item, message_id in MAIN_MENU
    ]
    return InlineKeyboardMarkup([buttons[index : index + 2] for index in range(0, len(buttons), 2)])


def language_keyboard(
    languages: Sequence[str], native_name: Callable[[str], str]
) -> InlineKeyboardMarkup:
    """One button per language, named in that language."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(native_name(code), callback_data=callbacks.pack(callbacks.LANGUAGE, code))]
            for code in languages
        ]
    )


def bot_commands(tr: Translator, *, admin: bool = False) -> list[BotCommand]:
    """The command menu in one language; an admin's lists the admin commands too."""
    names = MENU_COMMANDS + ADMIN_COMMANDS if admin else MENU_COMMANDS
    return [BotCommand(name, tr.plain(f"command-{name.replace('_', '-')}")) for name in names]


def help_text(tr: Translator, *, admin: bool) -> Html:
    """Every command; for an admin, then the admin commands."""
    return Html(tr("help") + "\n\n" + tr("help-admin")) if admin else tr("help")
