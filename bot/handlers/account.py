"""/connect (a dialog, or `/connect KEY`), /disconnect and /balance.

A message carrying a key is deleted before the key is even checked; when Telegram will not
delete it (too old, no rights) the user is asked to. The key is never echoed, and PTB's own
DEBUG dumps of incoming updates are scrubbed of what users typed (see
`bot.logging_setup.UserTextScrubber`).
"""

from __future__ import annotations

import logging

from pydantic import SecretStr
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.dialogs import DialogRouter, dialog_of
from bot.handlers.replies import show
from bot.panel import PanelAuthError, PanelRejected, PanelUnavailable
from bot.services import keys
from bot.services.accounts import AccountAccess, access_for_user
from bot.services.admin import report_shared_key_refused
from bot.storage import Draft
from bot.views import callbacks
from bot.views.account import balance_text, connect_prompt, connect_result, key_refused, no_account
from bot.views.common import Screen, panel_error

log = logging.getLogger(__name__)

DIALOG = "connect"
WAITING_FOR_KEY = f"{DIALOG}.key"
def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _say(update: Update, context: BotContext, text: str) -> None:
    await show(update, context, Screen(context.tr(text)), edit=False)


# --- /connect -------------------------------------------------------------------------------


async def connect_command(update: Update, context: BotContext) -> None:
    """Checks a key sent as `/connect KEY`, or asks for the key (also the "Connect" button)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        message = update.effective_message
        assert message is not None and message.text is not None
        _, *rest = message.text.split(maxsplit=1)
        if rest:
            await take_key(update, context, rest[0])
            return
    await context.services.db.drafts.start(_user_id(update), WAITING_FOR_KEY, {})
    prompt = connect_prompt(context.tr, context.services.settings.panel_name)
    await show(update, context, Screen(prompt), edit=False)


async def on_key_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Takes the text the user sent while asked for their key as the key."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await take_key(update, context, message.text)


async def take_key(update: Update, context: BotContext, text: str) -> None:
    """Delete the message, check the key with the panel, store it if the panel takes it.

    Also for a key pasted outside the dialog (`bot.handlers.common.text_fallback`) or into
    the catalog search (`bot.handlers.order`).
    """
    services = context.services
    user_id = _user_id(update)
    deleted = await _delete_key_message(update)
    key_text = text.strip()
    if not keys.looks_like_key(key_text):
        await services.db.drafts.start(user_id, WAITING_FOR_KEY, {})
        await _say(update, context, "connect-malformed")
    else:
        result = await keys.connect(services.db, services.panel, user_id, SecretStr(key_text))
        if isinstance(result, keys.KeyRefused):
            await services.db.drafts.start(user_id, WAITING_FOR_KEY, {})
        else:
            await _leave_dialog(context, user_id)
        await show(update, context, Screen(connect_result(context.tr, result)), edit=False)
    if not deleted:
        await _say(update, context, "connect-delete-yourself")


async def _delete_key_message(update: Update) -> bool:
    message = update.effective_message
    assert message is not None
    try:
        return await message.delete()
    except TelegramError as error:
        log.info("could not delete a message carrying a key: %s", error.message)
        return False


async def _leave_dialog(context: BotContext, user_id: int) -> None:
    """Clear the user's draft if it is the /connect dialog (another dialog stays)."""
    draft = await context.services.db.drafts.get(user_id)
    if draft is not None and dialog_of(draft.state) == DIALOG:
        await context.services.db.drafts.clear(user_id)


# --- /disconnect and /balance ---------------------------------------------------------------


async def disconnect_command(update: Update, context: BotContext) -> None:
    """Forgets the user's key; their orders stay."""
    user_id = _user_id(update)
    await _leave_dialog(context, user_id)
    forgotten = await keys.disconnect(context.services.db, user_id)
    await _say(update, context, "disconnect-done" if forgotten else "disconnect-nothing")


async def balance_command(update: Update, context: BotContext) -> None:
    """Shows the balance of the account the user orders on, and whose it is."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    services = context.services
    access = await access_for_user(services.db, services.settings, _user_id(update))
    if access is None:
        await show(update, context, no_account(context.tr, services.settings.panel_name), edit=False)
        return
    try:
        balance = await services.panel.balance(access.key)
    except PanelUnavailable as error:
        log.info("balance unavailable: %s", error.message)
        await _say(update, context, "error-panel-unavailable")
        return
    except PanelAuthError as error:
        await tell_key_refused(update, context, access, error.message, edit=False)
        return
    except PanelRejected as error:
        await show(update, context, Screen(panel_error(context.tr, error.message)), edit=False)
        return
    await services.db.accounts.set_balance(access.account.id, balance.amount, balance.currency)
    await show(update, context, Screen(balance_text(context.tr, balance, personal=access.personal)), edit=False)


async def tell_key_refused(
    update: Update, context: BotContext, access: AccountAccess, message: str, *, edit: bool
) -> None:
    """Say the panel refused the key the user orders with, and what to do about it.

    Waiting will not help, so "the panel isn't responding" would leave them stuck. A refused
    shared key is the operator's to fix: it is counted on /stats and the admins are told.
    """
    services = context.services
    if access.personal:
        log.info("the panel refused the key of account %s: %s", access.account.id, message)
    else:
        log.warning("the panel refused the shared key: %s", message)
        await report_shared_key_refused(services, context.bot, message)
    text = key_refused(context.tr, services.settings.panel_name, personal=access.personal)
    await show(update, context, Screen(text), edit=edit)


def register(application: Application, router: DialogRouter) -> None:
    """Attach /connect and its dialog, /disconnect, /balance and the menu's balance button."""
    application.add_handler(CommandHandler("connect", connect_command))
    application.add_handler(CommandHandler("disconnect", disconnect_command))
    application.add_handler(CommandHandler("balance", balance_command))
    for item, callback in (("balance", balance_command), ("connect", connect_command)):
        application.add_handler(CallbackQueryHandler(callback, pattern=callbacks.exact(callbacks.MENU, item)))
    router.add(DIALOG, on_key_text)
