"""Composition root: build the Application, create shared services once, close them once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.config import Settings
from bot.context import BotContext, Services
from bot.handlers import register_handlers
from bot.logging_setup import install_update_log_scrubber
from bot.rate_limit import BulkRateLimiter
from bot.update_processor import PerChatUpdateProcessor

log = logging.getLogger(__name__)

# How many updates may be in flight at once across all chats (one chat: always one at a time).
MAX_CONCURRENT_UPDATES = 256


def build_application(settings: Settings) -> Application:
    """Build the bot; nothing touches the network or the database until it starts."""
    application = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        # Telegram's ~30 messages/s is for bulk sends: only those are paced; any 429 is retried.
        .rate_limiter(BulkRateLimiter(max_retries=3))
        # On stop, PTB cancels the long poll and at once sends one more getUpdates to confirm
        # the updates it handled. With PTB's single pooled connection, that call can find the
        # cancelled poll's connection not yet released and fail, so handled updates would be
        # fetched (and answered) again after a restart. A second connection removes the race.
        .get_updates_connection_pool_size(2)
        .post_init(_start_services)
        .post_shutdown(_stop_services)
        .build()
    )
    application.bot_data["settings"] = settings
    install_update_log_scrubber()
    register_handlers(application)
    return application


async def _start_services(application: Application) -> None:
    """Open the database and clients, then schedule the jobs: once per process start."""
    settings: Settings = application.bot_data["settings"]
    services = await Services.open(settings)
    application.bot_data["services"] = services
    await services.on_start(application)


async def _stop_services(application: Application) -> None:
    """Close what post_init opened, even when start-up failed half-way."""
    services: Services | None = application.bot_data.pop("services", None)
    if services is not None:
        await services.close()


@asynccontextmanager
async def running(application: Application, *, poll_timeout: float = 10.0) -> AsyncIterator[Application]:
    """Run the application by long polling inside the current event loop.

    This mirrors `Application.run_polling` step by step (including post_init and
    post_shutdown), so tests and benchmarks exercise the same start and stop path as
    `python -m bot`, without owning the event loop.
    """
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
