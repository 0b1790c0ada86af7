"""`python -m bot`: read the settings and run the bot until SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging

log = logging.getLogger("bot")


def _secrets_of(settings: Settings) -> list[str]:
    secrets = [settings.bot_token.get_secret_value()]
    for optional in (settings.smm_api_key, settings.secret_key, settings.webhook_secret):
        if optional is not None:
            secrets.append(optional.get_secret_value())
    return secrets


def main() -> int:
    """Start the bot; a bad configuration is one line on stderr and exit code 2."""
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets_of(settings))
    application = build_application(settings)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("Configuration error: BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"Cannot reach Telegram at TELEGRAM_BASE_URL: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
