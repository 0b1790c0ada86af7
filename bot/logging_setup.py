"""Logging: one line per event, with every known secret masked wherever it appears."""

from __future__ import annotations

import logging
from collections.abc import Iterable

_QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiohttp.access")


class RedactingFilter(logging.Filter):
    """Replace known secrets in the rendered message.

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


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Install one stderr handler with the redactor; keep chatty libraries at WARNING."""
    for secret in secrets:
        REDACTOR.add_secret(secret)
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
