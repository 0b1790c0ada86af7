"""smm-bot: a Telegram bot for customers of SMM panels that speak "API v2"."""

__version__ = "0.1.0"
