"""What API v2 panels answer, as frozen pydantic models that accept every wire variant.

Panels send numbers as strings, ints or floats, ids as strings, flags as bools, 0/1 or "1"
(see docs/panel-api.md). The validators below normalise all of that once, so the rest of the
bot sees `int`, `Decimal` and `bool` only. Floats become `Decimal` through `str()`, never
through binary arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    model_validator,
)


def normalise_name(text: str) -> str:
    """Reduce a panel's label to lower-case letters and digits ("In progress" -> "inprogress")."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


class ServiceType(StrEnum):
    """The service types of API v2; the value is the name panels send."""

    DEFAULT = "Default"
    SEO = "SEO"
    CUSTOM_COMMENTS = "Custom Comments"
    CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package"
    MENTIONS = "Mentions"
    MENTIONS_WITH_HASHTAGS = "Mentions with Hashtags"
    MENTIONS_CUSTOM_LIST = "Mentions Custom List"
    MENTIONS_HASHTAG = "Mentions Hashtag"
    MENTIONS_USER_FOLLOWERS = "Mentions User Followers"
    MENTIONS_MEDIA_LIKERS = "Mentions Media Likers"
    PACKAGE = "Package"
    COMMENT_LIKES = "Comment Likes"
    POLL = "Poll"
    INVITES_FROM_GROUPS = "Invites from Groups"
    SUBSCRIPTIONS = "Subscriptions"
    WEB_TRAFFIC = "Web Traffic"
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, raw: str) -> ServiceType:
        """Map a panel's type name case- and punctuation-insensitively; UNKNOWN otherwise."""
        return _SERVICE_TYPES_BY_NAME.get(normalise_name(raw), cls.UNKNOWN)


_SERVICE_TYPES_BY_NAME = {normalise_name(member.value): member for member in ServiceType}


class OrderState(StrEnum):
    """An order's status, normalised.

    FAILED covers "Failed" and "Error". It is deliberately NOT final: panels that show it
    usually resolve the order later (refund to Canceled, or a resubmission that completes), so
    the bot keeps following it and shows the problem meanwhile. Unknown values are not final
    either, for the same reason.
    """

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    PROCESSING = "processing"
    COMPLETED = "completed"
    PARTIAL = "partial"
    CANCELED = "canceled"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """Whether the panel is done with the order (charge and remains no longer change)."""
        return self in _FINAL_ORDER_STATES

    @classmethod
    def parse(cls, raw: str) -> OrderState:
        """Map a panel's status text to a state; UNKNOWN for anything unrecognised."""
        return _ORDER_STATES_BY_NAME.get(normalise_name(raw), cls.UNKNOWN)


_FINAL_ORDER_STATES = frozenset({OrderState.COMPLETED, OrderState.PARTIAL, OrderState.CANCELED})
_ORDER_STATES_BY_NAME = {
    "pending": OrderState.PENDING,
    "inprogress": OrderState.IN_PROGRESS,
    "processing": OrderState.PROCESSING,
    "completed": OrderState.COMPLETED,
    "partial": OrderState.PARTIAL,
    "canceled": OrderState.CANCELED,
    "cancelled": OrderState.CANCELED,
    "refunded": OrderState.CANCELED,
    "failed": OrderState.FAILED,
    "error": OrderState.FAILED,
}


class RefillState(StrEnum):
    """A refill's status, normalised; Completed, Rejected, Canceled and Error are final."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELED = "canceled"
    ERROR = "error"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """Whether the panel is done with the refill."""
        return self in _FINAL_REFILL_STATES

    @classmethod
    def parse(cls, raw: str) -> RefillState:
        """Map a panel's refill status text to a state; UNKNOWN for anything unrecognised."""
        return _REFILL_STATES_BY_NAME.get(normalise_name(raw), cls.UNKNOWN)


_FINAL_REFILL_STATES = frozenset(
    {RefillState.COMPLETED, RefillState.REJECTED, RefillState.CANCELED, RefillState.ERROR}
)
_REFILL_STATES_BY_NAME = {
    "pending": RefillState.PENDING,
    "inprogress": RefillState.IN_PROGRESS,
    "completed": RefillState.COMPLETED,
    "rejected": RefillState.REJECTED,
    "canceled": RefillState.CANCELED,
    "cancelled": RefillState.CANCELED,
    "error": RefillState.ERROR,
}


def to_decimal(value: object) -> Decimal:
    """Read a panel number ("0.90", 0.9, 1, Decimal) exactly; floats go through `str()`."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value[:20]!r}") from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def to_int(value: object) -> int:
    """Read a panel integer (157, "157", 157.0, "157.0")."""
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {number}")
    return int(number)


def _or_none(reader: Callable[[object], object]) -> BeforeValidator:
    """Read None and words such as "Unknown" or "" as None; anything else with `reader`."""

    def read(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                to_decimal(value)
            except ValueError:
                return None
        return reader(value)

    return BeforeValidator(read)


def to_flag(value: object) -> bool:
    """Read a panel flag: true/false, 0/1, "0"/"1", "true"/"false", missing/null as False."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("", "0", "false", "no", "off"):
            return False
    raise ValueError(f"not a flag: {value!r}")


def _empty_as_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


PanelInt = Annotated[int, BeforeValidator(to_int)]
PanelDecimal = Annotated[Decimal, BeforeValidator(to_decimal)]
PanelFlag = Annotated[bool, BeforeValidator(to_flag)]
OptionalPanelInt = Annotated[int | None, _or_none(to_int)]
OptionalPanelDecimal = Annotated[Decimal | None, _or_none(to_decimal)]
OptionalText = Annotated[str | None, BeforeValidator(_empty_as_none)]


class PanelModel(BaseModel):
    """Frozen, ignores extra fields, takes numbers where text is expected."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        populate_by_name=True,
    )


class Service(PanelModel):
    """One catalog entry; `rate` is the price per 1,000."""

    id: PanelInt = Field(validation_alias=AliasChoices("service", "id"), gt=0)
    name: str
    type: str
    category: str
    rate: PanelDecimal = Field(ge=0)
    min: PanelInt = Field(ge=0)
    max: PanelInt = Field(ge=0)
    refill: PanelFlag = False
    cancel: PanelFlag = False
    dripfeed: PanelFlag = False
    description: OptionalText = Field(
        default=None, validation_alias=AliasChoices("description", "desc")
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind(self) -> ServiceType:
        """The normalised type; UNKNOWN when the panel's name is not one we know."""
        return ServiceType.parse(self.type)

    @model_validator(mode="after")
    def _check_range(self) -> Service:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class OrderStatus(PanelModel):
    """An order's state as `status` reports it; numbers the panel could not give are None."""

    status: str = Field(min_length=1)
    charge: OptionalPanelDecimal = None
    start_count: OptionalPanelInt = None
    remains: OptionalPanelInt = None
    currency: OptionalText = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> OrderState:
        """The normalised status."""
        return OrderState.parse(self.status)


class RefillStatus(PanelModel):
    """A refill's state as `refill_status` reports it."""

    status: str = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> RefillState:
        """The normalised status."""
        return RefillState.parse(self.status)


class Balance(PanelModel):
    """The account's funds on the panel."""

    amount: PanelDecimal = Field(validation_alias=AliasChoices("balance", "amount"))
    currency: OptionalText = None  # some panels leave it out; amounts are then shown bare


class CancelResult(PanelModel):
    """The panel accepted the cancel request; the order's status shows when it happens."""

    requested: bool = True


class ItemError(PanelModel):
    """A per-item error inside a batch reply (e.g. "Incorrect order ID"): data, not a failure."""

    message: str
