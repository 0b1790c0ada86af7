"""Texts and keyboards of the order walk: catalog pages, service card, form steps, confirmation.

Every function returns a `Screen` (HTML text and keyboard) and never talks to Telegram.
Names, links and panel messages reach the text only as translator values (escaped);
buttons carry short ids (`cat:3:0`, `svc:4242`, `ow:…`), never a name from the panel.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum, auto
from typing import Generic, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.panel import SERVICE_TYPES, FieldKind, FormField, QuantityMode, Service, ServiceType
from bot.services.catalog import Catalog, Category
from bot.services.ordering import (
    STEP_CONFIRM,
    STEP_DRIPFEED,
    Answer,
    FieldError,
    OrderDraft,
    Price,
    Problem,
    counts_as_quantity,
    form_fields,
    form_steps,
    is_optional,
    is_supported,
    number_bounds,
    order_interval,
    order_quantity,
    order_runs,
)
from bot.storage import Order
from bot.views.callbacks import CATEGORY, CATEGORY_PAGE, ORDER_STEP, SERVICE, pack
from bot.views.common import Screen, money, panel_label, panel_message, shorten
from bot.views.orders import open_order_keyboard, quantity_text

T = TypeVar("T")

CATEGORIES_PER_PAGE = 10
SERVICES_PER_PAGE = 10
BUTTON_NAME_LENGTH = 42
CARD_NAME_LENGTH = 300
DESCRIPTION_LENGTH = 1500
PREVIEW_LINES = 8
PREVIEW_LINE_LENGTH = 80
VALUE_LENGTH = 400
QUERY_LENGTH = 100

# ow:<action>[:<arg>…] — the order walk's own buttons.
START = "start"  # ow:start:<service id>
BACK = "back"  # ow:back:<step the button was shown at>
SKIP = "skip"  # ow:skip:<step>
PICK = "pick"  # ow:pick:<step>:<value>
EDIT = "edit"  # ow:edit — choose a field to change
CHANGE = "change"  # ow:change:<step>
REVIEW = "review"  # ow:review — back to the confirmation
CONFIRM = "confirm"  # ow:confirm:<draft token>
CANCEL = "cancel"  # ow:cancel
FOUND = "found"  # ow:found:<page> — search results
NOOP = "noop"  # ow:noop — the page counter

PROMPTS: Mapping[str, str] = {
    "link": "order-prompt-link",
    "quantity": "order-prompt-quantity",
    "comments": "order-prompt-comments",
    "usernames": "order-prompt-usernames",
    "hashtags": "order-prompt-hashtags",
    "keywords": "order-prompt-keywords",
    "hashtag": "order-prompt-hashtag",
    "username": "order-prompt-username",
    "media": "order-prompt-media",
    "answer_number": "order-prompt-answer-number",
    "groups": "order-prompt-groups",
    "min": "order-prompt-min",
    "max": "order-prompt-max",
    "posts": "order-prompt-posts",
    "old_posts": "order-prompt-old-posts",
    "delay": "order-prompt-delay",
    "expiry": "order-prompt-expiry",
    "country": "order-prompt-country",
    "device": "order-prompt-device",
    "type_of_traffic": "order-prompt-type-of-traffic",
    "google_keyword": "order-prompt-google-keyword",
    "referring_url": "order-prompt-referring-url",
    "runs": "order-prompt-runs",
    "interval": "order-prompt-interval",
    STEP_DRIPFEED: "order-prompt-dripfeed",
}
# One field name, different meanings: say which username the type wants.
TYPE_PROMPTS: Mapping[tuple[ServiceType, str], str] = {
    (ServiceType.MENTIONS_USER_FOLLOWERS, "username"): "order-prompt-username-followers",
    (ServiceType.COMMENT_LIKES, "username"): "order-prompt-username-comment",
    (ServiceType.SUBSCRIPTIONS, "username"): "order-prompt-username-subscription",
}
FIELD_LABELS: Mapping[str, str] = {
    "link": "order-field-link",
    "quantity": "order-field-quantity",
    "comments": "order-field-comments",
    "usernames": "order-field-usernames",
    "hashtags": "order-field-hashtags",
    "keywords": "order-field-keywords",
    "hashtag": "order-field-hashtag",
    "username": "order-field-username",
    "media": "order-field-media",
    "answer_number": "order-field-answer-number",
    "groups": "order-field-groups",
    "min": "order-field-min",
    "max": "order-field-max",
    "posts": "order-field-posts",
    "old_posts": "order-field-old-posts",
    "delay": "order-field-delay",
    "expiry": "order-field-expiry",
    "country": "order-field-country",
    "device": "order-field-device",
    "type_of_traffic": "order-field-type-of-traffic",
    "google_keyword": "order-field-google-keyword",
    "referring_url": "order-field-referring-url",
    "runs": "order-field-runs",
    "interval": "order-field-interval",
    STEP_DRIPFEED: "order-field-dripfeed",
}
ERRORS: Mapping[Problem, str] = {
    Problem.NOT_A_LINK: "order-error-not-a-link",
    Problem.NOT_A_NUMBER: "order-error-not-a-number",
    Problem.OUT_OF_RANGE: "order-error-out-of-range",
    Problem.EMPTY: "order-error-empty",
    Problem.ONE_LINE: "order-error-one-line",
    Problem.TOO_LONG: "order-error-too-long",
    Problem.NOT_A_DATE: "order-error-not-a-date",
    Problem.DATE_PAST: "order-error-date-past",
    Problem.USE_BUTTONS: "order-error-use-buttons",
}
CHOICE_LABELS: Mapping[tuple[str, str], str] = {
    ("device", "1"): "order-device-1",
    ("device", "2"): "order-device-2",
    ("device", "3"): "order-device-3",
    ("device", "4"): "order-device-4",
    ("device", "5"): "order-device-5",
    ("type_of_traffic", "1"): "order-traffic-1",
    ("type_of_traffic", "2"): "order-traffic-2",
    ("type_of_traffic", "3"): "order-traffic-3",
}
# The example date a prompt shows: a month ahead, a plausible end of a subscription.
EXAMPLE_DAYS_AHEAD = 30


class Pricing(Enum):
    """How a service's rate becomes the price (`bot.services.ordering.order_price`)."""

    PER_1000 = auto()  # per 1,000 of the quantity typed
    PER_1000_COMMENTS = auto()  # per 1,000 of the comment lines sent
    PER_1000_USERNAMES = auto()  # per 1,000 of the username lines sent
    PER_1000_EACH_POST = auto()  # Subscriptions: per 1,000 delivered on every new post
    ONCE = auto()  # a package: the rate is the price, whatever it holds


