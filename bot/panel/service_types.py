"""What `add` takes for each service type: the table the order forms are built from.

Every order sends `key`, `action=add` and `service`; the fields below come on top, in the
order a form should ask for them. Quantity works one of three ways (`QuantityMode`):
the user types `quantity`, or the panel counts the lines of one field, or there is none.
Drip-feed (`runs`, `interval`) is offered only where the type allows it AND the service's
`dripfeed` flag is set; `order_fields()` applies that rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.panel.models import Service, ServiceType


class FieldKind(StrEnum):
    """How a field's value looks; values are always sent as text."""

    LINK = "link"  # a URL
    TEXT = "text"  # one line: a username, a hashtag, a country
    LINES = "lines"  # several values, one per line, sent joined with "\n"
    INTEGER = "integer"  # a whole number
    CHOICE = "choice"  # one of `FormField.choices`
    DATE = "date"  # day/month/year as d/m/Y, e.g. 31/12/2025


class QuantityMode(StrEnum):
    """Where an order's quantity comes from (it must lie within the service's min..max)."""

    FIELD = "field"  # the `quantity` field, typed by the user
    LINES = "lines"  # no `quantity` parameter: the panel counts the lines of `quantity_from`
    # No quantity: a package (charged its rate once) or a subscription (charged per post).
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of a CHOICE field, with an English label for translators."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class FormField:
    """One `add` parameter."""

    name: str
    kind: FieldKind
    hint: str
    required: bool = True
    choices: tuple[Choice, ...] = ()
    # Required only when another field has a given value, e.g. ("type_of_traffic", "1").
    required_when: tuple[str, str] | None = None

    @property
    def one_per_line(self) -> bool:
        """Whether the value is a list with one entry per line."""
        return self.kind is FieldKind.LINES


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """The `add` form of one service type."""

    fields: tuple[FormField, ...]
    quantity: QuantityMode
    quantity_from: str | None = None  # the LINES field counted when quantity is LINES
    dripfeed: bool = False
    # False for UNKNOWN: the form is a guess (link + quantity); warn before ordering.
    known: bool = True


LINK = FormField("link", FieldKind.LINK, "Link to the page, profile or post")
QUANTITY = FormField("quantity", FieldKind.INTEGER, "How many, within the service's min..max")
RUNS = FormField("runs", FieldKind.INTEGER, "Drip-feed: how many runs to deliver", required=False)
INTERVAL = FormField(
    "interval", FieldKind.INTEGER, "Drip-feed: minutes between runs", required=False
)
DRIPFEED_FIELDS = (RUNS, INTERVAL)

COMMENTS = FormField("comments", FieldKind.LINES, "Comments, one per line")
USERNAMES = FormField("usernames", FieldKind.LINES, "Usernames, one per line")
HASHTAGS = FormField("hashtags", FieldKind.LINES, "Hashtags, one per line")

# Minutes to wait after a new post before serving it, as Perfect Panel documents them.
SUBSCRIPTION_DELAYS = (
    0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600
)

DEVICES = (
    Choice("1", "Desktop"),
    Choice("2", "Mobile (Android)"),
    Choice("3", "Mobile (iOS)"),
    Choice("4", "Mixed (mobile)"),
    Choice("5", "Mixed (mobile and desktop)"),
)
TRAFFIC_TYPES = (
    Choice("1", "Google keyword"),
    Choice("2", "Custom referrer"),
    Choice("3", "Blank referrer"),
)


def _quantity_typed(*extra: FormField, dripfeed: bool = False) -> TypeSpec:
    """Build the common shape: link, quantity, then the type's own fields."""
    return TypeSpec(
        fields=(LINK, QUANTITY, *extra), quantity=QuantityMode.FIELD, dripfeed=dripfeed
    )


