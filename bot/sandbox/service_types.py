"""What `add` takes for each service type: one table drives validation and the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

FieldValue = str | int | tuple[str, ...] | date

# Panels accept links with or without a scheme ("instagram.com/x"), never bare words.
_LINK = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?$", re.IGNORECASE)


def _link(raw: str) -> str:
    value = raw.strip()
    if not _LINK.match(value):
        raise ValueError("not a link")
    return value


def _text(raw: str) -> str:
    value = raw.strip()
    if not value or "\n" in value:
        raise ValueError("not a single line of text")
    return value


def _lines(raw: str) -> tuple[str, ...]:
    lines = tuple(line.strip() for line in raw.splitlines() if line.strip())
    if not lines:
        raise ValueError("no lines")
    return lines


def _whole_number(raw: str) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit()):
        raise ValueError("not a whole number")
    return int(value)


def _positive(raw: str) -> int:
    value = _whole_number(raw)
    if value < 1:
        raise ValueError("not positive")
    return value


def _day(raw: str) -> date:
    return datetime.strptime(raw.strip(), "%d/%m/%Y").date()


@dataclass(frozen=True)
class FieldSpec:
    """One `add` parameter: the word its error names and how its text is read."""

    label: str
    parse: Callable[[str], FieldValue]


FIELDS: dict[str, FieldSpec] = {
    "link": FieldSpec("link", _link),
    # Zero parses so that the panel answers "Quantity less than minimal …" like real ones.
    "quantity": FieldSpec("quantity", _whole_number),
    "runs": FieldSpec("runs", _positive),
    "interval": FieldSpec("interval", _positive),
    "keywords": FieldSpec("keywords", _lines),
    "comments": FieldSpec("comments", _lines),
    "usernames": FieldSpec("usernames", _lines),
    "hashtags": FieldSpec("hashtags", _lines),
    "hashtag": FieldSpec("hashtag", _text),
    "username": FieldSpec("username", _text),
    "media": FieldSpec("media", _link),
    "answer_number": FieldSpec("answer number", _positive),
    "groups": FieldSpec("groups", _lines),
    "min": FieldSpec("min", _positive),
    "max": FieldSpec("max", _positive),
    "posts": FieldSpec("posts", _positive),
    "old_posts": FieldSpec("old posts", _whole_number),
    "delay": FieldSpec("delay", _whole_number),
    "expiry": FieldSpec("expiry date", _day),
    "country": FieldSpec("country", _text),
    "device": FieldSpec("device", _positive),
    "type_of_traffic": FieldSpec("type of traffic", _positive),
    "google_keyword": FieldSpec("Google keyword", _text),
    "referring_url": FieldSpec("referring URL", _link),
}

DRIPFEED_FIELDS = ("runs", "interval")


@dataclass(frozen=True)
class Requirement:
    """`field` becomes required when the field `when` has the value `equals`."""

    field: str
    when: str
    equals: FieldValue


@dataclass(frozen=True)
class ServiceType:
    """The `add` form of one service type, as panel-api.md's table describes it."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # The field whose number (or number of lines) is the quantity; None: one whole package.
    quantity_from: str | None = "quantity"
    # An optional field multiplying the quantity: drip-feed runs, subscription posts.
    repeats_from: str | None = None
    # Drip-feed runs/interval are accepted, on services that have dripfeed on.
    dripfeed: bool = False
    requirements: tuple[Requirement, ...] = ()
    # (low, high) pairs of fields where low must not exceed high.
    not_above: tuple[tuple[str, str], ...] = ()

    @property
    def is_package(self) -> bool:
        return self.quantity_from is None

    @property
    def counts_lines(self) -> bool:
        return self.quantity_from is not None and FIELDS[self.quantity_from].parse is _lines


SERVICE_TYPES: tuple[ServiceType, ...] = (
    ServiceType("Default", ("link", "quantity"), repeats_from="runs", dripfeed=True),
    ServiceType("SEO", ("link", "quantity", "keywords")),
    ServiceType("Custom Comments", ("link", "comments"), quantity_from="comments"),
    ServiceType("Custom Comments Package", ("link", "comments"), quantity_from=None),
    ServiceType("Mentions", ("link", "quantity", "usernames")),
    ServiceType("Mentions with Hashtags", ("link", "quantity", "usernames", "hashtags")),
    ServiceType("Mentions Custom List", ("link", "usernames"), quantity_from="usernames"),
    ServiceType("Mentions Hashtag", ("link", "quantity", "hashtag")),
    ServiceType("Mentions User Followers", ("link", "quantity", "username")),
    ServiceType("Mentions Media Likers", ("link", "quantity", "media")),
    ServiceType("Package", ("link",), quantity_from=None),
    ServiceType("Comment Likes", ("link", "quantity", "username")),
    ServiceType("Poll", ("link", "quantity", "answer_number")),
    ServiceType("Invites from Groups", ("link", "quantity", "groups")),
    ServiceType(
        "Subscriptions",
        ("username", "min", "max", "delay"),
        optional=("posts", "old_posts", "expiry"),
        quantity_from="max",
        repeats_from="posts",
        not_above=(("min", "max"),),
    ),
    ServiceType(
        "Web Traffic",
        ("link", "quantity", "country", "device", "type_of_traffic"),
        optional=("google_keyword", "referring_url"),
        repeats_from="runs",
        dripfeed=True,
        requirements=(
            Requirement("google_keyword", when="type_of_traffic", equals=1),
            Requirement("referring_url", when="type_of_traffic", equals=2),
        ),
    ),
)

# A type the sandbox does not know still takes orders, like the closest safe form.
FALLBACK_TYPE = ServiceType("Unknown", ("link", "quantity"))

_BY_NAME = {service_type.name.casefold(): service_type for service_type in SERVICE_TYPES}


def service_type(name: str) -> ServiceType:
    """Find a type by name, ignoring case; unknown names get the link + quantity form."""
    return _BY_NAME.get(name.strip().casefold(), FALLBACK_TYPE)
