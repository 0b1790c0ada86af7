"""A minimal PTB bot standing in for the real one while testing the harness.

/start greets with a visit counter kept beside the database path (so restarts can be
checked) and two buttons; Confirm edits the greeting, Cancel deletes it; /broken sends
HTML Telegram refuses; /oops logs an error. Only private chats are served.
"""

from __future__ import annotations

import datetime as dtm
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.config import Settings

log = logging.getLogger(__name__)

GREETING_BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("✅ Confirm", callback_data="confirm"),
            InlineKeyboardButton("Cancel", callback_data="cancel"),
        ]
    ]
)


def _count_visit(counter: Path) -> int:
    visits = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(visits))
    return visits


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the user and offers the two buttons."""
    assert update.effective_message
    assert update.effective_user
    visits = _count_visit(context.bot_data["counter"])
    name = html.escape(update.effective_user.first_name)
    await update.effective_message.reply_html(
        f"Welcome, <b>{name}</b>! Visit #{visits}", reply_markup=GREETING_BUTTONS
    )


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the query and replaces the greeting in place."""
    query = update.callback_query
    assert query
    await query.answer("Done")
    await query.edit_message_text("Confirmed ✅")


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the query and removes the greeting."""
    query = update.callback_query
    assert query
    await query.answer()
    await query.delete_message()


async def broken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends HTML with an unclosed tag, as a buggy screen would."""
    assert update.effective_message
    await update.effective_message.reply_html("<b>unclosed")


async def oops(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs an error and apologises, as a handler meeting a failure would."""
    assert update.effective_message
    log.error("something went wrong for chat %s", update.effective_message.chat_id)
    await update.effective_message.reply_text("Sorry, something went wrong")


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await application.bot.set_my_commands([BotCommand("start", "Start the bot")], language_code="en")


def build_tiny_application(settings: Settings) -> Application[Any, Any, Any, Any, Any, Any]:
    application = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .post_init(set_commands)
        .build()
    )
    application.bot_data["counter"] = settings.database_path.with_suffix(".visits")
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", greet, filters=private))
    application.add_handler(CommandHandler("broken", broken, filters=private))
    application.add_handler(CommandHandler("oops", oops, filters=private))
    application.add_handler(CallbackQueryHandler(confirm, pattern="^confirm$"))
    application.add_handler(CallbackQueryHandler(cancel, pattern="^cancel$"))
    return application


@asynccontextmanager
async def run_tiny_bot(settings: Settings) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run the tiny bot the way `run_polling` does, without owning the event loop."""
    application = build_tiny_application(settings)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater
    await application.updater.start_polling(timeout=dtm.timedelta(seconds=1))
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
