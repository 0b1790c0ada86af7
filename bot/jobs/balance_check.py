"""The balance job: check every account in use and alert its owner when funds run low."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.jobs.poller import PollerState
from bot.panel import PanelRejected, PanelUnavailable
from bot.services.alerts import refresh_balance

if TYPE_CHECKING:
    from telegram import Bot

    from bot.context import BotContext, Services

log = logging.getLogger(__name__)


async def run(context: BotContext) -> None:
    """Checks each account's balance unless backing off from a panel outage."""
    assert context.job is not None
    state = context.job.data
    assert isinstance(state, PollerState)
    async with state.running():
        if not state.skip_this_run():
            await check_accounts(context.services, context.bot, state)


async def check_accounts(services: Services, bot: Bot, state: PollerState) -> None:
    """Refresh every account's balance; a refused key skips that account only."""
    if services.settings.smm_api_key is not None:
        await services.db.accounts.shared()  # watched from the start, not from its first order
    asked = False
    try:
        for account in await services.db.accounts.in_use():
            try:
                asked = await refresh_balance(services, bot, account) or asked
            except PanelRejected as error:
                asked = True
                log.warning("The panel refused the balance of account %s: %s", account.id, error)
    except PanelUnavailable as error:
        await state.panel_unavailable(services.db, error)
        return
    if asked:
        await state.panel_answered(services.db)
