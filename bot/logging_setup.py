"""Logging: one `key=value` line per event, with every known secret masked wherever it appears.

Events are logged with `log_event(logger, "panel.call", action="status", ms=12.5)` and come
out as

    ts=2026-11-27T09:40:00.123Z level=info logger=bot.panel.client event=panel.call action=status ms=12.5

Free-text records from libraries (and from code that logs a sentence) become `msg="…"`;
a traceback becomes one escaped `exc="…"` field, so every record stays on one line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from telegram import Update

# Libraries that log every request at INFO, or whole updates and request parameters (user
# messages, which may contain a panel key typed into /connect) at DEBUG.
LIBRARY_LEVELS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "tornado.access": logging.WARNING,
    "telegram": logging.INFO,
    # At DEBUG it logs every statement with its values: stored key ciphertexts, what users type.
    "aiosqlite": logging.INFO,
}
_EVENT_ATTRIBUTE = "structured_event"
_BARE_VALUE = re.compile(r"[^\s\"=\\]+")


class RedactingFilter(logging.Filter):
    """Replace known secrets in the rendered message (event fields included) and tracebacks.

    PTB logs request URLs that embed the bot token, and third-party libraries may include
    request data in exceptions; masking at the handler is the one place that catches all.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = {secret for secret in secrets if secret}

    def add_secret(self, secret: str) -> None:
        if secret:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REDACTOR = RedactingFilter()


def log_event(logger: logging.Logger, event: str, /, level: int = logging.INFO, **fields: object) -> None:
    """Log one event with its fields (None values left out) as the message `event k=v …`."""
    if logger.isEnabledFor(level):
        present = {name: value for name, value in fields.items() if value is not None}
        message = f"{event} {format_fields(present)}" if present else event
        logger.log(level, message, extra={_EVENT_ATTRIBUTE: True})


def format_value(value: object) -> str:
    """Render a field value: bare when it is one plain word, else quoted with escapes."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:.1f}"
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    if _BARE_VALUE.fullmatch(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def format_fields(fields: Mapping[str, object]) -> str:
    return " ".join(f"{name}={format_value(value)}" for name, value in fields.items())


class KeyValueFormatter(logging.Formatter):
    """Render a record as one `key=value` line (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        trailer: dict[str, object] = {}
        if record.exc_text:
            trailer["exc"] = record.exc_text
        if record.stack_info:
            trailer["stack"] = self.formatStack(record.stack_info)
        if getattr(record, _EVENT_ATTRIBUTE, False):
            # The message is already `event k=v …` (see log_event).
            line = f"{format_fields(fields)} event={record.getMessage()}"
        else:
            line = format_fields(fields | {"msg": record.getMessage()})
        return f"{line} {format_fields(trailer)}" if trailer else line


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Install one stderr handler with the redactor; keep chatty libraries quieter."""
    for secret in secrets:
        REDACTOR.add_secret(secret)
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter())
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))


# PTB loggers that write whole updates (and so users' words) at DEBUG.
_UPDATE_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Application", "telegram.ext.Updater")


class UserTextScrubber(logging.Filter):
    """Replace the updates in PTB's DEBUG records with their ids.

    PTB logs every getUpdates reply and every update it processes at DEBUG, before any
    handler runs, so a key pasted into /connect would reach the log before the bot knows it
    is one. What users type never needs to be in a log line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG and record.args:
            record.args = tuple(self._scrub(record.msg, arg) for arg in _as_tuple(record.args))
        return True

    @staticmethod
    def _scrub(msg: object, arg: object) -> object:
        if isinstance(arg, Update):
            return f"<update {arg.update_id}>"
        if isinstance(msg, str) and "Bot API endpoint" in msg and isinstance(arg, list | dict):
            return f"<{type(arg).__name__} of {len(arg)}>"
        if isinstance(msg, str) and msg.startswith("Webhook received data") and isinstance(arg, str | bytes):
            return f"<{len(arg)} characters>"
        return arg


def _as_tuple(args: object) -> tuple[object, ...]:
    return args if isinstance(args, tuple) else (args,)


def install_update_log_scrubber() -> None:
    """Attach the scrubber to PTB's loggers once per process."""
    for name in _UPDATE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, UserTextScrubber) for existing in logger.filters):
            logger.addFilter(UserTextScrubber())
