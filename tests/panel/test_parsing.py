"""Replies of every shape panel-api.md lists become models; bad shapes are refused."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from bot.panel.errors import PanelAuthError, PanelRejected
from bot.panel.models import CancelResult, ItemError, OrderState, RefillState
from bot.panel.parsing import (
    MISSING_ITEM,
    MalformedReply,
    error_message,
    parse_balance,
    parse_cancel_batch,
    parse_order_id,
    parse_order_status,
    parse_refill_batch,
    parse_refill_id,
    parse_refill_status,
    parse_refill_status_batch,
    parse_services,
    parse_status_batch,
)


def test_error_message_finds_only_real_errors() -> None:
    assert error_message({"error": "Incorrect order ID"}) == "Incorrect order ID"
    assert error_message({"error": None, "status": "Pending"}) is None
    assert error_message({"error": ""}) is None
    # What some scripts write for "no error" beside a real answer.
    for no_error in (False, 0, "0", "false", " "):
        assert error_message({"order": 23501, "error": no_error}) is None, no_error
    assert error_message({"error": True}) == "True"
    assert error_message({"error": 1}) == "1"
    assert error_message(["error"]) is None
    assert error_message("error") is None


def test_parse_services_skips_unreadable_entries_and_logs_without_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = {"service": 1, "name": "A", "type": "Default", "category": "C",
            "rate": "0.90", "min": "50", "max": "100"}
    no_rate = {k: v for k, v in good.items() if k != "rate"} | {"service": 2}
    with caplog.at_level(logging.WARNING, logger="bot.panel.parsing"):
        services = parse_services([good, no_rate, "junk", {**good, "service": "3"}])
    assert [service.id for service in services] == [1, 3]
    assert "service 2" in caplog.text and "rate" in caplog.text


@pytest.mark.parametrize("reply", [{"services": []}, "[]", None])
def test_parse_services_needs_a_list(reply: object) -> None:
    with pytest.raises(MalformedReply):
        parse_services(reply)


@pytest.mark.parametrize(
    "reply", [{"order": 23501}, {"order": "23501"}, {"order": Decimal("23501")}]
)
def test_parse_order_id_takes_numbers_and_strings(reply: object) -> None:
    assert parse_order_id(reply) == 23501


@pytest.mark.parametrize(
    "reply", [{}, {"order": None}, {"order": "x"}, {"order": 0}, [], {"id": 5}]
)
def test_parse_order_id_refuses_replies_without_an_id(reply: object) -> None:
    with pytest.raises(MalformedReply):
        parse_order_id(reply)


def test_parse_order_status_reads_one_order() -> None:
    status = parse_order_status(
        {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157",
         "currency": "USD"}
    )
    assert status.state is OrderState.PARTIAL
    assert status.charge == Decimal("0.27819")


def test_parse_order_status_refuses_a_reply_without_status() -> None:
    with pytest.raises(MalformedReply, match="status"):
        parse_order_status({"charge": "1"})


def test_parse_status_batch_reads_the_documented_example_in_request_order() -> None:
    reply = {
        "1": {"charge": "0.27819", "start_count": "3572", "status": "Partial",
              "remains": "157", "currency": "USD"},
        "10": {"error": "Incorrect order ID"},
        "100": {"charge": "1.44219", "start_count": "234", "status": "In progress",
                "remains": "10", "currency": "USD"},
    }
    result = parse_status_batch(reply, [100, 10, 1])
    assert list(result) == [100, 10, 1]
    assert result[10] == ItemError(message="Incorrect order ID")
    first = result[1]
    assert not isinstance(first, ItemError) and first.remains == 157
    last = result[100]
    assert not isinstance(last, ItemError) and last.state is OrderState.IN_PROGRESS


def test_parse_status_batch_marks_missing_and_unreadable_items() -> None:
    reply = {"5": {"charge": "1"}, "6": "Completed", "junk": {"status": "Pending"}}
    result = parse_status_batch(reply, [5, 6, 7])
    assert isinstance(result[5], ItemError) and isinstance(result[6], ItemError)
    assert result[7] == MISSING_ITEM
    assert set(result) == {5, 6, 7}


def test_parse_status_batch_needs_an_object() -> None:
    with pytest.raises(MalformedReply):
        parse_status_batch([{"status": "Pending"}], [1])


@pytest.mark.parametrize("reply", [{"refill": "1"}, {"refill": 1}])
def test_parse_refill_id_takes_numbers_and_strings(reply: object) -> None:
    assert parse_refill_id(reply) == 1


def test_parse_refill_id_raises_the_panels_nested_error() -> None:
    with pytest.raises(PanelRejected, match="Incorrect order ID"):
        parse_refill_id({"refill": {"error": "Incorrect order ID"}})


def test_parse_refill_batch_reads_ids_and_item_errors() -> None:
    reply = [
        {"order": 1, "refill": 1},
        {"order": "2", "refill": "2"},
        {"order": 3, "refill": {"error": "Incorrect order ID"}},
        {"order": 4, "refill": "soon"},
    ]
    assert parse_refill_batch(reply, [1, 2, 3, 4, 5]) == {
        1: 1,
        2: 2,
        3: ItemError(message="Incorrect order ID"),
        4: ItemError(message="unreadable item in the panel's reply"),
        5: MISSING_ITEM,
    }


@pytest.mark.parametrize("reply", [{"1": {"refill": 1}}, "ok"])
def test_list_batches_need_a_list(reply: object) -> None:
    with pytest.raises(MalformedReply):
        parse_refill_batch(reply, [1])


def test_parse_refill_status_reads_one_and_raises_nested_errors() -> None:
    assert parse_refill_status({"status": "Completed"}).state is RefillState.COMPLETED
    with pytest.raises(PanelRejected, match="Refill not found"):
        parse_refill_status({"status": {"error": "Refill not found"}})
    with pytest.raises(MalformedReply):
        parse_refill_status({"status": ""})


def test_parse_refill_status_batch_reads_the_documented_example() -> None:
    reply = [
        {"refill": 1, "status": "Completed"},
        {"refill": "2", "status": "Rejected"},
        {"refill": 3, "status": {"error": "Refill not found"}},
    ]
    result = parse_refill_status_batch(reply, [1, 2, 3])
    states = {refill_id: getattr(item, "state", None) for refill_id, item in result.items()}
    assert states == {1: RefillState.COMPLETED, 2: RefillState.REJECTED, 3: None}
    assert result[3] == ItemError(message="Refill not found")


def test_parse_cancel_batch_reads_requests_and_refusals() -> None:
    reply = [
        {"order": 9, "cancel": {"error": "Incorrect order ID"}},
        {"order": 2, "cancel": 1},
        {"order": "3", "cancel": "1"},
        {"order": 4, "cancel": 0},
    ]
    result = parse_cancel_batch(reply, [9, 2, 3, 4])
    assert result[9] == ItemError(message="Incorrect order ID")
    assert result[2] == CancelResult() and result[3] == CancelResult()
    assert isinstance(result[4], ItemError)


def test_parse_balance_reads_strings_and_numbers() -> None:
    assert parse_balance({"balance": "100.84292", "currency": "USD"}).amount == Decimal("100.84292")
    assert parse_balance({"balance": Decimal("7.5"), "currency": "EUR"}).currency == "EUR"
    with pytest.raises(MalformedReply):
        parse_balance({"currency": "USD"})


def test_nested_key_errors_are_auth_errors() -> None:
    with pytest.raises(PanelAuthError):
        parse_refill_id({"refill": {"error": "Invalid API key"}})
