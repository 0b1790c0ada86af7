"""The frame every feature relies on: the gate, /start, /help, /language, /cancel, fallbacks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotContext
from bot.handlers.account import take_key
from bot.handlers.dialogs import DialogRouter
from bot.i18n import Html
from bot.services.accounts import access_for_user
from bot.services.admin import alert_admins
from bot.services.keys import looks_like_pasted_key
from bot.views import callbacks
from bot.views.common import help_text, language_keyboard, main_menu_keyboard

log = logging.getLogger(__name__)

# How stale a user's last-seen time may get: within it, an update reads the user but writes nothing.
SEEN_REFRESH = timedelta(minutes=10)


async def gate(update: Update, context: BotContext) -> None:
    """Lets private chats through with the user loaded; answers groups once, then ignores them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _notice_group_once(update, context)
        raise ApplicationHandlerStop
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    services = context.services
    hint = services.i18n.resolve(user.language_code)
    record = await services.db.users.seen(user.id, hint, within=SEEN_REFRESH)
    language = record.language or hint
    context.set_user(record, services.i18n.translator(language))


async def _notice_group_once(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    meta_key = f"group-notice:{chat.id}"
    db = context.services.db
    if await db.meta.get(meta_key) is not None:
        return
    await db.meta.set(meta_key, "sent")
    language = context.services.i18n.resolve(
        update.effective_user.language_code if update.effective_user else None
    )
    try:
        tr = context.services.i18n.translator(language)
        await context.bot.send_message(chat.id, tr("error-private-only", bot=context.bot.username))
    except TelegramError as error:  # removed from the group, muted: nothing more to do
        log.info("group notice not delivered chat=%s: %s", chat.id, error)


async def start(update: Update, context: BotContext) -> None:
    """Greets the user, says how to connect a key if they have no account, shows the menu."""
    assert update.effective_message is not None and update.effective_user is not None
    services = context.services
    panel = services.settings.panel_name
    text = context.tr("start-welcome", name=update.effective_user.first_name, panel=panel)
    access = await access_for_user(services.db, services.settings, update.effective_user.id)
    if access is None:
        text = Html(f"{text}\n\n{context.tr('start-connect-hint', panel=panel)}")
    await update.effective_message.reply_text(text, reply_markup=main_menu_keyboard(context.tr))


async def show_help(update: Update, context: BotContext) -> None:
    """Lists every command (admins' too, for admins)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_chat is not None and update.effective_user is not None
    admin = context.services.settings.is_admin(update.effective_user.id)
    await context.bot.send_message(update.effective_chat.id, help_text(context.tr, admin=admin))


async def choose_language(update: Update, context: BotContext) -> None:
    """Offers the languages, each named in itself."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_chat is not None
    i18n = context.services.i18n
    await context.bot.send_message(
        update.effective_chat.id,
        context.tr("language-choose"),
        reply_markup=language_keyboard(i18n.languages, i18n.native_name),
    )


async def set_language(update: Update, context: BotContext) -> None:
    """Stores the chosen language and switches this chat's command menu to it."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    data = callbacks.unpack(query.data)
    i18n = context.services.i18n
    code = data.part(0) if data else None
    if code not in i18n.languages:
        await stale_button(update, context)
        return
    assert code is not None
    user = await context.services.db.users.set_language(update.effective_user.id, code)
    tr = i18n.translator(code)
    context.set_user(user, tr)
    await query.answer()
    await query.edit_message_text(tr("language-set", language=i18n.native_name(code)))
    await context.services.set_chat_menu(context.bot, update.effective_user.id, code)


async def cancel(update: Update, context: BotContext) -> None:
    """Leaves whatever dialog the user is in."""
    assert update.effective_message is not None and update.effective_user is not None
    db = context.services.db
    had_draft = await db.drafts.get(update.effective_user.id) is not None
    await db.drafts.clear(update.effective_user.id)
    await update.effective_message.reply_text(
        context.tr("cancel-done" if had_draft else "cancel-nothing"),
        reply_markup=main_menu_keyboard(context.tr),
    )


def text_fallback(router: DialogRouter) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Build the handler that gives free text to the user's dialog, a pasted key to /connect,
    or a hint."""

    async def on_text(update: Update, context: BotContext) -> None:
        """Passes the text to the current dialog, connects a key pasted without /connect
        (deleting it first, as /connect does), or says how to start a dialog."""
        if await router.route(update, context):
            return
        message = update.effective_message
        assert message is not None and message.text is not None
        if looks_like_pasted_key(message.text.strip()):
            await take_key(update, context, message.text)
            return
        await message.reply_text(context.tr("menu-prompt"), reply_markup=main_menu_keyboard(context.tr))

    return on_text


async def unknown_command(update: Update, context: BotContext) -> None:
    """Points at /help for commands the bot does not have."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tr("error-unknown-command"))


async def edited_message(update: Update, context: BotContext) -> None:
    """Answers an edit of an earlier message: read as new input, it would answer whatever step
    the user is at now (a corrected "most per post" taken as the number of posts)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tr("error-edited-message"))


async def not_text(update: Update, context: BotContext) -> None:
    """Answers stickers, photos and the like: the bot reads text only."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tr("error-text-only"))


async def stale_button(update: Update, context: BotContext) -> None:
    """Answers a button whose data matches nothing current (old, from before a restart, forged)."""
    query = update.callback_query
    assert query is not None
    await query.answer(context.tr.plain("error-stale-button"), show_alert=True)


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure first, tells the admins, then the user (never the details)."""
    # Jobs reach here too (with no update); PTB runs them again at their next interval.
    failed = f"job {context.job.name}" if context.job is not None else "update"
    error_name = type(context.error).__name__
    log.error("%s failed: %s", failed, error_name, exc_info=context.error)
    await alert_admins(
        context.services,
        context.bot,
        (failed, error_name),
        lambda tr: tr("admin-error-alert", what=failed, error=error_name),
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(context.tr.plain("error-internal"), show_alert=True)
                return
            except BadRequest:
                pass  # answered before the failure (buttons answer before slow work): say it below
        await context.bot.send_message(update.effective_chat.id, context.tr("error-internal"))
    except TelegramError as error:
        log.warning("could not report the failure to chat=%s: %s", update.effective_chat.id, error)


def register_gate(application: Application) -> None:
    """Run the gate before every other handler."""
    application.add_handler(TypeHandler(Update, gate), group=-1)


def register(application: Application) -> None:
    """Commands and buttons of the frame; edits of earlier messages before anything reads them."""
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited_message))
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", show_help))
    application.add_handler(CommandHandler("language", choose_language))
    application.add_handler(CommandHandler("cancel", cancel))
    application.add_handler(CallbackQueryHandler(set_language, pattern=callbacks.pattern(callbacks.LANGUAGE)))
    application.add_handler(CallbackQueryHandler(show_help, pattern=callbacks.exact(callbacks.MENU, "help")))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=callbacks.exact(callbacks.MENU, "language")))
    application.add_error_handler(on_error)


def register_fallbacks(application: Application, router: DialogRouter) -> None:
    """What nothing else took: free text, unknown commands, non-text, stale buttons."""
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text_fallback(router)))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.ALL, not_text))
    application.add_handler(CallbackQueryHandler(stale_button))
