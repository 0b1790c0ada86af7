"""Run the real bot by long polling against FakeTelegram, for end-to-end tests.

    async with BotHarness.start(tmp_path, panel=sandbox) as h:
        alice = h.user(1001, language_code="en")
        await alice.send("/start")
        await alice.expect_message(contains="...")
        await h.restart()

The harness knows nothing of the bot's screens. On a clean exit it fails the test if the
bot sent anything Telegram would refuse as malformed (see `FakeTelegram.client_errors`)
or logged at ERROR level; tests that provoke either on purpose pass `allow_client_errors`
or `allow_error_logs`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from telegram.ext import Application

from bot.config import Settings
from tests.support.fake_chats import ChatView, SimulatedUser
from tests.support.fake_telegram import FakeTelegram

TEST_BOT_TOKEN = "123456:TEST"
POLL_TIMEOUT = 1.0
# Nothing listens on the discard port: a harness without a panel must never reach a real one.
UNREACHABLE_PANEL_URL = "http://127.0.0.1:9/api/v2"

BotRunner = Callable[[Settings], AbstractAsyncContextManager["Application[Any, Any, Any, Any, Any, Any]"]]


class PanelServer(Protocol):
    """Anything serving API v2 on loopback, e.g. `bot.sandbox.SandboxPanel`."""

    @property
    def url(self) -> str: ...


class ErrorLogRecorder(logging.Handler):
    """Keeps every ERROR (and worse) record logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class IsolatedSettings(Settings):
    """Settings built from arguments only: no environment variables, no `.env` file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@asynccontextmanager
async def run_real_bot(settings: Settings) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Build the project's Application and run it as `run_polling` would."""
    from bot.app import build_application, running  # imported late: tests/support loads without it

    application = build_application(settings)
    async with running(application, poll_timeout=POLL_TIMEOUT):
        yield application


class BotHarness:
    """A running bot, the fake Telegram it polls, and the panel it talks to."""

    def __init__(
        self, fake: FakeTelegram, setting_values: dict[str, Any], runner: BotRunner, panel: PanelServer | None
    ) -> None:
        self.fake = fake
        self.panel = panel
        self._setting_values = setting_values
        self.settings: Settings = IsolatedSettings(**setting_values)
        self._runner = runner
        self._running: AsyncExitStack | None = None
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._error_logs = ErrorLogRecorder()

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        tmp_path: Path,
        *,
        panel: PanelServer | None = None,
        fake: FakeTelegram | None = None,
        runner: BotRunner = run_real_bot,
        allow_client_errors: bool = False,
        allow_error_logs: bool = False,
        **setting_overrides: Any,
    ) -> AsyncIterator[BotHarness]:
        """Start the bot (and a FakeTelegram unless `fake` is given); stop both on exit."""
        async with AsyncExitStack() as stack:
            if fake is None:
                fake = await stack.enter_async_context(FakeTelegram())
            values: dict[str, Any] = {
                "bot_token": TEST_BOT_TOKEN,
                "telegram_base_url": fake.base_url,
                "smm_api_url": panel.url if panel is not None else UNREACHABLE_PANEL_URL,
                "database_path": tmp_path / "bot.sqlite3",
            }
            harness = cls(fake, values | setting_overrides, runner, panel)
            root_logger = logging.getLogger()
            root_logger.addHandler(harness._error_logs)
            stack.callback(root_logger.removeHandler, harness._error_logs)
            await harness._start_bot()
            stack.push_async_callback(harness._stop_bot)
            yield harness
            await harness._stop_bot()
            harness.assert_clean(client_errors=not allow_client_errors, error_logs=not allow_error_logs)

    @property
    def app(self) -> Application[Any, Any, Any, Any, Any, Any]:
        """The Application currently running."""
        if self._application is None:
            raise RuntimeError("the bot is not running")
        return self._application

    def user(self, user_id: int, **profile: Any) -> SimulatedUser:
        """A simulated user (see `FakeTelegram.user`)."""
        return self.fake.user(user_id, **profile)

    def group(self, chat_id: int, **details: Any) -> ChatView:
        """A group chat (see `FakeTelegram.group`)."""
        return self.fake.group(chat_id, **details)

    async def restart(self, **setting_overrides: Any) -> None:
        """Stop the bot cleanly and start a new Application on the same database,
        with `setting_overrides` applied from now on."""
        await self._stop_bot()
        self._setting_values |= setting_overrides
        self.settings = IsolatedSettings(**self._setting_values)
        await self._start_bot()

    @property
    def error_logs(self) -> list[logging.LogRecord]:
        """Records logged at ERROR or above since the harness started."""
        return list(self._error_logs.records)

    def assert_clean(self, *, client_errors: bool = True, error_logs: bool = True) -> None:
        """Fail if the bot sent requests Telegram refuses as malformed, or logged errors."""
        problems: list[str] = []
        if client_errors and self.fake.client_errors:
            problems.append("requests Telegram refuses (pass allow_client_errors=True if intended):")
            problems += [
                f"  {call.method}: {call.description}\n    params: {call.params}"
                for call in self.fake.client_errors
            ]
        if error_logs and self._error_logs.records:
            problems.append("errors logged (pass allow_error_logs=True if intended):")
            problems += [f"  {_describe_record(record)}" for record in self._error_logs.records]
        if problems:
            raise AssertionError("the bot misbehaved:\n" + "\n".join(problems))

    async def _start_bot(self) -> None:
        stack = AsyncExitStack()
        self._application = await stack.enter_async_context(self._runner(self.settings))
        self._running = stack

    async def _stop_bot(self) -> None:
        running, self._running, self._application = self._running, None, None
        if running is not None:
            await running.aclose()


def _describe_record(record: logging.LogRecord) -> str:
    description = f"{record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        description += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
    return description
