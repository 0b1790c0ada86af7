"""The order form and its safe submission, without Telegram.

A service's type decides the steps (the panel package's `SERVICE_TYPES` table): a link,
then a quantity or the lines the type counts, the type's own fields, and drip-feed where the
service allows it. Each answer is read by a pure function that returns the value or a
`FieldError` naming the bounds. The answers live in an `OrderDraft` (kept in the `drafts`
table between messages); `submit` turns a confirmed draft into exactly one `add` request.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from yarl import URL

from bot.panel import (
    SERVICE_TYPES,
    FieldKind,
    FormField,
    OrderOutcomeUnknown,
    PanelClient,
    PanelError,
    QuantityMode,
    Service,
    ServiceType,
)
from bot.panel.service_types import DRIPFEED_FIELDS
from bot.services.accounts import AccountAccess
from bot.services.catalog import CatalogCache
from bot.storage import (
    Database,
    DuplicatePanelOrder,
    DuplicateSubmit,
    NewOrder,
    Order,
    ServiceSnapshot,
)

log = logging.getLogger(__name__)

# Stored as the submit error of an order whose `add` was cut off (a crash, a stop, a bug) before
# the panel answered; such orders are reported to their owner as well as to the admins.
INTERRUPTED = "interrupted: the bot stopped before the panel answered"

# The dialog's states are "order.<step>"; a field's step is its name (order.link, …).
DIALOG = "order"
STEP_SEARCH = "search"  # typed words search the catalog
STEP_DRIPFEED = "dripfeed"  # yes/no: spread the order over runs?
STEP_CONFIRM = "confirm"  # the confirmation is on screen

# Bounds of numbers the service itself does not bound.
NUMBER_BOUNDS: Mapping[str, tuple[int, int]] = {
    "runs": (2, 1000),
    "interval": (1, 1440),
    "answer_number": (1, 100),
    "posts": (1, 100_000),
    "old_posts": (0, 1000),
}
MAX_TEXT_LENGTH = 300
MAX_LINK_LENGTH = 2000
# Grouping people type in numbers: 1,000 / 1 000 / 1.000 / 1'000 / 1_000 (one kind per number).
_GROUPED_NUMBER = re.compile(r"^\d{1,3}(?P<sep>[ ,.'_\u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*$")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)$")
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")

# A stored answer: text, a number, lines, the drip-feed choice, or None for a skipped field.
Answer = str | int | bool | list[str] | None


def state_of(step: str) -> str:
    """The draft state of a step: "link" -> "order.link"."""
    return f"{DIALOG}.{step}"


def step_of(state: str) -> str:
    """The step of a draft state: "order.link" -> "link"."""
    return state.removeprefix(f"{DIALOG}.")


# --- the form ---------------------------------------------------------------------------


def is_supported(service: Service) -> bool:
    """Whether the bot knows the service's form (unknown types are shown, not ordered)."""
    return SERVICE_TYPES[service.kind].known


def form_fields(service: Service) -> Mapping[str, FormField]:
    """Every field the service's form may ask, by name, drip-feed included where allowed."""
    spec = SERVICE_TYPES[service.kind]
    fields = spec.fields + (DRIPFEED_FIELDS if offers_dripfeed(service) else ())
    return {form_field.name: form_field for form_field in fields}


def offers_dripfeed(service: Service) -> bool:
    """Whether both the type and the service allow drip-feed."""
    return SERVICE_TYPES[service.kind].dripfeed and service.dripfeed


def is_optional(form_field: FormField) -> bool:
    """Whether the user may skip the field (a conditional field is required when asked)."""
    return not form_field.required and form_field.required_when is None


def form_steps(service: Service, values: Mapping[str, Answer]) -> tuple[str, ...]:
    """The steps of the service's form, given the answers so far (they decide later ones)."""
    spec = SERVICE_TYPES[service.kind]
    steps = [
        form_field.name
        for form_field in spec.fields
        if form_field.required_when is None
        or str(values.get(form_field.required_when[0])) == form_field.required_when[1]
    ]
    if offers_dripfeed(service):
        steps.append(STEP_DRIPFEED)
        if values.get(STEP_DRIPFEED) is True:
            steps += [form_field.name for form_field in DRIPFEED_FIELDS]
    return tuple(steps)