# The line fields whose count is the quantity, by what they hold.
LINES_PRICING: Mapping[str, Pricing] = {
    "comments": Pricing.PER_1000_COMMENTS,
    "usernames": Pricing.PER_1000_USERNAMES,
}
# The service card's rate and range; a package has no range (its min and max are 1).
CARD_TERMS: Mapping[Pricing, str] = {
    Pricing.PER_1000: "service-card-terms",
    Pricing.PER_1000_COMMENTS: "service-card-terms-comments",
    Pricing.PER_1000_USERNAMES: "service-card-terms-usernames",
    Pricing.PER_1000_EACH_POST: "service-card-terms-each-post",
    Pricing.ONCE: "service-card-terms-once",
}
# The confirmation's rate line; none for a package, whose price line says it all.
CONFIRM_RATES: Mapping[Pricing, str] = {
    Pricing.PER_1000: "order-confirm-rate",
    Pricing.PER_1000_COMMENTS: "order-confirm-rate-comments",
    Pricing.PER_1000_USERNAMES: "order-confirm-rate-usernames",
    Pricing.PER_1000_EACH_POST: "order-confirm-rate",
}


def pricing(service: Service) -> Pricing:
    """How the service is charged, as `order_price` charges it."""
    if service.kind is ServiceType.SUBSCRIPTIONS:
        return Pricing.PER_1000_EACH_POST
    spec = SERVICE_TYPES[service.kind]
    if spec.quantity is QuantityMode.NONE:
        return Pricing.ONCE
    if spec.quantity is QuantityMode.LINES:
        return LINES_PRICING.get(spec.quantity_from or "", Pricing.PER_1000)
    return Pricing.PER_1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 0) and how many pages there are."""

    items: Sequence[T]
    number: int
    count: int


def paginate(items: Sequence[T], page: int, size: int) -> Page[T] | None:
    """Cut out page `page`; None when there is no such page (an empty list has page 0)."""
    count = max(1, -(-len(items) // size))
    if not 0 <= page < count:
        return None
    return Page(items[page * size : (page + 1) * size], page, count)


def page_of(items: Sequence[T], item: T, size: int) -> int:
    """The page an item of the list is on."""
    return items.index(item) // size


def walk_button(tr: Translator, message_id: str, *parts: str | int) -> InlineKeyboardButton:
    """A button of the order walk (`ow:…`)."""
    return InlineKeyboardButton(tr.plain(message_id), callback_data=pack(ORDER_STEP, *parts))


def cancel_button(tr: Translator) -> InlineKeyboardButton:
    return walk_button(tr, "button-cancel", CANCEL)


def _nav_row(tr: Translator, page: Page[T], prefix: str, *parts: str | int) -> list[InlineKeyboardButton]:
    """Previous / page count / next; empty when everything fits on one page."""
    if page.count == 1:
        return []
    row = []
    if page.number > 0:
        row.append(InlineKeyboardButton(tr.plain("button-prev"), callback_data=pack(prefix, *parts, page.number - 1)))
    row.append(
        InlineKeyboardButton(
            tr.plain("button-page", page=page.number + 1, pages=page.count),
            callback_data=pack(ORDER_STEP, NOOP),
        )
    )
    if page.number + 1 < page.count:
        row.append(InlineKeyboardButton(tr.plain("button-next"), callback_data=pack(prefix, *parts, page.number + 1)))
    return row


def _keyboard(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


# --- browsing -----------------------------------------------------------------------------


def categories_screen(tr: Translator, catalog: Catalog, page: Page[Category]) -> Screen:
    """A page of categories, each with its number of services."""
    buttons = [
        [
            InlineKeyboardButton(
                f"{shorten(category.name, BUTTON_NAME_LENGTH)} ({tr.number(len(category.services))})",
                callback_data=pack(CATEGORY, category.index, 0),
            )
        ]
        for category in page.items
    ]
    text = tr("order-categories", services=Html(tr.plural("services-count", len(catalog))))
    return Screen(text, _keyboard(*buttons, _nav_row(tr, page, CATEGORY_PAGE), [cancel_button(tr)]))


def _service_button(tr: Translator, service: Service, currency: str | None) -> list[InlineKeyboardButton]:
    label = f"{shorten(service.name, BUTTON_NAME_LENGTH)} · {money(tr, service.rate, currency)}"
    return [InlineKeyboardButton(label, callback_data=pack(SERVICE, service.id))]


def services_screen(
    tr: Translator, category: Category, page: Page[Service], categories_page: int, currency: str | None
) -> Screen:
    """A page of one category's services with their price per 1,000."""
    text = tr(
        "order-category",
        category=shorten(category.name, CARD_NAME_LENGTH),
        services=Html(tr.plural("services-count", len(category.services))),
    )
    back = InlineKeyboardButton(tr.plain("button-back"), callback_data=pack(CATEGORY_PAGE, categories_page))
    return Screen(
        text,
        _keyboard(
            *(_service_button(tr, service, currency) for service in page.items),
            _nav_row(tr, page, CATEGORY, category.index),
            [back, cancel_button(tr)],
        ),
    )


