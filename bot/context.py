"""The shared objects of one running bot, and the handler context that reaches them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from telegram import Bot, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.healthcheck import schedule_heartbeat
from bot.i18n import I18n, Translator
from bot.jobs import schedule_jobs
from bot.panel import PanelClient
from bot.services.catalog import CatalogCache
from bot.services.unknown_orders import recover_interrupted
from bot.storage import Database, DatabaseUnavailable, InstanceLock, User
from bot.views.common import bot_commands

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything created once per process and shared by handlers and jobs."""

    settings: Settings
    db: Database
    panel: PanelClient
    i18n: I18n
    catalogs: CatalogCache
    instance_lock: InstanceLock
    # Handlers and jobs may meet the same work at the same moment; these keep it to one
    # (one process per database, so in-process state is enough).
    balance_checks: asyncio.Lock = field(default_factory=asyncio.Lock)  # one low-balance alert
    unknown_reports: asyncio.Lock = field(default_factory=asyncio.Lock)  # one report per order
    admin_alerts_sent: dict[tuple[str, ...], float] = field(default_factory=dict)  # throttle

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        """Claim the database for this process, open it (migrating it), create the panel client."""
        i18n = I18n.load(default_language=settings.default_language, timezone=settings.timezone)
        try:
            instance_lock = InstanceLock.acquire(settings.database_path)
        except OSError as error:  # its folder cannot be made: a file in the way, no rights
            raise DatabaseUnavailable(settings.database_path, error) from error
        try:
            db = await Database.open(settings.database_path, secret_key=settings.secret_key)
        except OSError as error:
            instance_lock.release()
            raise DatabaseUnavailable(settings.database_path, error) from error
        except BaseException:
            instance_lock.release()
            raise
        panel = PanelClient(settings.smm_api_url, timeout=settings.panel_timeout)
        catalogs = CatalogCache(panel, settings.catalog_ttl)
        return cls(
            settings=settings, db=db, panel=panel, i18n=i18n, catalogs=catalogs, instance_lock=instance_lock
        )

    async def on_start(self, application: Application) -> None:
        """Set the command menu in every language (and the default) and each admin's with the
        admin commands, settle orders a crash cut off mid-send, then schedule the jobs."""
        bot = application.bot
        await bot.set_my_commands(bot_commands(self.i18n.translator(self.settings.default_language)))
        for language in self.i18n.languages:
            await bot.set_my_commands(bot_commands(self.i18n.translator(language)), language_code=language)
        for admin_id in sorted(self.settings.admin_ids):
            admin = await self.db.users.get(admin_id)
            await self.set_chat_menu(bot, admin_id, admin.language if admin is not None else None)
        await recover_interrupted(self, bot)
        schedule_jobs(application, self)
        schedule_heartbeat(application, self.settings.database_path)

    async def set_chat_menu(self, bot: Bot, user_id: int, language: str | None) -> None:
        """Set the command menu of one user's chat in their language (None: in each app language).

        An admin's lists the admin commands too, and is set for every language code as well:
        Telegram prefers a chat's menu for the app's language to the chat's menu for any
        language, so a language the admin picks later has to replace every one of them. A chat
        Telegram does not know ("chat not found": the admin never opened the bot) keeps the
        menu everyone has; that is no reason to stop.
        """
        admin = self.settings.is_admin(user_id)
        menus: list[tuple[str | None, str]] = [(None, language or self.settings.default_language)]
        if admin:
            menus += [(code, language or code) for code in self.i18n.languages]
        try:
            for language_code, shown in menus:
                commands = bot_commands(self.i18n.translator(shown), admin=admin)
                await bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id), language_code=language_code)
        except TelegramError as error:
            log.warning("command menu of chat %s not set: %s", user_id, error)

    async def close(self) -> None:
        """Close the panel client and the database, then let another process have it."""
        await self.catalogs.close()
        await self.panel.close()
        await self.db.close()
        self.instance_lock.release()


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):
    """CallbackContext with typed access to the shared services and the current user.

    PTB builds one context per update and hands it to every handler group, so the gate
    handler (group -1) can load the user once and later handlers read `tr` and `user`.
    """

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self._translator: Translator | None = None
        self._user: User | None = None

    @property
    def services(self) -> Services:
        services: Services = self.bot_data["services"]
        return services

    @property
    def tr(self) -> Translator:
        """The current user's translator (the default language before the gate ran)."""
        if self._translator is None:
            return self.services.i18n.translator(self.services.settings.default_language)
        return self._translator

    @property
    def user(self) -> User:
        if self._user is None:
            raise RuntimeError("context.user is read before the gate handler loaded it")
        return self._user

    def set_user(self, user: User, translator: Translator) -> None:
        self._user = user
        self._translator = translator