def next_step(service: Service, values: Mapping[str, Answer]) -> str:
    """The first step not answered yet, or STEP_CONFIRM when the form is complete."""
    return next((step for step in form_steps(service, values) if step not in values), STEP_CONFIRM)


def previous_step(service: Service, values: Mapping[str, Answer], step: str) -> str | None:
    """The step before `step` (the last one before the confirmation); None before the first."""
    steps = form_steps(service, values)
    if step == STEP_CONFIRM:
        return steps[-1] if steps else None
    if step not in steps:
        return None
    position = steps.index(step)
    return steps[position - 1] if position > 0 else None


# --- reading answers --------------------------------------------------------------------


class Problem(StrEnum):
    """What is wrong with an answer; the value is the message id's suffix."""

    NOT_A_LINK = "not-a-link"
    NOT_A_NUMBER = "not-a-number"  # low, high
    OUT_OF_RANGE = "out-of-range"  # low, high
    LINE_COUNT = "line-count"  # count, low, high
    EMPTY = "empty"
    ONE_LINE = "one-line"
    TOO_LONG = "too-long"  # high
    NOT_A_DATE = "not-a-date"  # earliest
    DATE_PAST = "date-past"  # earliest
    USE_BUTTONS = "use-buttons"


@dataclass(frozen=True)
class FieldError:
    """Why an answer was refused, with the bounds the message names."""

    problem: Problem
    low: int | None = None
    high: int | None = None
    count: int | None = None
    earliest: date | None = None


def parse_link(text: str) -> str | FieldError:
    """Read a web link, adding `https://` when the scheme is left out."""
    candidate = text.strip()
    if not candidate or len(candidate) > MAX_LINK_LENGTH or any(c.isspace() for c in candidate):
        return FieldError(Problem.NOT_A_LINK)
    if "://" not in candidate:
        candidate = f"https://{candidate}"
    try:
        url = URL(candidate)
        host = (url.raw_host or "").casefold()
    except (ValueError, UnicodeError):
        return FieldError(Problem.NOT_A_LINK)
    if url.scheme.casefold() not in ("http", "https") or not _HOST.match(host):
        return FieldError(Problem.NOT_A_LINK)
    return candidate


def parse_whole_number(text: str, low: int, high: int) -> int | FieldError:
    """Read a whole number within low..high; thousands separators are fine."""
    candidate = text.strip()
    if _GROUPED_NUMBER.match(candidate):
        candidate = re.sub(r"\D", "", candidate)
    if not (candidate.isascii() and candidate.isdigit()):
        return FieldError(Problem.NOT_A_NUMBER, low=low, high=high)
    number = int(candidate)
    if not low <= number <= high:
        return FieldError(Problem.OUT_OF_RANGE, low=low, high=high)
    return number


def parse_line(text: str) -> str | FieldError:
    """Read one line of text (a username, a hashtag, a country)."""
    value = text.strip()
    if not value:
        return FieldError(Problem.EMPTY)
    if "\n" in value:
        return FieldError(Problem.ONE_LINE)
    if len(value) > MAX_TEXT_LENGTH:
        return FieldError(Problem.TOO_LONG, high=MAX_TEXT_LENGTH)
    return value


def parse_lines(text: str, bounds: tuple[int, int] | None = None) -> list[str] | FieldError:
    """Read one entry per line, blank lines dropped; `bounds` limit how many there may be."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return FieldError(Problem.EMPTY)
    if bounds is not None and not bounds[0] <= len(lines) <= bounds[1]:
        return FieldError(Problem.LINE_COUNT, count=len(lines), low=bounds[0], high=bounds[1])
    return lines


def parse_date(text: str, today: date) -> str | FieldError:
    """Read day/month/year (also with dots or dashes), today or later; return it as d/m/Y."""
    match = _DATE.match(text.strip())
    try:
        day = date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        day = None
    if day is None:
        return FieldError(Problem.NOT_A_DATE, earliest=today)
    if day < today:
        return FieldError(Problem.DATE_PAST, earliest=today)
    return day.strftime("%d/%m/%Y")


def parse_choice(form_field: FormField, text: str) -> str | FieldError:
    """Accept a choice typed by its value or English label; buttons are the usual way."""
    typed = text.strip().casefold()
    for choice in form_field.choices:
        if typed in (choice.value.casefold(), choice.label.casefold()):
            return choice.value
    return FieldError(Problem.USE_BUTTONS)


def number_bounds(form_field: FormField, service: Service, values: Mapping[str, Answer]) -> tuple[int, int]:
    """The range a number field accepts for this service (and the answers so far)."""
    low, high = max(1, service.min), service.max
    if form_field.name in ("quantity", "min"):  # "min": Subscriptions' least per post
        return low, high
    if form_field.name == "max":  # Subscriptions' most per post, not below the least
        least = values.get("min")
        return max(low, least if isinstance(least, int) else low), high
    return NUMBER_BOUNDS.get(form_field.name, (0, 1_000_000_000))


def counts_as_quantity(service: Service, form_field: FormField) -> bool:
    """Whether the number of lines of this field is the order's quantity."""
    spec = SERVICE_TYPES[service.kind]
    return spec.quantity is QuantityMode.LINES and spec.quantity_from == form_field.name


