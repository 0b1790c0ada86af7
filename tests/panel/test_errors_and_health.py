"""The bad-key classifier, error texts and the health record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.panel.errors import (
    OrderOutcomeUnknown,
    PanelAuthError,
    PanelError,
    PanelRejected,
    PanelUnavailable,
    rejection,
)
from bot.panel.health import PanelHealth


@pytest.mark.parametrize(
    "message",
    ["Invalid API key", "Incorrect key", "error.incorrect_key", "bad apikey", "api_key missing"],
)
def test_messages_about_the_key_are_auth_errors(message: str) -> None:
    error = rejection(message, http_status=200)
    assert type(error) is PanelAuthError
    assert error.message == message


@pytest.mark.parametrize(
    "message",
    ["Incorrect order ID", "Incorrect keywords", "neworder.error.incorrect_keywords",
     "Not enough funds on balance", "Monkey business"],
)
def test_other_messages_are_plain_rejections(message: str) -> None:
    assert type(rejection(message, http_status=200)) is PanelRejected


@pytest.mark.parametrize("http_status", [401, 403])
def test_auth_statuses_are_auth_errors_whatever_the_text(http_status: int) -> None:
    assert type(rejection("Access denied", http_status)) is PanelAuthError


def test_errors_print_their_message_and_share_a_base() -> None:
    for error_type in (PanelRejected, PanelAuthError, PanelUnavailable, OrderOutcomeUnknown):
        error = error_type("what happened")
        assert isinstance(error, PanelError)
        assert str(error) == "what happened"
        assert repr(error) == f"{error_type.__name__}('what happened')"
    assert not issubclass(OrderOutcomeUnknown, PanelUnavailable)


def test_health_counts_errors_of_the_last_hour_only() -> None:
    health = PanelHealth()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    health.record_error("HTML page", at=start)
    health.record_error("timeout", at=start + timedelta(minutes=30))
    health.record_success(at=start + timedelta(minutes=31))
    assert health.errors_last_hour(now=start + timedelta(minutes=59)) == 2
    assert health.errors_last_hour(now=start + timedelta(minutes=61)) == 1
    assert health.last_error == start + timedelta(minutes=30)
    assert health.last_error_message == "timeout"
    assert health.last_success == start + timedelta(minutes=31)
