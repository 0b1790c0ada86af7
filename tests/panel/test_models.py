"""Models accept every wire variant of panel-api.md and normalise it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from bot.panel.models import (
    Balance,
    OrderState,
    OrderStatus,
    RefillState,
    RefillStatus,
    Service,
    ServiceType,
    to_decimal,
    to_flag,
    to_int,
)

DOCS_SERVICE = {
    "service": 1,
    "name": "Followers",
    "type": "Default",
    "category": "First Category",
    "rate": "0.90",
    "min": "50",
    "max": "10000",
    "refill": True,
    "cancel": True,
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.90", Decimal("0.90")),
        (" 0.2781900 ", Decimal("0.2781900")),
        (8, Decimal(8)),
        (0.1, Decimal("0.1")),  # via str(), so not 0.1000000000000000055511151231257827
        (0.27819, Decimal("0.27819")),
        (Decimal("1.5"), Decimal("1.5")),
    ],
)
def test_to_decimal_reads_every_number_form_exactly(raw: object, expected: Decimal) -> None:
    assert to_decimal(raw) == expected
    assert str(to_decimal(raw)) == str(expected)


@pytest.mark.parametrize("raw", [True, "abc", "", None, [1], "NaN", Decimal("Infinity")])
def test_to_decimal_refuses_non_numbers(raw: object) -> None:
    with pytest.raises(ValueError):
        to_decimal(raw)


@pytest.mark.parametrize(("raw", "expected"), [("157", 157), (157, 157), (157.0, 157), ("-5", -5)])
def test_to_int_reads_whole_numbers(raw: object, expected: int) -> None:
    assert to_int(raw) == expected


@pytest.mark.parametrize("raw", ["1.5", 1.5, False, "x"])
def test_to_int_refuses_fractions_and_words(raw: object) -> None:
    with pytest.raises(ValueError):
        to_int(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False),
     ("true", True), ("False", False), (None, False), ("", False)],
)
def test_to_flag_reads_bools_numbers_and_text(raw: object, expected: bool) -> None:
    assert to_flag(raw) is expected


def test_service_reads_the_documented_example() -> None:
    service = Service.model_validate(DOCS_SERVICE)
    assert service.id == 1
    assert service.rate == Decimal("0.90")
    assert (service.min, service.max) == (50, 10000)
    assert service.refill and service.cancel and not service.dripfeed
    assert service.kind is ServiceType.DEFAULT
    assert service.description is None


def test_service_reads_the_all_strings_variant() -> None:
    raw = {
        "service": "308", "name": "Likes", "type": "default", "category": "C",
        "rate": "1.2345678", "min": "10", "max": "500", "dripfeed": "1",
        "desc": "Fast start", "average_time": "5 minutes",
    }
    service = Service.model_validate(raw)
    assert service.id == 308
    assert service.type == "default"
    assert service.kind is ServiceType.DEFAULT
    assert service.rate == Decimal("1.2345678")
    assert service.dripfeed is True
    assert service.refill is False and service.cancel is False  # missing means no
    assert service.description == "Fast start"


def test_service_reads_the_numbers_variant_without_float_error() -> None:
    raw = {**DOCS_SERVICE, "rate": 0.1, "min": 50, "max": 10000, "dripfeed": 0,
           "description": "About"}
    service = Service.model_validate(raw)
    assert str(service.rate) == "0.1"
    assert service.dripfeed is False
    assert service.description == "About"


def test_service_is_frozen() -> None:
    service = Service.model_validate(DOCS_SERVICE)
    with pytest.raises(ValidationError):
        service.rate = Decimal("0")  # type: ignore[misc]


@pytest.mark.parametrize(
    "broken",
    [
        {k: v for k, v in DOCS_SERVICE.items() if k != "rate"},
        {**DOCS_SERVICE, "rate": "free"},
        {**DOCS_SERVICE, "min": "500", "max": "100"},
        {**DOCS_SERVICE, "service": "0"},
        {**DOCS_SERVICE, "rate": "-1"},
    ],
)
def test_service_refuses_entries_that_cannot_be_priced(broken: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Service.model_validate(broken)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Default", ServiceType.DEFAULT),
        ("default", ServiceType.DEFAULT),
        ("SEO", ServiceType.SEO),
        ("custom comments", ServiceType.CUSTOM_COMMENTS),
        ("Custom Comments Package", ServiceType.CUSTOM_COMMENTS_PACKAGE),
        ("Mentions With Hashtags", ServiceType.MENTIONS_WITH_HASHTAGS),
        ("mentions_custom_list", ServiceType.MENTIONS_CUSTOM_LIST),
        (" Web  Traffic ", ServiceType.WEB_TRAFFIC),
        ("Story Views Beta", ServiceType.UNKNOWN),
        ("", ServiceType.UNKNOWN),
    ],
)
def test_service_type_parse_ignores_case_and_spacing(raw: str, expected: ServiceType) -> None:
    assert ServiceType.parse(raw) is expected


def test_every_named_service_type_parses_back_from_its_own_name() -> None:
    for member in ServiceType:
        assert ServiceType.parse(member.value) is member


@pytest.mark.parametrize(
    ("raw", "state", "final"),
    [
        ("Pending", OrderState.PENDING, False),
        ("In progress", OrderState.IN_PROGRESS, False),
        ("in_progress", OrderState.IN_PROGRESS, False),
        ("Processing", OrderState.PROCESSING, False),
        ("Completed", OrderState.COMPLETED, True),
        ("Partial", OrderState.PARTIAL, True),
        ("Canceled", OrderState.CANCELED, True),
        ("Cancelled", OrderState.CANCELED, True),
        ("Refunded", OrderState.CANCELED, True),
        ("Failed", OrderState.FAILED, False),
        ("Error", OrderState.FAILED, False),
        ("Awaiting moderation", OrderState.UNKNOWN, False),
    ],
)
def test_order_states_and_finality(raw: str, state: OrderState, final: bool) -> None:
    status = OrderStatus.model_validate({"status": raw})
    assert status.status == raw
    assert status.state is state
    assert status.state.is_final is final


def test_order_status_reads_the_documented_example() -> None:
    status = OrderStatus.model_validate(
        {"charge": "0.27819", "start_count": "3572", "status": "Partial",
         "remains": "157", "currency": "USD"}
    )
    assert status.charge == Decimal("0.27819")
    assert (status.start_count, status.remains, status.currency) == (3572, 157, "USD")


@pytest.mark.parametrize("unknown", ["Unknown", "", None, "N/A"])
def test_order_status_reads_unknown_numbers_as_none(unknown: object) -> None:
    status = OrderStatus.model_validate(
        {"status": "Pending", "remains": unknown, "start_count": unknown, "charge": unknown}
    )
    assert (status.remains, status.start_count, status.charge) == (None, None, None)


def test_order_status_reads_numbers_and_floats() -> None:
    status = OrderStatus.model_validate(
        {"status": "Completed", "charge": 0.27819, "start_count": 3572, "remains": 0}
    )
    assert str(status.charge) == "0.27819"
    assert status.remains == 0
    assert status.currency is None


def test_order_status_needs_a_status() -> None:
    with pytest.raises(ValidationError):
        OrderStatus.model_validate({"charge": "1"})


@pytest.mark.parametrize(
    ("raw", "state", "final"),
    [
        ("Pending", RefillState.PENDING, False),
        ("In progress", RefillState.IN_PROGRESS, False),
        ("Completed", RefillState.COMPLETED, True),
        ("Rejected", RefillState.REJECTED, True),
        ("Cancelled", RefillState.CANCELED, True),
        ("Error", RefillState.ERROR, True),
        ("Queued", RefillState.UNKNOWN, False),
    ],
)
def test_refill_states_and_finality(raw: str, state: RefillState, final: bool) -> None:
    refill = RefillStatus.model_validate({"status": raw})
    assert refill.state is state
    assert refill.state.is_final is final


@pytest.mark.parametrize("amount", ["100.84292", 100.84292, Decimal("100.84292")])
def test_balance_reads_strings_and_numbers(amount: object) -> None:
    balance = Balance.model_validate({"balance": amount, "currency": "USD"})
    assert balance.amount == Decimal("100.84292")
    assert balance.currency == "USD"
