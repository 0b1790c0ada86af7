"""How every feature answers: a pressed button answered exactly once, and a screen shown.

Buttons edit their message in place; answers to typed text come as new messages.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.views.common import Screen

log = logging.getLogger(__name__)


class Tap:
    """A pressed button, answered exactly once: early before slow work, or with a notice."""

    def __init__(self, query: CallbackQuery) -> None:
        self.query = query
        self.answered = False

    async def ack(self) -> None:
        """Answer now (Telegram shows a spinner until then) unless already done."""
        if not self.answered:
            self.answered = True
            await self.query.answer()

    async def toast(self, context: BotContext, message_id: str, **values: object) -> None:
        """Answer with a passing note (no alert to dismiss), unless already answered."""
        if not self.answered:
            self.answered = True
            await self.query.answer(context.tr.plain(message_id, **values))

    async def notice(self, context: BotContext, message_id: str, **values: object) -> None:
        """Tell the user something short: an alert if still possible, else a message."""
        if not self.answered:
            self.answered = True
            await self.query.answer(context.tr.plain(message_id, **values), show_alert=True)
            return
        assert self.query.message is not None
        await context.bot.send_message(self.query.message.chat.id, context.tr(message_id, **values))


async def show(update: Update, context: BotContext, screen: Screen, *, edit: bool) -> None:
    """Edit the pressed button's message into `screen`, or send it as a new message."""
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        if already_shows(query, screen):
            return  # pressing the button that shows this very screen: Telegram refuses no-op edits
        try:
            await query.edit_message_text(screen.text, reply_markup=screen.keyboard)
            return
        except BadRequest as error:
            if "not modified" in error.message:
                return
            # Too old to edit, or deleted: the new screen comes as a new message.
            log.info("could not edit message, sending instead: %s", error.message)
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, screen.text, reply_markup=screen.keyboard)


def already_shows(query: CallbackQuery, screen: Screen) -> bool:
    """Whether the pressed button's message shows `screen` exactly."""
    message = query.message
    return (
        isinstance(message, Message)
        and message.text_html == screen.text
        and message.reply_markup == screen.keyboard
    )