def search_screen(tr: Translator, query: str, page: Page[Service], total: int, currency: str | None) -> Screen:
    """A page of the services matching a search."""
    query = shorten(query, QUERY_LENGTH)
    if total == 0:
        return Screen(
            tr("order-search-none", query=query),
            _keyboard([InlineKeyboardButton(tr.plain("button-back"), callback_data=pack(CATEGORY_PAGE, 0))]),
        )
    text = tr("order-search-results", query=query, services=Html(tr.plural("services-count", total)))
    back = InlineKeyboardButton(tr.plain("button-back"), callback_data=pack(CATEGORY_PAGE, 0))
    return Screen(
        text,
        _keyboard(
            *(_service_button(tr, service, currency) for service in page.items),
            _nav_row(tr, page, ORDER_STEP, FOUND),
            [back, cancel_button(tr)],
        ),
    )


def type_name(tr: Translator, service: Service) -> Html:
    """The service's type in the user's language; unknown types are named as the panel sent them."""
    if service.kind is ServiceType.UNKNOWN:
        return tr("service-type-unsupported", type=panel_label(service.type))
    return tr("service-type-" + service.kind.value.lower().replace(" ", "-"))


def _flag(tr: Translator, value: bool) -> Html:
    return tr("order-flag-yes" if value else "order-flag-no")


