"""Structured logs: one `key=value` line per record, secrets masked, nothing a user typed."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from decimal import Decimal

import pytest
from telegram import Update

from bot.logging_setup import (
    LIBRARY_LEVELS,
    REDACTOR,
    KeyValueFormatter,
    RedactingFilter,
    configure_logging,
    log_event,
)
from bot.update_processor import update_action, update_kind

TOKEN = "123456:AAH-secret-token"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """Capture what configure_logging's handler writes; restore the root logger after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    libraries = [logging.getLogger(name) for name in LIBRARY_LEVELS]
    saved_library_levels = [library.level for library in libraries]
    configure_logging("INFO", [TOKEN])
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for library, level in zip(libraries, saved_library_levels, strict=True):
        library.setLevel(level)


def test_an_event_is_one_line_of_fields(lines: io.StringIO) -> None:
    log_event(
        logging.getLogger("bot.test"), "panel.call", action="add", ms=12.345, ok=True, charge=Decimal("0.10"),
        outcome='PanelRejected: "Incorrect link" = no', skipped=None,
    )
    [line] = lines.getvalue().splitlines()
    assert line.startswith("ts=") and "Z level=info logger=bot.test event=panel.call " in line
    assert line.endswith(
        'action=add ms=12.3 ok=true charge=0.10 outcome="PanelRejected: \\"Incorrect link\\" = no"'
    )


def test_sentences_and_tracebacks_stay_on_one_line_without_secrets(lines: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed\nwith {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    log_event(log, "job.run", url=f"https://api.telegram.org/bot{TOKEN}/x")
    output = lines.getvalue()
    assert TOKEN not in output
    warning, error, event = output.splitlines()
    assert warning.endswith('msg="calling https://api.telegram.org/bot***/getMe"')
    assert 'msg=boom exc="Traceback (most recent call last):\\n' in error
    assert "RuntimeError: failed\\nwith ***" in error
    assert event.endswith("event=job.run url=https://api.telegram.org/bot***/x")


def test_library_chatter_is_held_back_unless_asked_for(lines: io.StringIO) -> None:
    # PTB logs whole updates (what users typed) at DEBUG and every HTTP request at INFO.
    assert not logging.getLogger("telegram.ext.Application").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    configure_logging("DEBUG")
    assert logging.getLogger("bot.panel.client").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("telegram").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)  # statements with their values
    configure_logging("WARNING")
    assert not logging.getLogger("telegram").isEnabledFor(logging.INFO)


def test_redactor_is_the_one_configure_logging_installs() -> None:
    assert isinstance(REDACTOR, RedactingFilter)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain", None, None)
    assert KeyValueFormatter().format(record).endswith("logger=x msg=plain")


def update(payload: dict[str, object]) -> Update:
    user = {"id": 1, "is_bot": False, "first_name": "A"}
    chat = {"id": 1, "type": "private"}
    if "text" in payload:
        return Update.de_json({"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": chat, "from": user,
                                                           **payload}}, None)
    query = {"id": "1", "from": user, "chat_instance": "1", **payload}
    return Update.de_json({"update_id": 1, "callback_query": query}, None)


@pytest.mark.parametrize(
    ("payload", "kind", "action"),
    [
        ({"text": "/connect sk-live-1234"}, "message", "/connect"),
        ({"text": "/order@smm_test_bot 42"}, "message", "/order"),
        ({"text": "sk-live-1234"}, "message", None),
        ({"data": "ord:55:refill"}, "callback_query", "ord"),
        ({"text": "/connectsk-live-1234"}, "message", "/other"),  # a key glued to the command
        ({"text": "/connect" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"}, "message", "/other"),
        ({"text": "/cancel_orders 1,2"}, "message", "/cancel_orders"),
        ({"data": "sk-live-1234:forged"}, "callback_query", "other"),
    ],
)
def test_the_update_line_names_the_command_never_the_text(
    payload: dict[str, object], kind: str, action: str | None
) -> None:
    handled = update(payload)
    assert update_kind(handled) == kind
    assert update_action(handled) == action