def read_answer(
    service: Service, form_field: FormField, text: str, values: Mapping[str, Answer], today: date
) -> Answer | FieldError:
    """Read the text typed for a field of the service's form."""
    match form_field.kind:
        case FieldKind.LINK:
            return parse_link(text)
        case FieldKind.INTEGER:
            low, high = number_bounds(form_field, service, values)
            return parse_whole_number(text, low, high)
        case FieldKind.LINES:
            bounds = (max(1, service.min), service.max) if counts_as_quantity(service, form_field) else None
            return parse_lines(text, bounds)
        case FieldKind.CHOICE:
            return parse_choice(form_field, text)
        case FieldKind.DATE:
            return parse_date(text, today)
        case _:
            return parse_line(text)


def answer_text(value: Answer) -> str:
    """Write a stored answer back as the text that would produce it."""
    if isinstance(value, list):
        return "\n".join(value)
    return "" if value is None else str(value)


def first_gap(
    service: Service, values: Mapping[str, Answer], today: date
) -> tuple[str, FieldError | None] | None:
    """The first step still to ask: unanswered (error None) or no longer valid; None if complete.

    Used when the service's terms may have changed (a fresh catalog, "Order again").
    """
    fields = form_fields(service)
    for step in form_steps(service, values):
        if step not in values:
            return step, None
        value = values[step]
        if step == STEP_DRIPFEED:
            if not isinstance(value, bool):
                return step, None
            continue
        form_field = fields[step]
        if value is None and is_optional(form_field):
            continue
        answer = read_answer(service, form_field, answer_text(value), values, today)
        if isinstance(answer, FieldError):
            return step, answer
    return None


# --- quantity and price -----------------------------------------------------------------


