"""Low-balance alerts: once when an account's funds fall below its threshold, again only after
they have risen above it and fallen once more.

A personal account alerts its owner (with their own threshold, if they set one); the shared
account alerts every admin, since their key pays for everyone's orders. The alert counts as
sent once every recipient has it or is skipped on purpose (muted, blocked the bot); if
Telegram could not take one of them, the next check sends it again, to every recipient:
a rare repeat for one who had it is better than an alert nobody gets.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from telegram import Bot

from bot.panel import PanelError
from bot.services.accounts import key_for_account
from bot.services.delivery import Delivery, send
from bot.storage import Account, KeyUnavailableError
from bot.views.notifications import low_balance_message

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

async def check_balance(services: Services, bot: Bot, account: Account) -> None:
    """Fetch the account's balance, store it, and alert or re-arm; never raises for the panel.

    Call it after the panel refused an order for funds; the balance job calls it for every
    account in use.
    """
    try:
        await refresh_balance(services, bot, account)
    except PanelError as error:
        log.warning("Balance check of account %s failed: %s", account.id, error)


async def refresh_balance(services: Services, bot: Bot, account: Account) -> bool:
    """Like `check_balance`, but let `PanelError` through; False when the account has no key."""
    try:
        key = key_for_account(services.db, services.settings, account)
    except KeyUnavailableError:
        return False
    if key is None:
        return False
    # The job and the ordering flow may check one account at once: one alert, not two.
    async with services.balance_checks:
        balance = await services.panel.balance(key)
        account = await services.db.accounts.set_balance(account.id, balance.amount, balance.currency)
        threshold = await threshold_for(services, account)
        if balance.amount < threshold and not account.low_balance_alerted:
            if await _alert(services, bot, account, balance.amount, threshold):
                await services.db.accounts.set_low_balance_alerted(account.id, True)
        elif balance.amount > threshold and account.low_balance_alerted:
            await services.db.accounts.set_low_balance_alerted(account.id, False)
    return True


async def threshold_for(services: Services, account: Account) -> Decimal:
    """The owner's own threshold for a personal account, else LOW_BALANCE_THRESHOLD."""
    if not account.is_shared and account.owner_id is not None:
        owner = await services.db.users.get(account.owner_id)
        if owner is not None and owner.settings.low_balance_threshold is not None:
            return owner.settings.low_balance_threshold
    return services.settings.low_balance_threshold


async def _alert(services: Services, bot: Bot, account: Account, balance: Decimal, threshold: Decimal) -> bool:
    """Alert every recipient who wants it; False when Telegram could not take one for now."""
    recipients = sorted(services.settings.admin_ids) if account.is_shared else [account.owner_id]
    outcomes = []
    for user_id in recipients:
        if user_id is None:
            continue
        user = await services.db.users.get(user_id)
        if user is not None and (user.settings.mute_all or not user.settings.notify_low_balance):
            continue
        tr = services.i18n.translator(user.language if user is not None else None)
        text = low_balance_message(tr, balance, account.currency, threshold, shared=account.is_shared)
        outcomes.append(await send(bot, services.db, user_id, text))
    return Delivery.RETRY_LATER not in outcomes
