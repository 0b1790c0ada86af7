"""Every handler is registered here, in one place.

Groups: -1 is the gate (private chats only, loads the user); 0 holds every feature's
commands and buttons, then the fallbacks. Within a group the first matching handler wins,
so the fallbacks (free text → dialogs, unknown commands, stickers, stale buttons) go last.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import account as account_handlers
from bot.handlers import admin as admin_handlers
from bot.handlers import common
from bot.handlers import order as order_handlers
from bot.handlers import orders as orders_handlers
from bot.handlers import settings as settings_handlers
from bot.handlers.dialogs import DialogRouter


def register_handlers(application: Application) -> None:
    """Attach the gate, every feature, then the fallbacks."""
    router = DialogRouter()
    common.register_gate(application)
    common.register(application)
    # Features: one line each.
    order_handlers.register(application, router)
    orders_handlers.register(application, router)
    account_handlers.register(application, router)
    settings_handlers.register(application, router)
    admin_handlers.register(application, router)
    common.register_fallbacks(application, router)
