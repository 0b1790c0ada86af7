"""Webhook mode: where Telegram posts updates and the secret it must send with them.

With `WEBHOOK_URL` set the bot listens on `WEBHOOK_LISTEN:WEBHOOK_PORT` instead of polling,
at a path derived from the secret (so the URL itself reveals nothing and guessing it is
pointless), and PTB refuses (403) every request whose `X-Telegram-Bot-Api-Secret-Token`
header is not the secret. Without `WEBHOOK_SECRET` the secret is derived from the bot
token: stable across restarts, and useless to anyone who does not already have the token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from pydantic import SecretStr

from bot.config import ConfigError, Settings

# What Telegram accepts as `secret_token` in setWebhook.
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_PATH_LENGTH = 32


@dataclass(frozen=True)
class WebhookConfig:
    """The arguments of `Application.run_webhook`."""

    listen: str
    port: int
    url_path: str
    webhook_url: str
    secret_token: SecretStr

    def __repr__(self) -> str:
        return f"WebhookConfig(listen={self.listen!r}, port={self.port}, url_path=…)"


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """The webhook to run, or None for long polling; ConfigError for a bad WEBHOOK_SECRET."""
    if settings.webhook_url is None:
        return None
    secret = _secret_token(settings)
    url_path = hashlib.sha256(b"smm-bot webhook path\0" + secret.encode()).hexdigest()[:_PATH_LENGTH]
    return WebhookConfig(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=url_path,
        webhook_url=f"{settings.webhook_url.rstrip('/')}/{url_path}",
        secret_token=SecretStr(secret),
    )


def _secret_token(settings: Settings) -> str:
    if settings.webhook_secret is None:
        token = settings.bot_token.get_secret_value().encode()
        return hmac.new(token, b"smm-bot webhook secret", hashlib.sha256).hexdigest()
    secret = settings.webhook_secret.get_secret_value()
    if not _SECRET_TOKEN.fullmatch(secret):
        raise ConfigError(
            "Configuration error: WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return secret
