"""`python -m bot`: read the settings and run the bot until SIGINT/SIGTERM.

Long polling by default; webhook mode when WEBHOOK_URL is set (see `bot.webhook`). Either
way PTB turns SIGTERM into a clean stop: no new updates are taken, the updates being handled
finish, the jobs stop, then post_shutdown closes the panel client and the database.
"""

from __future__ import annotations

import logging
import sqlite3
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import REDACTOR, configure_logging, log_event
from bot.storage import StorageError
from bot.webhook import WebhookConfig, webhook_config

log = logging.getLogger("bot")


def _secrets_of(settings: Settings, webhook: WebhookConfig | None) -> list[str]:
    token = settings.bot_token.get_secret_value()
    # The part after the colon on its own too: glued to a host by a TELEGRAM_BASE_URL without
    # "/bot", the token is split at its colon ("Invalid port: 'AAH…'").
    secrets = [token, token.partition(":")[2]]
    for optional in (settings.smm_api_key, settings.secret_key, settings.webhook_secret):
        if optional is not None:
            secrets.append(optional.get_secret_value())
    if webhook is not None:
        secrets.append(webhook.secret_token.get_secret_value())
    return secrets


def run(application: Application, webhook: WebhookConfig | None) -> None:
    """Receive updates by webhook or by long polling until a stop signal."""
    if webhook is None:
        log_event(log, "bot.start", mode="polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    log_event(log, "bot.start", mode="webhook", listen=webhook.listen, port=webhook.port)
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.url_path,
        webhook_url=webhook.webhook_url,
        secret_token=webhook.secret_token.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )


def main() -> int:
    """Start the bot; a bad configuration is one line on stderr and exit code 2."""
    try:
        settings = load_settings()
        webhook = webhook_config(settings)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets_of(settings, webhook))
    application = build_application(settings)
    try:
        run(application, webhook)
    except (StorageError, sqlite3.DatabaseError) as error:
        # In use by another bot, written by a newer version, not a database at all, ...
        return _fail(f"Cannot use the database at DATABASE_PATH: {error}")
    except InvalidToken:
        return _fail(
            "Configuration error: Telegram refused BOT_TOKEN. Check the token, and that "
            "TELEGRAM_BASE_URL ends in /bot (the token is appended to it)",
            code=2,
        )
    except NetworkError as error:
        return _fail(f"Cannot reach Telegram at TELEGRAM_BASE_URL: {error}")
    except OSError as error:
        if webhook is None:
            raise
        # The port is taken, or the address is not this machine's.
        return _fail(f"Cannot listen on WEBHOOK_LISTEN:WEBHOOK_PORT: {error}")
    log_event(log, "bot.stop")
    return 0


def _fail(message: str, code: int = 1) -> int:
    """Say why the bot cannot run, in one line on stderr, with any secret in it masked."""
    print(REDACTOR.redact(message), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
