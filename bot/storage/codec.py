"""Conversions between Python values and their column form.

Money is TEXT holding the exact Decimal; times are UTC ISO-8601 TEXT of fixed width
(`2024-05-01T12:00:00.000000Z`), so comparing the strings compares the times.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def money_to_db(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"money must be a finite Decimal, got {value!r}")
    return format(value, "f")


def money_from_db(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def time_to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(value: str) -> datetime:
    # fromisoformat reads the stored form (trailing Z included) some 30 times faster than strptime.
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def time_from_db(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def json_to_db(value: Mapping[str, Any]) -> str:
    """Encode a JSON object; Decimals and other non-JSON values are refused, not coerced."""
    return json.dumps(dict(value), allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def json_from_db(value: str) -> Mapping[str, Any]:
    decoded = json.loads(value)
    if not isinstance(decoded, dict):
        raise ValueError("stored JSON is not an object")
    return MappingProxyType(decoded)


def utc_now() -> datetime:
    return datetime.now(UTC)
