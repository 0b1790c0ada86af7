"""/settings: notification switches, mute, and the low-balance alert level of personal accounts.

The language button opens the frame's /language picker (`menu:language`).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.dialogs import DialogRouter, dialog_of
from bot.handlers.replies import Tap, show
from bot.i18n import Translator
from bot.storage import Account, Draft, UserSettings
from bot.views import callbacks
from bot.views.common import Screen
from bot.views.settings import (
    DEFAULT,
    MUTE,
    THRESHOLD,
    settings_screen,
    threshold_prompt,
    threshold_set,
    toggle_field,
)

DIALOG = "settings"
WAITING_FOR_THRESHOLD = f"{DIALOG}.threshold"
# Far above any balance, so a slip of the finger ("50000000") is caught.
MAX_THRESHOLD = Decimal("1000000")
# Cents, or the satoshis of a coin: finer than that is a slip.
MAX_THRESHOLD_DECIMALS = 8


def parse_amount(text: str, tr: Translator) -> Decimal | None:
    """Read an amount written the way the user's language writes numbers ("1,000.50" in
    English, "1 000,50" in Russian; "12.50" in both); None for anything else."""
    amount = tr.read_number(text)
    if amount is None or amount > MAX_THRESHOLD:
        return None
    exponent = amount.as_tuple().exponent
    return amount if isinstance(exponent, int) and -exponent <= MAX_THRESHOLD_DECIMALS else None


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _personal(context: BotContext, user_id: int) -> Account | None:
    """The user's own connected account; the alert level is theirs to set only with one."""
    account = await context.services.db.accounts.personal_for(user_id)
    return account if account is not None and account.connected else None


async def _currency(context: BotContext, user_id: int) -> str | None:
    account = await _personal(context, user_id)
    return account.currency if account is not None else None


async def _screen(context: BotContext, user_id: int) -> Screen:
    services = context.services
    user = await services.db.users.get(user_id)
    assert user is not None  # the gate stored them
    account = await _personal(context, user_id)
    threshold = None
    if account is not None:
        level = user.settings.low_balance_threshold
        threshold = (services.settings.low_balance_threshold if level is None else level, account.currency)
    language = services.i18n.native_name(context.tr.language)
    low_balance_alerts = account is not None or user_id in services.settings.admin_ids
    return settings_screen(
        context.tr, user.settings, language=language, threshold=threshold, low_balance_alerts=low_balance_alerts
    )


async def settings_command(update: Update, context: BotContext) -> None:
    """Shows the settings (also the main menu's "Settings")."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await show(update, context, await _screen(context, _user_id(update)), edit=False)


async def on_settings_button(update: Update, context: BotContext) -> None:
    """Flips a switch, or asks for the alert level, then shows the settings again."""
    query = update.callback_query
    assert query is not None
    data = callbacks.unpack(query.data)
    setting = data.part(0) if data else None
    user_id = _user_id(update)
    db = context.services.db
    tap = Tap(query)
    current = context.user.settings
    field = toggle_field(setting or "")
    if field is not None:
        flipped: dict[str, Any] = {field: not getattr(current, field)}
        await _save(context, user_id, dataclasses.replace(current, **flipped))
    elif setting == MUTE:
        await _save(context, user_id, dataclasses.replace(current, mute_all=not current.mute_all))
    elif setting == THRESHOLD and (account := await _personal(context, user_id)) is not None:
        await tap.ack()
        if data is not None and data.part(1) == DEFAULT:
            await _set_threshold(update, context, None)
            return
        await db.drafts.start(user_id, WAITING_FOR_THRESHOLD, {})
        default = context.services.settings.low_balance_threshold
        await show(update, context, threshold_prompt(context.tr, default, account.currency), edit=False)
        return
    else:
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    await show(update, context, await _screen(context, user_id), edit=True)


async def on_threshold_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Stores the alert level the user typed."""
    message = update.effective_message
    assert message is not None and message.text is not None
    amount = parse_amount(message.text, context.tr)
    if amount is None:
        await show(update, context, Screen(context.tr("settings-threshold-invalid")), edit=False)
        return
    await _set_threshold(update, context, amount)


async def _set_threshold(update: Update, context: BotContext, amount: Decimal | None) -> None:
    """Store the level (None: the operator's default), leave the dialog, confirm."""
    user_id = _user_id(update)
    db = context.services.db
    await _save(context, user_id, dataclasses.replace(context.user.settings, low_balance_threshold=amount))
    draft = await db.drafts.get(user_id)
    if draft is not None and dialog_of(draft.state) == DIALOG:
        await db.drafts.clear(user_id)
    level = amount if amount is not None else context.services.settings.low_balance_threshold
    confirmation = threshold_set(context.tr, level, await _currency(context, user_id))
    await show(update, context, Screen(confirmation), edit=False)
    await show(update, context, await _screen(context, user_id), edit=False)


async def _save(context: BotContext, user_id: int, settings: UserSettings) -> None:
    user = await context.services.db.users.update_settings(user_id, settings)
    context.set_user(user, context.tr)


def register(application: Application, router: DialogRouter) -> None:
    """Attach /settings, its buttons, the main menu's entry and the alert-level dialog."""
    menu_settings = callbacks.exact(callbacks.MENU, "settings")
    application.add_handler(CommandHandler("settings", settings_command))
    application.add_handler(CallbackQueryHandler(settings_command, pattern=menu_settings))
    buttons = callbacks.pattern(callbacks.SETTINGS)
    application.add_handler(CallbackQueryHandler(on_settings_button, pattern=buttons))
    router.add(DIALOG, on_threshold_text)