def service_card(tr: Translator, service: Service, category: Category, currency: str | None) -> Screen:
    """Everything about one service, with Order (when the bot can serve its type) and Back."""
    parts = [
        tr(
            "service-card",
            name=shorten(service.name, CARD_NAME_LENGTH),
            id=service.id,
            type=type_name(tr, service),
            category=shorten(category.name, CARD_NAME_LENGTH),
            terms=tr(
                CARD_TERMS[pricing(service)],
                rate=money(tr, service.rate, currency),
                min=tr.number(service.min),
                max=tr.number(service.max),
            ),
            refill=_flag(tr, service.refill),
            cancel=_flag(tr, service.cancel),
            dripfeed=_flag(tr, service.dripfeed),
        )
    ]
    if service.description:
        parts.append(tr("service-card-description", description=shorten(service.description, DESCRIPTION_LENGTH)))
    rows: list[list[InlineKeyboardButton]] = []
    if is_supported(service):
        rows.append([walk_button(tr, "button-order", START, service.id)])
    else:
        parts.append(tr("service-card-unsupported", type=panel_label(service.type)))
    page = page_of(category.services, service, SERVICES_PER_PAGE)
    back = InlineKeyboardButton(tr.plain("button-back"), callback_data=pack(CATEGORY, category.index, page))
    rows.append([back, cancel_button(tr)])
    return Screen(Html("\n\n".join(parts)), _keyboard(*rows))


# --- the form -----------------------------------------------------------------------------


def field_label(tr: Translator, name: str) -> Html:
    return tr(FIELD_LABELS[name]) if name in FIELD_LABELS else Html(name)


def choice_label(tr: Translator, form_field: FormField, value: str) -> str:
    """A choice's label in the user's language (plain text)."""
    if form_field.name == "delay" and value.isdigit():
        # Plural forms hold only the number: the rendered text is plain as well.
        return str(tr.plural("order-minutes", int(value)))
    message_id = CHOICE_LABELS.get((form_field.name, value))
    if message_id is not None:
        return tr.plain(message_id)
    return next((choice.label for choice in form_field.choices if choice.value == value), value)


def error_text(tr: Translator, step: str, error: FieldError) -> Html:
    """Say what is wrong with an answer, naming the bounds it must keep."""
    field = field_label(tr, step)
    if error.problem is Problem.LINE_COUNT:
        assert error.count is not None and error.low is not None and error.high is not None
        return tr.plural(
            "order-error-line-count", error.count, field=field, low=tr.number(error.low), high=tr.number(error.high)
        )
    return tr(
        ERRORS[error.problem],
        field=field,
        low=tr.number(error.low) if error.low is not None else "",
        high=tr.number(error.high) if error.high is not None else "",
        earliest=_day(error.earliest),
        example=_day(error.earliest + timedelta(days=EXAMPLE_DAYS_AHEAD) if error.earliest else None),
    )


def _day(day: date | None) -> str:
    """A date the way the form wants it typed: day/month/year."""
    return "" if day is None else day.strftime("%d/%m/%Y")


def display_value(tr: Translator, form_field: FormField | None, value: Answer) -> Html:
    """A stored answer as HTML: lines as a short list, choices by their label."""
    if isinstance(value, list):
        shown = [shorten(line, PREVIEW_LINE_LENGTH) for line in value[:PREVIEW_LINES]]
        text = tr.plural("order-lines", len(value), lines="\n".join(shown))
        if len(value) > PREVIEW_LINES:
            text = Html(text + "\n" + tr.plural("order-more-lines", len(value) - PREVIEW_LINES))
        return text
    if isinstance(value, bool):
        return _flag(tr, value)
    if form_field is not None and form_field.kind is FieldKind.CHOICE and isinstance(value, str):
        return Html(html.escape(choice_label(tr, form_field, value)))
    if form_field is not None and form_field.kind is FieldKind.DATE and isinstance(value, str):
        return Html(html.escape(_typed_day(tr, value)))
    if isinstance(value, int):
        return Html(tr.number(value))
    return Html(html.escape(shorten(str(value), VALUE_LENGTH)))


