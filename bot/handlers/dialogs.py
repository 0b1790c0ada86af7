"""Route a user's free text to the dialog they are in (order walk, /connect, settings…).

A user is in at most one dialog at a time; its state lives in the `drafts` table (state
`"<dialog>.<step>"`), so it survives restarts and `/cancel` can leave any of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.storage import Draft

TextStep = Callable[[Update, BotContext, Draft], Awaitable[None]]


def dialog_of(state: str) -> str:
    """The dialog a draft state belongs to: "order.link" -> "order"."""
    return state.split(".", 1)[0]


class DialogRouter:
    """Dispatch a text message to the handler of the dialog the user is in."""

    def __init__(self) -> None:
        self._steps: dict[str, TextStep] = {}

    def add(self, dialog: str, step: TextStep) -> None:
        if dialog in self._steps:
            raise ValueError(f"dialog {dialog!r} registered twice")
        self._steps[dialog] = step

    async def route(self, update: Update, context: BotContext) -> bool:
        """Hand the text to the user's dialog; False when they are in none."""
        assert update.effective_user is not None
        draft = await context.services.db.drafts.get(update.effective_user.id)
        if draft is None:
            return False
        step = self._steps.get(dialog_of(draft.state))
        if step is None:
            # A draft from a dialog this version no longer has: forget it.
            await context.services.db.drafts.clear(update.effective_user.id)
            return False
        await step(update, context, draft)
        return True