def order_quantity(service: Service, values: Mapping[str, Answer]) -> int | None:
    """The quantity of one run: typed, or the number of lines; None for packages."""
    spec = SERVICE_TYPES[service.kind]
    source = "quantity" if spec.quantity is QuantityMode.FIELD else spec.quantity_from
    value = values.get(source) if source else None
    if isinstance(value, list):
        return len(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def order_runs(service: Service, values: Mapping[str, Answer]) -> int | None:
    """The drip-feed runs chosen, or None when the order is delivered at once."""
    if not (offers_dripfeed(service) and values.get(STEP_DRIPFEED) is True):
        return None
    runs = values.get("runs")
    return runs if isinstance(runs, int) else None


def order_interval(service: Service, values: Mapping[str, Answer]) -> int | None:
    """The drip-feed interval in minutes, or None."""
    if order_runs(service, values) is None:
        return None
    interval = values.get("interval")
    return interval if isinstance(interval, int) else None


@dataclass(frozen=True)
class Price:
    """What an order costs; `per_post` for a subscription with no post count (each post costs it)."""

    amount: Decimal
    per_post: bool = False


def order_price(service: Service, values: Mapping[str, Answer]) -> Price:
    """rate × quantity × runs / 1000 in Decimal; a package costs its rate."""
    if service.kind is ServiceType.SUBSCRIPTIONS:
        # Priced like the panel bills it: the most per post, for each post.
        most, posts = values.get("max"), values.get("posts")
        each = service.rate * (most if isinstance(most, int) else 0) / 1000
        return Price(each * posts) if isinstance(posts, int) else Price(each, per_post=True)
    quantity = order_quantity(service, values)
    if quantity is None:
        return Price(service.rate)
    return Price(service.rate * quantity * (order_runs(service, values) or 1) / 1000)


def add_params(service: Service, values: Mapping[str, Answer]) -> dict[str, str]:
    """The `add` parameters besides `service`: every answered field of the form, as text."""
    params = {}
    for step in form_steps(service, values):
        value = values.get(step)
        if step == STEP_DRIPFEED or value is None:
            continue
        params[step] = answer_text(value)
    return params


# --- the draft ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """The service's terms as the user last saw them: a change means confirming again."""

    type: str
    rate: Decimal
    min: int
    max: int
    # Drip-feed multiplies the price by the runs: if the panel drops it, the order the user
    # confirmed (and its price) no longer exists.
    dripfeed: bool

    @classmethod
    def of(cls, service: Service) -> Quote:
        return cls(service.type, service.rate, service.min, service.max, service.dripfeed)

    def matches(self, service: Service) -> bool:
        return self == Quote.of(service)


@dataclass(frozen=True)
class OrderDraft:
    """An order being filled in: the service, the answers so far and the terms shown."""

    service_id: int
    quote: Quote
    values: Mapping[str, Answer] = field(default_factory=dict)
    # The account whose price and balance the confirmation showed: a key connected or
    # disconnected before Confirm must not move the order onto other money unseen.
    account_id: int | None = None

    @classmethod
    def start(cls, service: Service, values: Mapping[str, Answer] | None = None) -> OrderDraft:
        return cls(service.id, Quote.of(service), dict(values or {}))

    def answered(self, step: str, value: Answer) -> OrderDraft:
        """Return the draft with `step` answered."""
        return replace(self, values={**self.values, step: value})

    def requoted(self, service: Service, account_id: int) -> OrderDraft:
        """Return the draft with the service's current terms, on this account, as the ones shown."""
        return replace(self, quote=Quote.of(service), account_id=account_id)

    def to_data(self) -> dict[str, Any]:
        """The JSON stored in the drafts table."""
        return {
            "service": self.service_id,
            "quote": {
                "type": self.quote.type,
                "rate": str(self.quote.rate),
                "min": self.quote.min,
                "max": self.quote.max,
                "dripfeed": self.quote.dripfeed,
            },
            "values": dict(self.values),
            "account": self.account_id,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OrderDraft | None:
        """Read a stored draft; None when it is not one this version wrote."""
        try:
            quote = data["quote"]
            values = data["values"]
            if not isinstance(values, dict):
                return None
            return cls(
                int(data["service"]),
                Quote(
                    str(quote["type"]),
                    Decimal(quote["rate"]),
                    int(quote["min"]),
                    int(quote["max"]),
                    bool(quote["dripfeed"]),
                ),
                values,
                None if data.get("account") is None else int(data["account"]),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None


def repeat_values(service: Service, order: Order) -> dict[str, Answer]:
    """The answers of a stored order, for ordering the same again (skipped fields stay skipped)."""
    stored: dict[str, Answer] = dict(order.params)
    if order.link is not None:
        stored["link"] = order.link
    if order.quantity is not None:
        stored["quantity"] = order.quantity
    if order.runs is not None:
        stored |= {STEP_DRIPFEED: True, "runs": order.runs, "interval": order.interval}
    elif offers_dripfeed(service):
        stored[STEP_DRIPFEED] = False
    steps = set(form_fields(service)) | {STEP_DRIPFEED}
    return {name: value for name, value in stored.items() if name in steps}


# --- submitting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    order: Order


@dataclass(frozen=True)
class Rejected:
    """The panel refused (or could not be reached before sending): nothing was placed."""

    order: Order
    message: str


@dataclass(frozen=True)
class Ambiguous:
    """The request may have reached the panel; never resent, an admin must check."""

    order: Order
    message: str


@dataclass(frozen=True)
class AlreadySubmitted:
    """This confirmation was submitted before (double tap, retry)."""

    order: Order


@dataclass(frozen=True)
class TermsChanged:
    """The service's rate or limits, or the paying account, changed since the confirmation:
    confirm again."""

    service: Service
    draft: OrderDraft
    account_changed: bool = False


@dataclass(frozen=True)
class ServiceGone:
    """The service left the catalog or changed type; nothing was sent."""


@dataclass(frozen=True)
class CannotVerify:
    """The catalog could not be checked (panel down); nothing was recorded or sent."""

    message: str


SubmitResult = Placed | Rejected | Ambiguous | AlreadySubmitted | TermsChanged | ServiceGone | CannotVerify


async def submit(
    *,
    db: Database,
    panel: PanelClient,
    catalogs: CatalogCache,
    access: AccountAccess,
    user_id: int,
    draft: OrderDraft,
    token: str,
    currency: str | None,
) -> SubmitResult:
    """Place the confirmed draft at most once.

    The service is checked against a fresh catalog first; then the order is recorded as
    `submitting` under the draft's token BEFORE `add` goes out (a second confirmation with
    the same token is refused by the database), and the draft is cleared.
    """
    try:
        catalog = await catalogs.refresh(access.account.id, access.key)
    except PanelError as error:
        return CannotVerify(error.message)
    service = catalog.service(draft.service_id)
    if service is None or service.type != draft.quote.type:
        return ServiceGone()
    if draft.account_id != access.account.id:
        return TermsChanged(service, draft.requoted(service, access.account.id), account_changed=True)
    if not draft.quote.matches(service):
        return TermsChanged(service, draft.requoted(service, access.account.id))
    category = catalog.category_of(service).name
    # Only the answers the form still asks for (not, say, a keyword whose step went away).
    answers = {step: draft.values[step] for step in form_steps(service, draft.values) if step in draft.values}
    new = NewOrder(
        user_id=user_id,
        account_id=access.account.id,
        submit_token=token,
        service=ServiceSnapshot(service.id, service.name, service.type, category, service.rate),
        expected_price=order_price(service, answers).amount,
        currency=currency,
        link=_text_value(answers, "link"),
        quantity=order_quantity(service, answers),
        runs=order_runs(service, answers),
        interval=order_interval(service, answers),
        params={
            name: value
            for name, value in answers.items()
            if name not in ("link", "quantity", "runs", "interval", STEP_DRIPFEED)
        },
    )
    try:
        order = await db.orders.create_submitting(new)
    except DuplicateSubmit as duplicate:
        return AlreadySubmitted(duplicate.order)
    await db.drafts.clear(user_id)
    return await _send(db, panel, access, order, service, add_params(service, answers))


async def _send(
    db: Database,
    panel: PanelClient,
    access: AccountAccess,
    order: Order,
    service: Service,
    params: Mapping[str, str],
) -> SubmitResult:
    """Send `add` once and record what came of it."""
    try:
        panel_order_id = await panel.add(access.key, service.id, params)
    except OrderOutcomeUnknown as error:
        return Ambiguous(await db.orders.mark_unknown(order.id, error.message), error.message)
    except PanelError as error:
        # Refused, or never sent (connection refused): either way nothing was placed.
        return Rejected(await db.orders.mark_failed(order.id, error.message), error.message)
    except BaseException as error:
        # Cancelled (shutdown) or a bug while the request may have been out: never guess.
        # The cause is in the log; the owner and the admins are told as after a crash.
        log.warning("Order %s was cut off while being sent: %s", order.id, type(error).__name__)
        await db.orders.mark_unknown(order.id, INTERRUPTED)
        raise
    try:
        return Placed(await db.orders.mark_placed(order.id, panel_order_id))
    except DuplicatePanelOrder as error:
        # The panel named an order we already have: something is off, let an admin look.
        return Ambiguous(await db.orders.mark_unknown(order.id, str(error)), str(error))


def _text_value(values: Mapping[str, Answer], name: str) -> str | None:
    value = values.get(name)
    return value if isinstance(value, str) else None


async def find_submitted(db: Database, user_id: int, token: str, *, recent: int = 20) -> Order | None:
    """Find the user's recent order created from the confirmation with this token."""
    for order in await db.orders.list_for_user(user_id, limit=recent):
        if order.submit_token == token:
            return order
    return None


def today_utc() -> date:
    """Today's date where the panel counts days (UTC), for expiry dates."""
    return datetime.now(UTC).date()
