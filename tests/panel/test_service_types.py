"""The `add` form table is complete and consistent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.panel.models import Service, ServiceType
from bot.panel.service_types import (
    SERVICE_TYPES,
    FieldKind,
    QuantityMode,
    order_fields,
)


def make_service(type_name: str, *, dripfeed: bool) -> Service:
    return Service(
        id=1, name="S", type=type_name, category="C", rate=Decimal("1"), min=1, max=10,
        dripfeed=dripfeed,
    )


def names(service: Service) -> list[str]:
    return [field.name for field in order_fields(service)]


def test_every_service_type_has_a_form() -> None:
    assert set(SERVICE_TYPES) == set(ServiceType)


@pytest.mark.parametrize("service_type", list(ServiceType))
def test_forms_are_consistent(service_type: ServiceType) -> None:
    spec = SERVICE_TYPES[service_type]
    by_name = {field.name: field for field in spec.fields}
    assert len(by_name) == len(spec.fields)
    assert ("quantity" in by_name) == (spec.quantity is QuantityMode.FIELD)
    if spec.quantity is QuantityMode.LINES:
        assert spec.quantity_from is not None and by_name[spec.quantity_from].one_per_line
    else:
        assert spec.quantity_from is None
    for field in spec.fields:
        assert bool(field.choices) == (field.kind is FieldKind.CHOICE)
        if field.required_when is not None:
            other, value = field.required_when
            assert value in {choice.value for choice in by_name[other].choices}
            assert not field.required
    assert spec.known == (service_type is not ServiceType.UNKNOWN)


def test_panel_api_table_rows() -> None:
    assert names(make_service("SEO", dripfeed=False)) == ["link", "quantity", "keywords"]
    assert names(make_service("Custom Comments", dripfeed=False)) == ["link", "comments"]
    assert names(make_service("Mentions with Hashtags", dripfeed=False)) == [
        "link", "quantity", "usernames", "hashtags",
    ]
    assert names(make_service("Package", dripfeed=True)) == ["link"]
    assert names(make_service("Subscriptions", dripfeed=False)) == [
        "username", "min", "max", "posts", "old_posts", "delay", "expiry",
    ]
    assert names(make_service("Story Views Beta", dripfeed=False)) == ["link", "quantity"]
    assert SERVICE_TYPES[ServiceType.MENTIONS_CUSTOM_LIST].quantity_from == "usernames"
    assert SERVICE_TYPES[ServiceType.CUSTOM_COMMENTS_PACKAGE].quantity is QuantityMode.NONE


@pytest.mark.parametrize("type_name", ["Default", "Web Traffic"])
def test_dripfeed_fields_need_both_the_type_and_the_service(type_name: str) -> None:
    assert names(make_service(type_name, dripfeed=True))[-2:] == ["runs", "interval"]
    assert "runs" not in names(make_service(type_name, dripfeed=False))


def test_dripfeed_is_never_offered_for_other_types() -> None:
    for service_type in ServiceType:
        if service_type not in (ServiceType.DEFAULT, ServiceType.WEB_TRAFFIC):
            assert not SERVICE_TYPES[service_type].dripfeed
