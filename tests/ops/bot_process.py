"""Run the real `python -m bot` as a child process against the loopback fakes.

    async with BotProcess.start(tmp_path, fake, SMM_API_URL=panel.url) as bot:
        await fake.wait_for_call("getUpdates")
        ...
        bot.terminate()                      # SIGTERM
        assert await bot.wait() == 0
    bot.log_lines                            # everything it logged (stderr), one event a line

The child runs in `tmp_path` (no `.env`), with none of the bot's settings inherited from
this environment: only the ones given here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TEST_BOT_TOKEN

ROOT = Path(__file__).resolve().parents[2]
# Settings every child gets unless overridden: pollers out of the way, logs at INFO.
BASE_SETTINGS = {
    "BOT_TOKEN": TEST_BOT_TOKEN,
    "STATUS_POLL_INTERVAL": "3600",
    "BALANCE_CHECK_INTERVAL": "3600",
    "LOG_LEVEL": "INFO",
}
_SETTING_NAMES = (
    "BOT_TOKEN TELEGRAM_BASE_URL SMM_API_URL SMM_API_KEY ADMIN_IDS ALLOWED_USER_IDS DATABASE_PATH "
    "STATUS_POLL_INTERVAL BALANCE_CHECK_INTERVAL LOW_BALANCE_THRESHOLD DEFAULT_LANGUAGE SECRET_KEY "
    "CATALOG_TTL PANEL_TIMEOUT LOG_LEVEL WEBHOOK_URL WEBHOOK_SECRET WEBHOOK_LISTEN WEBHOOK_PORT"
).split()
EXIT_TIMEOUT = 15.0


class BotProcess:
    """One `python -m bot` child and what it wrote to stderr."""

    def __init__(self, process: asyncio.subprocess.Process, database_path: Path) -> None:
        self.process = process
        self.database_path = database_path
        self.log_lines: list[str] = []
        self._logged = asyncio.Condition()
        self._stderr_closed = False
        assert process.stderr is not None
        self._reader = asyncio.create_task(self._read(process.stderr))

    @classmethod
    @asynccontextmanager
    async def start(
        cls, tmp_path: Path, fake: FakeTelegram, *, arguments: Sequence[str] = ("-m", "bot"), **settings: str
    ) -> AsyncIterator[BotProcess]:
        """Start `python <arguments>` with `settings` (environment names) over BASE_SETTINGS;
        kill it on exit."""
        database_path = tmp_path / "bot.sqlite3"
        environment = {name: value for name, value in os.environ.items() if name not in _SETTING_NAMES}
        environment |= BASE_SETTINGS | {
            "TELEGRAM_BASE_URL": fake.base_url,
            "DATABASE_PATH": str(database_path),
            "PYTHONPATH": str(ROOT),
        }
        environment |= settings
        process = await asyncio.create_subprocess_exec(
            sys.executable, *arguments,
            cwd=tmp_path, env=environment,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        bot = cls(process, database_path)
        try:
            yield bot
        finally:
            if process.returncode is None:
                process.kill()
            await bot.wait()

    def terminate(self) -> None:
        """Send SIGTERM, as `docker stop` and systemd do."""
        self.process.send_signal(signal.SIGTERM)

    async def wait(self, timeout: float = EXIT_TIMEOUT) -> int:
        """Wait for the process to exit and its stderr to be read; return the exit code."""
        async with asyncio.timeout(timeout):
            code = await self.process.wait()
            await self._reader
        return code

    async def wait_for_log(self, text: str, timeout: float = EXIT_TIMEOUT) -> str:
        """Wait for a log line containing `text` (fail if the process exits first); return it."""

        def found() -> str | None:
            return next((line for line in self.log_lines if text in line), None)

        async with self._logged:
            async with asyncio.timeout(timeout):
                await self._logged.wait_for(lambda: found() is not None or self._stderr_closed)
        line = found()
        assert line is not None, f"the bot exited without logging {text!r}:\n{self.log_text}"
        return line

    def events(self, name: str) -> list[str]:
        """The log lines of one structured event (`event=<name> …`)."""
        return [line for line in self.log_lines if f" event={name} " in line or line.endswith(f" event={name}")]

    @property
    def log_text(self) -> str:
        return "\n".join(self.log_lines)

    async def _read(self, stream: asyncio.StreamReader) -> None:
        try:
            async for line in stream:
                async with self._logged:
                    self.log_lines.append(line.decode(errors="replace").rstrip("\n"))
                    self._logged.notify_all()
        finally:
            async with self._logged:
                self._stderr_closed = True
                self._logged.notify_all()