SERVICE_TYPES: Mapping[ServiceType, TypeSpec] = MappingProxyType({
    ServiceType.DEFAULT: _quantity_typed(dripfeed=True),
    ServiceType.SEO: _quantity_typed(
        FormField("keywords", FieldKind.LINES, "Search keywords, one per line")
    ),
    ServiceType.CUSTOM_COMMENTS: TypeSpec(
        fields=(LINK, COMMENTS), quantity=QuantityMode.LINES, quantity_from="comments"
    ),
    ServiceType.CUSTOM_COMMENTS_PACKAGE: TypeSpec(
        fields=(LINK, COMMENTS), quantity=QuantityMode.NONE
    ),
    ServiceType.MENTIONS: _quantity_typed(USERNAMES),
    ServiceType.MENTIONS_WITH_HASHTAGS: _quantity_typed(USERNAMES, HASHTAGS),
    ServiceType.MENTIONS_CUSTOM_LIST: TypeSpec(
        fields=(LINK, USERNAMES), quantity=QuantityMode.LINES, quantity_from="usernames"
    ),
    ServiceType.MENTIONS_HASHTAG: _quantity_typed(
        FormField("hashtag", FieldKind.TEXT, "The hashtag to mention")
    ),
    ServiceType.MENTIONS_USER_FOLLOWERS: _quantity_typed(
        FormField("username", FieldKind.TEXT, "Whose followers to mention")
    ),
    ServiceType.MENTIONS_MEDIA_LIKERS: _quantity_typed(
        FormField("media", FieldKind.LINK, "Link to the post whose likers to mention")
    ),
    ServiceType.PACKAGE: TypeSpec(fields=(LINK,), quantity=QuantityMode.NONE),
    ServiceType.COMMENT_LIKES: _quantity_typed(
        FormField("username", FieldKind.TEXT, "Username of the comment's author")
    ),
    ServiceType.POLL: _quantity_typed(
        FormField("answer_number", FieldKind.INTEGER, "Number of the answer to vote for")
    ),
    ServiceType.INVITES_FROM_GROUPS: _quantity_typed(
        FormField("groups", FieldKind.LINES, "Groups to invite from, one per line")
    ),
    ServiceType.SUBSCRIPTIONS: TypeSpec(
        fields=(
            FormField("username", FieldKind.TEXT, "The account to follow"),
            FormField("min", FieldKind.INTEGER, "Least quantity per post"),
            FormField("max", FieldKind.INTEGER, "Most quantity per post"),
            FormField(
                "posts", FieldKind.INTEGER, "New posts to serve (empty: unlimited)", required=False
            ),
            FormField(
                "old_posts", FieldKind.INTEGER, "Existing posts to serve too", required=False
            ),
            FormField(
                "delay",
                FieldKind.CHOICE,
                "Minutes to wait after a post",
                choices=tuple(Choice(str(delay), f"{delay} min") for delay in SUBSCRIPTION_DELAYS),
            ),
            FormField(
                "expiry", FieldKind.DATE, "Last day, d/m/Y (empty: no end)", required=False
            ),
        ),
        quantity=QuantityMode.NONE,
    ),
    ServiceType.WEB_TRAFFIC: _quantity_typed(
        FormField("country", FieldKind.TEXT, "Country code or name, e.g. US"),
        FormField("device", FieldKind.CHOICE, "Device", choices=DEVICES),
        FormField("type_of_traffic", FieldKind.CHOICE, "Referrer", choices=TRAFFIC_TYPES),
        FormField(
            "google_keyword",
            FieldKind.TEXT,
            "The Google search keyword",
            required=False,
            required_when=("type_of_traffic", "1"),
        ),
        FormField(
            "referring_url",
            FieldKind.LINK,
            "The referring page",
            required=False,
            required_when=("type_of_traffic", "2"),
        ),
        dripfeed=True,
    ),
    ServiceType.UNKNOWN: TypeSpec(
        fields=(LINK, QUANTITY), quantity=QuantityMode.FIELD, known=False
    ),
})


def order_fields(service: Service) -> tuple[FormField, ...]:
    """Return the fields to ask for when ordering `service`, drip-feed included if allowed."""
    spec = SERVICE_TYPES[service.kind]
    if spec.dripfeed and service.dripfeed:
        return spec.fields + DRIPFEED_FIELDS
    return spec.fields
