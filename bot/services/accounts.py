"""Whose money: which panel account (and key) a user orders on, if any."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from bot.config import Settings
from bot.storage import Account, Database, KeyUnavailableError


@dataclass(frozen=True)
class AccountAccess:
    """An account a user may use, with the key that reaches it."""

    account: Account
    key: SecretStr
    personal: bool


async def access_for_user(db: Database, settings: Settings, user_id: int) -> AccountAccess | None:
    """Return the user's own connected key first, else the shared key if they may use it.

    None means the user has no usable account here and must /connect one (also when their
    stored key can no longer be decrypted); the shared account is never touched on behalf of
    someone outside ADMIN_IDS/ALLOWED_USER_IDS.
    """
    personal = await db.accounts.personal_for(user_id)
    if personal is not None and personal.connected:
        try:
            return AccountAccess(personal, db.accounts.decrypt_key(personal), personal=True)
        except KeyUnavailableError:
            # Encrypted under another secret (SECRET_KEY or secret.key changed; logged at
            # start-up): they must /connect it again. Never the shared key behind their back.
            return None
    if settings.smm_api_key is not None and settings.may_use_shared_key(user_id):
        return AccountAccess(await db.accounts.shared(), settings.smm_api_key, personal=False)
    return None


def key_for_account(db: Database, settings: Settings, account: Account) -> SecretStr | None:
    """Return the key that reaches an account, or None once it is disconnected or unset."""
    if account.is_shared:
        return settings.smm_api_key
    if not account.connected:
        return None
    return db.accounts.decrypt_key(account)
