"""Check an `add` request against its service's form and price it, as a panel would."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.sandbox.catalog import Service
from bot.sandbox.errors import PanelError, Problem
from bot.sandbox.money import round_money
from bot.sandbox.service_types import (
    DRIPFEED_FIELDS,
    FIELDS,
    FieldValue,
    ServiceType,
    service_type,
)


@dataclass(frozen=True)
class OrderDraft:
    """A valid order not yet charged."""

    service: Service
    target: str  # the link, or the username for link-less types: what may not be ordered twice
    quantity: int  # units to deliver in total (quantity × runs or posts)
    charge: Decimal
    details: dict[str, FieldValue]


def draft_order(service: Service, params: Mapping[str, str]) -> OrderDraft:
    """Validate `params` for `service` and price the order, or raise the panel's error."""
    form = service_type(service.type)
    details = _read_fields(form, service, params)
    for low, high in form.not_above:
        if _as_int(details[low]) > _as_int(details[high]):
            raise _incorrect(low)
    repeats = _as_int(details.get(form.repeats_from, 1)) if form.repeats_from else 1
    if form.quantity_from is None:
        quantity, charge = 1, service.rate
    else:
        quantity = _measure(details[form.quantity_from])
        if quantity < service.min:
            raise PanelError(Problem.MIN_QUANTITY, limit=service.min)
        if quantity > service.max:
            raise PanelError(Problem.MAX_QUANTITY, limit=service.max)
        charge = service.rate * quantity * repeats / 1000
    target = str(details.get("link") or details.get("username", ""))
    return OrderDraft(service, target, quantity * repeats, round_money(charge), details)


def _read_fields(
    form: ServiceType, service: Service, params: Mapping[str, str]
) -> dict[str, FieldValue]:
    """Parse the required fields, the optional ones given, and drip-feed where it is on."""
    wanted = list(form.required)
    wanted += [name for name in form.optional if params.get(name, "").strip()]
    if any(params.get(name, "").strip() for name in DRIPFEED_FIELDS):
        if not (form.dripfeed and service.dripfeed):
            raise PanelError(Problem.DRIPFEED_DISABLED)
        wanted += DRIPFEED_FIELDS
    details = {name: _parse(name, params) for name in wanted}
    for requirement in form.requirements:
        if details.get(requirement.when) == requirement.equals:
            details[requirement.field] = _parse(requirement.field, params)
    return details


def _parse(name: str, params: Mapping[str, str]) -> FieldValue:
    try:
        return FIELDS[name].parse(params.get(name, ""))
    except ValueError:
        raise _incorrect(name) from None


def _incorrect(name: str) -> PanelError:
    return PanelError(Problem.INCORRECT_FIELD, field=name, label=FIELDS[name].label)


def _measure(value: FieldValue) -> int:
    """The quantity a field stands for: its number, or how many lines it has."""
    return len(value) if isinstance(value, tuple) else _as_int(value)


def _as_int(value: FieldValue) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a number field, got {type(value).__name__}")
    return value
