"""The balance job: check every account in use and alert its owner when funds run low."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.jobs.poller import PollerState, state_of
from bot.panel import PanelRejected
from bot.services.alerts import refresh_balance

if TYPE_CHECKING:
    from telegram import Bot

    from bot.context import BotContext, Services

log = logging.getLogger(__name__)


async def run(context: BotContext) -> None:
    """Checks each account's balance unless backing off from a panel outage."""
    state = state_of(context)
    async with state.running():
        if not state.skip_this_run():
            await check_accounts(context.services, context.bot, state)


async def check_accounts(services: Services, bot: Bot, state: PollerState) -> None:
    """Refresh every account's balance; a refused key skips that account only."""
    if services.settings.smm_api_key is not None:
        await services.db.accounts.shared()  # watched from the start, not from its first order
    await state.ask_panel(services.db, _refresh_all(services, bot))


async def _refresh_all(services: Services, bot: Bot) -> bool:
    """Refresh each account in use; return whether the panel was asked."""
    asked = False
    for account in await services.db.accounts.in_use():
        try:
            asked = await refresh_balance(services, bot, account) or asked
        except PanelRejected as error:
            asked = True
            log.warning("The panel refused the balance of account %s: %s", account.id, error)
    return asked