def _typed_day(tr: Translator, value: str) -> str:
    """A day/month/year answer written the way the user's language writes dates."""
    try:
        return tr.date(datetime.strptime(value, "%d/%m/%Y"))
    except ValueError:  # not a date the form wrote: show it as it is
        return shorten(value, VALUE_LENGTH)


def prompt_screen(
    tr: Translator,
    service: Service,
    draft: OrderDraft,
    step: str,
    *,
    error: FieldError | None = None,
    today: date,
) -> Screen:
    """Ask for one step of the form: what to send, within which bounds, with Back and Cancel."""
    steps = form_steps(service, draft.values)
    fields = form_fields(service)
    form_field = fields.get(step)
    parts = []
    if error is not None:
        parts.append(error_text(tr, step, error))
    parts.append(
        tr(
            "order-step",
            service=shorten(service.name, CARD_NAME_LENGTH),
            step=tr.number(steps.index(step) + 1),
            steps=tr.number(len(steps)),
        )
    )
    low, high = number_bounds(form_field, service, draft.values) if form_field else (0, 0)
    message_id = TYPE_PROMPTS.get((service.kind, step)) or PROMPTS.get(step, "order-prompt-text")
    parts.append(
        tr(
            message_id,
            field=field_label(tr, step),
            min=tr.number(low),
            max=tr.number(high),
            example=_day(today + timedelta(days=EXAMPLE_DAYS_AHEAD)),
        )
    )
    if form_field is not None and form_field.kind is FieldKind.LINES and counts_as_quantity(service, form_field):
        parts.append(tr("order-prompt-lines-counted", min=tr.number(max(1, service.min)), max=tr.number(service.max)))
    if step in draft.values and draft.values[step] is not None:
        parts.append(tr("order-current-value", value=display_value(tr, form_field, draft.values[step])))
    rows: list[list[InlineKeyboardButton]] = []
    if step == STEP_DRIPFEED:
        rows.append(
            [
                walk_button(tr, "button-dripfeed-yes", PICK, step, 1),
                walk_button(tr, "button-dripfeed-no", PICK, step, 0),
            ]
        )
    elif form_field is not None and form_field.kind is FieldKind.CHOICE:
        choices = [
            InlineKeyboardButton(
                choice_label(tr, form_field, choice.value), callback_data=pack(ORDER_STEP, PICK, step, choice.value)
            )
            for choice in form_field.choices
        ]
        rows += [choices[index : index + 3] for index in range(0, len(choices), 3)]
    if form_field is not None and is_optional(form_field):
        rows.append([walk_button(tr, "button-skip", SKIP, step)])
    rows.append([walk_button(tr, "button-back", BACK, step), cancel_button(tr)])
    return Screen(Html("\n\n".join(parts)), _keyboard(*rows))


# --- confirmation and results -------------------------------------------------------------


@dataclass(frozen=True)
class Funds:
    """The account's money as far as known: currency and balance may each be unknown."""

    currency: str | None
    balance: Decimal | None


