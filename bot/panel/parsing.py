"""Turn decoded API v2 replies into models; pure functions, no I/O.

A reply of the wrong shape raises `MalformedReply`; the client decides what that means.
Inside batch replies a bad item becomes an `ItemError`, so one odd order cannot hide the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.panel.errors import rejection
from bot.panel.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillStatus,
    Service,
    to_flag,
    to_int,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

MISSING_ITEM = ItemError(message="missing from the panel's reply")
MALFORMED_ITEM = ItemError(message="unreadable item in the panel's reply")
CANCEL_NOT_ACCEPTED = ItemError(message="the panel did not accept the cancel")


class MalformedReply(ValueError):
    """The reply is JSON but not what the action answers with."""


def error_message(value: object) -> str | None:
    """Return the text of an `{"error": ...}` object, or None for anything else."""
    if isinstance(value, dict) and _says_error(error := value.get("error")):
        return str(error)
    return None


def _says_error(error: object) -> bool:
    """False for nothing, and for what some scripts write for "no error" beside an answer."""
    if error is None or isinstance(error, bool):
        return error is True
    if isinstance(error, int | Decimal):  # JSON numbers arrive as int or Decimal
        return error != 0
    return str(error).strip().lower() not in ("", "0", "false")


def describe(error: ValidationError) -> str:
    """Summarise a validation error by field and reason, without echoing the input."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'reply'}: {item['msg']}"
        for item in error.errors()
    )


def parse_services(data: object) -> list[Service]:
    """Read the catalog, skipping (and logging) entries that cannot be read."""
    if not isinstance(data, list):
        raise MalformedReply(f"expected a list of services, got {type(data).__name__}")
    services: list[Service] = []
    for entry in data:
        try:
            services.append(Service.model_validate(entry))
        except ValidationError as error:
            service_id = entry.get("service", "?") if isinstance(entry, dict) else "?"
            logger.warning("Skipping unreadable service %s: %s", service_id, describe(error))
    return services


def parse_order_id(data: object) -> int:
    """Read `{"order": 23501}` (or "23501")."""
    return _read_field(data, "order", _positive_int)


def parse_order_status(data: object) -> OrderStatus:
    """Read the reply to `status` with `order=`."""
    return _validate(OrderStatus, data)


def parse_status_batch(
    data: object, requested: Iterable[int]
) -> dict[int, OrderStatus | ItemError]:
    """Read the reply to `status` with `orders=`: an object keyed by the id as text."""
    if not isinstance(data, dict):
        raise MalformedReply(f"expected an object keyed by order id, got {type(data).__name__}")
    found: dict[int, OrderStatus | ItemError] = {}
    for raw_id, entry in data.items():
        order_id = _id_or_none(raw_id)
        if order_id is not None:
            found[order_id] = _read_item(entry, OrderStatus.model_validate)
    return _complete(found, requested)


def parse_refill_id(data: object) -> int:
    """Read `{"refill": "1"}`; a nested `{"error": ...}` is the panel refusing."""
    return _read_field(data, "refill", _positive_int)


def parse_refill_batch(data: object, requested: Iterable[int]) -> dict[int, int | ItemError]:
    """Read the reply to `refill` with `orders=`: `[{"order": 1, "refill": 1}, ...]`."""
    return _parse_list_batch(data, "order", "refill", _positive_int, requested)


def parse_refill_status(data: object) -> RefillStatus:
    """Read `{"status": "Completed"}`; a nested `{"error": ...}` is the panel refusing."""
    return _read_field(data, "status", _refill_status)


def parse_refill_status_batch(
    data: object, requested: Iterable[int]
) -> dict[int, RefillStatus | ItemError]:
    """Read the reply to `refill_status` with `refills=`."""
    return _parse_list_batch(data, "refill", "status", _refill_status, requested)


def parse_cancel_batch(
    data: object, requested: Iterable[int]
) -> dict[int, CancelResult | ItemError]:
    """Read the reply to `cancel`: `[{"order": 2, "cancel": 1}, ...]`."""
    return _parse_list_batch(data, "order", "cancel", _cancel_result, requested)


def parse_balance(data: object) -> Balance:
    """Read `{"balance": "100.84292", "currency": "USD"}`."""
    return _validate(Balance, data)


def _validate(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MalformedReply(describe(error)) from None


def _positive_int(value: object) -> int:
    number = to_int(value)
    if number <= 0:
        raise ValueError(f"expected a positive id, got {number}")
    return number


def _refill_status(status: object) -> RefillStatus:
    return RefillStatus.model_validate({"status": status})


def _cancel_result(value: object) -> CancelResult | ItemError:
    return CancelResult() if to_flag(value) else CANCEL_NOT_ACCEPTED


def _id_or_none(value: object) -> int | None:
    try:
        return _positive_int(value)
    except ValueError:
        return None


def _read_field(data: object, name: str, read: Callable[[object], T]) -> T:
    """Read one field of a single-item reply, raising the panel's nested error if any."""
    if not isinstance(data, dict) or name not in data:
        raise MalformedReply(f"no {name!r} in the reply")
    value = data[name]
    if (message := error_message(value)) is not None:
        raise rejection(message, http_status=200)
    try:
        return read(value)
    except ValidationError as error:
        raise MalformedReply(describe(error)) from None
    except ValueError as error:
        raise MalformedReply(f"{name}: {error}") from None


def _read_item(value: object, read: Callable[[object], T | ItemError]) -> T | ItemError:
    if (message := error_message(value)) is not None:
        return ItemError(message=message)
    try:
        return read(value)
    except ValueError:  # pydantic's ValidationError included
        return MALFORMED_ITEM


def _parse_list_batch(
    data: object,
    id_field: str,
    value_field: str,
    read: Callable[[object], T | ItemError],
    requested: Iterable[int],
) -> dict[int, T | ItemError]:
    if not isinstance(data, list):
        raise MalformedReply(f"expected a list, got {type(data).__name__}")
    found: dict[int, T | ItemError] = {}
    for entry in data:
        item_id = _id_or_none(entry.get(id_field)) if isinstance(entry, dict) else None
        if item_id is not None:
            found[item_id] = _read_item(entry.get(value_field), read)
    return _complete(found, requested)


def _complete(
    found: dict[int, T | ItemError], requested: Iterable[int]
) -> dict[int, T | ItemError]:
    """Answer for exactly the requested ids, in request order."""
    return {item_id: found.get(item_id, MISSING_ITEM) for item_id in requested}