def confirmation_screen(
    tr: Translator,
    service: Service,
    draft: OrderDraft,
    price: Price,
    funds: Funds,
    token: str,
    *,
    notice: Html | None = None,
) -> Screen:
    """The whole order, its price and the balance, with Confirm / Edit / Cancel."""
    values = draft.values
    fields = form_fields(service)
    lines = [tr("order-confirm-title")]
    if notice is not None:
        lines.insert(0, notice)
    lines.append(tr("order-confirm-service", service=shorten(service.name, CARD_NAME_LENGTH), id=service.id))
    for step in form_steps(service, values):
        value = values.get(step)
        if step in (STEP_DRIPFEED, "runs", "interval") or value is None:
            continue
        lines.append(
            tr("order-confirm-field", field=field_label(tr, step), value=display_value(tr, fields.get(step), value))
        )
    quantity, runs = order_quantity(service, values), order_runs(service, values)
    if quantity is not None and "quantity" not in values:
        lines.append(tr("order-confirm-field", field=field_label(tr, "quantity"), value=tr.number(quantity)))
    if runs is not None and quantity is not None:
        lines.append(
            tr(
                "order-confirm-dripfeed",
                runs=tr.number(runs),
                interval=tr.number(order_interval(service, values) or 0),
                total=tr.number(quantity * runs),
            )
        )
    rate_id = CONFIRM_RATES.get(pricing(service))
    if rate_id is not None:
        lines.append(tr(rate_id, rate=money(tr, service.rate, funds.currency)))
    amount = money(tr, price.amount, funds.currency)
    lines.append(tr("order-confirm-price-per-post" if price.per_post else "order-confirm-price", price=amount))
    if funds.balance is not None:
        lines.append(tr("order-confirm-balance", balance=money(tr, funds.balance, funds.currency)))
        if funds.balance < price.amount:
            lines.append(
                tr("order-confirm-balance-short", short=money(tr, price.amount - funds.balance, funds.currency))
            )
    keyboard = _keyboard(
        [walk_button(tr, "button-confirm", CONFIRM, token)],
        [walk_button(tr, "button-edit", EDIT), walk_button(tr, "button-back", BACK, STEP_CONFIRM)],
        [cancel_button(tr)],
    )
    return Screen(Html("\n".join(lines)), keyboard)


def terms_changed_notice(
    tr: Translator, service: Service, currency: str | None, *, account_changed: bool = False
) -> Html:
    """Why the confirmation is shown again: the panel's terms, or the paying account, changed."""
    if account_changed:
        return tr("order-account-changed")
    if pricing(service) is Pricing.ONCE:
        return tr("order-terms-changed-once", rate=money(tr, service.rate, currency))
    return tr(
        "order-terms-changed",
        rate=money(tr, service.rate, currency),
        min=tr.number(service.min),
        max=tr.number(service.max),
    )


def edit_screen(tr: Translator, service: Service, draft: OrderDraft) -> Screen:
    """Pick the answer to change; Back returns to the confirmation."""
    steps = form_steps(service, draft.values)
    buttons = [
        InlineKeyboardButton(tr.plain(FIELD_LABELS[step]), callback_data=pack(ORDER_STEP, CHANGE, step))
        for step in steps
        if step in FIELD_LABELS
    ]
    rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    return Screen(
        tr("order-edit-choose"),
        _keyboard(*rows, [walk_button(tr, "button-back", REVIEW), cancel_button(tr)]),
    )


def placed_screen(tr: Translator, order: Order, *, will_notify: bool) -> Screen:
    """The panel took the order; the promise of news only to a user who will get it."""
    assert order.panel_order_id is not None
    lines = [tr("order-placed", panel_id=order.panel_order_id)]
    if will_notify:
        lines.append(tr("order-placed-will-notify"))
    return Screen(Html("\n".join(lines)), open_order_keyboard(tr, order))


def rejected_screen(tr: Translator, message: str) -> Screen:
    """The panel's refusal, with Edit to fix the order and try again."""
    return Screen(
        tr("order-failed", message=panel_message(message)),
        _keyboard([walk_button(tr, "button-edit", EDIT), cancel_button(tr)]),
    )


def ambiguous_screen(tr: Translator, order: Order) -> Screen:
    return Screen(tr("order-unknown", number=order.id), open_order_keyboard(tr, order))


def already_submitted_screen(tr: Translator, order: Order) -> Screen:
    return Screen(tr("order-already-submitted", number=order.id), open_order_keyboard(tr, order))


def admin_unknown_text(tr: Translator, order: Order, user_label: str, message: str) -> Html:
    """Ask an admin to check an order whose outcome is unknown."""
    return tr(
        "order-admin-unknown",
        number=order.id,
        user=user_label,
        service=shorten(order.service.name, CARD_NAME_LENGTH),
        service_id=order.service.service_id,
        link=shorten(order.link or "—", VALUE_LENGTH),
        quantity=quantity_text(tr, order),
        message=panel_message(message),
    )

