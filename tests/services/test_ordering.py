"""The order form (pure functions) and `submit` against a real database and the sandbox panel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.panel import PanelClient, Service
from bot.panel.service_types import SERVICE_TYPES
from bot.sandbox import Fault, SandboxPanel
from bot.services.accounts import AccountAccess
from bot.services.catalog import CatalogCache
from bot.services.ordering import (
    INTERRUPTED,
    STEP_CONFIRM,
    STEP_DRIPFEED,
    AlreadySubmitted,
    Ambiguous,
    CannotVerify,
    FieldError,
    OrderDraft,
    Placed,
    Price,
    Problem,
    Rejected,
    ServiceGone,
    TermsChanged,
    add_params,
    find_submitted,
    first_gap,
    form_fields,
    form_steps,
    is_supported,
    next_step,
    order_price,
    order_quantity,
    parse_date,
    parse_line,
    parse_lines,
    parse_link,
    parse_whole_number,
    previous_step,
    read_answer,
    repeat_values,
    state_of,
    step_of,
    submit,
)
from bot.storage import Database, SubmitState

TODAY = date(2026, 3, 10)
KEY = "key-ordering"
USER = 501


def service(
    kind: str = "Default", *, rate: str = "0.90", low: int = 50, high: int = 10_000, dripfeed: bool = False
) -> Service:
    return Service.model_validate(
        {"service": 7, "name": "S", "type": kind, "category": "C", "rate": rate, "min": low, "max": high,
         "dripfeed": dripfeed}
    )


# --- reading answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://instagram.com/me", "https://instagram.com/me"),
        ("instagram.com/me", "https://instagram.com/me"),
        ("  t.me/channel/5 ", "https://t.me/channel/5"),
        ("http://example.org", "http://example.org"),
        ("x.com/<b>&", "https://x.com/<b>&"),
        ("пример.рф/страница", "https://пример.рф/страница"),
        ("www.youtube.com/watch?v=abc&t=1", "https://www.youtube.com/watch?v=abc&t=1"),
    ],
)
def test_links_are_read_with_https_added_when_missing(typed: str, expected: str) -> None:
    assert parse_link(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "hello", "@someone", "ftp://example.com/x", "localhost", "two words.com", "https://", "a." * 1500]
)
def test_things_that_are_not_links_are_refused(typed: str) -> None:
    assert parse_link(typed) == FieldError(Problem.NOT_A_LINK)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1000", 1000), ("1,000", 1000), ("1 000", 1000), ("1.000", 1000), ("1'000", 1000), ("10\u00a0000", 10000),
     (" 50 ", 50), ("10_000", 10000)],
)
def test_whole_numbers_accept_thousands_separators(typed: str, expected: int) -> None:
    assert parse_whole_number(typed, 50, 10_000) == expected


@pytest.mark.parametrize("typed", ["abc", "1.5", "1,00", "1,000.000", "-5", "1e3", "１２３", ""])
def test_other_numbers_are_refused_naming_the_bounds(typed: str) -> None:
    assert parse_whole_number(typed, 50, 10_000) == FieldError(Problem.NOT_A_NUMBER, low=50, high=10_000)


@pytest.mark.parametrize("typed", ["49", "10,001", "0"])
def test_numbers_out_of_bounds_are_refused_naming_them(typed: str) -> None:
    assert parse_whole_number(typed, 50, 10_000) == FieldError(Problem.OUT_OF_RANGE, low=50, high=10_000)


def test_lines_drop_blanks_and_count_within_bounds() -> None:
    assert parse_lines(" a \n\n b\r\nc ") == ["a", "b", "c"]
    assert parse_lines("\n  \n") == FieldError(Problem.EMPTY)
    assert parse_lines("a\nb", (3, 5)) == FieldError(Problem.LINE_COUNT, count=2, low=3, high=5)
    assert parse_lines("a\nb\nc", (3, 5)) == ["a", "b", "c"]


def test_a_line_is_one_non_empty_line() -> None:
    assert parse_line("  #sunset ") == "#sunset"
    assert parse_line("  ") == FieldError(Problem.EMPTY)
    assert parse_line("a\nb") == FieldError(Problem.ONE_LINE)
    assert parse_line("x" * 301) == FieldError(Problem.TOO_LONG, high=300)


def test_dates_are_day_month_year_from_today_on() -> None:
    assert parse_date("31/12/2026", TODAY) == "31/12/2026"
    assert parse_date("1.4.2026", TODAY) == "01/04/2026"
    assert parse_date("10-03-2026", TODAY) == "10/03/2026"
    assert parse_date("9/3/2026", TODAY) == FieldError(Problem.DATE_PAST, earliest=TODAY)
    assert parse_date("31/02/2026", TODAY) == FieldError(Problem.NOT_A_DATE, earliest=TODAY)
    assert parse_date("tomorrow", TODAY) == FieldError(Problem.NOT_A_DATE, earliest=TODAY)


def test_quantity_and_counted_lines_use_the_services_bounds() -> None:
    default = service(low=50, high=10_000)
    assert read_answer(default, form_fields(default)["quantity"], "20", {}, TODAY) == FieldError(
        Problem.OUT_OF_RANGE, low=50, high=10_000
    )
    comments = service("Custom Comments", low=2, high=3)
    field = form_fields(comments)["comments"]
    assert read_answer(comments, field, "only one", {}, TODAY) == FieldError(
        Problem.LINE_COUNT, count=1, low=2, high=3
    )
    package = service("Custom Comments Package", low=1, high=1)
    assert read_answer(package, form_fields(package)["comments"], "a\nb\nc", {}, TODAY) == ["a", "b", "c"]


def test_subscription_max_is_bounded_below_by_the_min_given() -> None:
    subscription = service("Subscriptions", low=100, high=5000)
    fields = form_fields(subscription)
    assert read_answer(subscription, fields["min"], "50", {}, TODAY) == FieldError(
        Problem.OUT_OF_RANGE, low=100, high=5000
    )
    assert read_answer(subscription, fields["max"], "200", {"min": 300}, TODAY) == FieldError(
        Problem.OUT_OF_RANGE, low=300, high=5000
    )
    assert read_answer(subscription, fields["max"], "300", {"min": 300}, TODAY) == 300


def test_choices_may_be_typed_by_value_or_label() -> None:
    traffic = service("Web Traffic", low=1000, high=100_000)
    device = form_fields(traffic)["device"]
    assert read_answer(traffic, device, "desktop", {}, TODAY) == "1"
    assert read_answer(traffic, device, "3", {}, TODAY) == "3"
    assert read_answer(traffic, device, "a toaster", {}, TODAY) == FieldError(Problem.USE_BUTTONS)


# --- the form -----------------------------------------------------------------------------


def test_every_type_but_unknown_is_supported() -> None:
    assert is_supported(service("Poll"))
    assert is_supported(service("default"))  # types compare case-insensitively
    assert not is_supported(service("Story Views Beta"))
    assert {kind for kind, spec in SERVICE_TYPES.items() if not spec.known} == {service("???").kind}


@pytest.mark.parametrize(
    ("kind", "steps"),
    [
        ("Default", ("link", "quantity")),
        ("SEO", ("link", "quantity", "keywords")),
        ("Custom Comments", ("link", "comments")),
        ("Custom Comments Package", ("link", "comments")),
        ("Mentions", ("link", "quantity", "usernames")),
        ("Mentions with Hashtags", ("link", "quantity", "usernames", "hashtags")),
        ("Mentions Custom List", ("link", "usernames")),
        ("Mentions Hashtag", ("link", "quantity", "hashtag")),
        ("Mentions User Followers", ("link", "quantity", "username")),
        ("Mentions Media Likers", ("link", "quantity", "media")),
        ("Package", ("link",)),
        ("Comment Likes", ("link", "quantity", "username")),
        ("Poll", ("link", "quantity", "answer_number")),
        ("Invites from Groups", ("link", "quantity", "groups")),
        ("Subscriptions", ("username", "min", "max", "posts", "old_posts", "delay", "expiry")),
        ("Web Traffic", ("link", "quantity", "country", "device", "type_of_traffic")),
    ],
)
def test_each_type_asks_for_its_fields(kind: str, steps: tuple[str, ...]) -> None:
    assert form_steps(service(kind), {}) == steps


def test_drip_feed_is_asked_only_where_the_service_allows_it() -> None:
    assert STEP_DRIPFEED not in form_steps(service("Default", dripfeed=False), {})
    assert STEP_DRIPFEED not in form_steps(service("SEO", dripfeed=True), {})
    drip = service("Default", dripfeed=True)
    assert form_steps(drip, {}) == ("link", "quantity", STEP_DRIPFEED)
    assert form_steps(drip, {STEP_DRIPFEED: True}) == ("link", "quantity", STEP_DRIPFEED, "runs", "interval")


def test_web_traffic_asks_for_the_keyword_or_referrer_its_source_needs() -> None:
    traffic = service("Web Traffic")
    base = ("link", "quantity", "country", "device", "type_of_traffic")
    assert form_steps(traffic, {"type_of_traffic": "1"}) == (*base, "google_keyword")
    assert form_steps(traffic, {"type_of_traffic": "2"}) == (*base, "referring_url")
    assert form_steps(traffic, {"type_of_traffic": "3"}) == base


def test_steps_go_forward_to_the_first_unanswered_and_back_one_by_one() -> None:
    drip = service("Default", dripfeed=True)
    assert next_step(drip, {}) == "link"
    assert next_step(drip, {"link": "https://a.io"}) == "quantity"
    values = {"link": "https://a.io", "quantity": 100, STEP_DRIPFEED: False}
    assert next_step(drip, values) == STEP_CONFIRM
    assert previous_step(drip, values, STEP_CONFIRM) == STEP_DRIPFEED
    assert previous_step(drip, values, "quantity") == "link"
    assert previous_step(drip, values, "link") is None
    # Changing one answer after the confirmation goes straight back to it.
    assert next_step(drip, values | {"quantity": 200}) == STEP_CONFIRM


def test_state_names_are_the_dialog_and_the_step() -> None:
    assert state_of("link") == "order.link"
    assert step_of("order.quantity") == "quantity"


# --- price and parameters -------------------------------------------------------------------


def test_price_is_rate_times_quantity_times_runs_over_a_thousand() -> None:
    drip = service("Default", rate="0.1234567", dripfeed=True)
    values = {"link": "https://a.io", "quantity": 1500, STEP_DRIPFEED: True, "runs": 3, "interval": 30}
    assert order_price(drip, values) == Price(Decimal("0.1234567") * 1500 * 3 / 1000)
    assert order_price(drip, values).amount == Decimal("0.55555515")
    assert order_price(drip, values | {STEP_DRIPFEED: False}).amount == Decimal("0.18518505")


def test_counted_lines_are_the_quantity_and_packages_cost_their_rate() -> None:
    comments = service("Custom Comments", rate="8")
    values = {"link": "https://a.io", "comments": ["a", "b", "c"]}
    assert order_quantity(comments, values) == 3
    assert order_price(comments, values).amount == Decimal("0.024")
    package = service("Package", rate="14.99", low=1, high=1)
    assert order_quantity(package, {"link": "https://a.io"}) is None
    assert order_price(package, {"link": "https://a.io"}) == Price(Decimal("14.99"))


def test_a_subscription_costs_the_most_per_post_for_each_post() -> None:
    subscription = service("Subscriptions", rate="0.12", low=100, high=50_000)
    values = {"username": "me", "min": 100, "max": 1000, "delay": "0"}
    assert order_price(subscription, values | {"posts": None}) == Price(Decimal("0.12"), per_post=True)
    assert order_price(subscription, values | {"posts": 10}) == Price(Decimal("1.20"))


def test_add_parameters_are_the_answered_fields_as_text() -> None:
    drip = service("Default", dripfeed=True)
    values = {"link": "https://a.io", "quantity": 100, STEP_DRIPFEED: True, "runs": 2, "interval": 15}
    assert add_params(drip, values) == {"link": "https://a.io", "quantity": "100", "runs": "2", "interval": "15"}
    assert add_params(drip, values | {STEP_DRIPFEED: False}) == {"link": "https://a.io", "quantity": "100"}
    mentions = service("Mentions with Hashtags")
    values = {"link": "https://a.io", "quantity": 100, "usernames": ["a", "b"], "hashtags": ["#x"]}
    assert add_params(mentions, values)["usernames"] == "a\nb"
    subscription = service("Subscriptions", low=100)
    values = {"username": "me", "min": 100, "max": 200, "posts": None, "old_posts": 2, "delay": "30", "expiry": None}
    assert add_params(subscription, values) == {
        "username": "me", "min": "100", "max": "200", "old_posts": "2", "delay": "30"
    }
    traffic = service("Web Traffic")
    values = {"link": "https://a.io", "quantity": 1000, "country": "US", "device": "1", "type_of_traffic": "3",
              "google_keyword": "left over from an earlier answer"}
    assert "google_keyword" not in add_params(traffic, values)


# --- the draft ------------------------------------------------------------------------------


def test_a_draft_survives_the_database_as_json() -> None:
    draft = OrderDraft.start(service(rate="0.1234567"), {"link": "https://a.io", "comments": ["a"], "posts": None})
    assert OrderDraft.from_data(draft.to_data()) == draft
    confirmed = draft.requoted(service(rate="0.1234567"), account_id=7)
    assert OrderDraft.from_data(confirmed.to_data()) == confirmed and confirmed.account_id == 7


@pytest.mark.parametrize("data", [{}, {"query": "likes"}, {"service": "x", "quote": {}, "values": {}},
                                  {"service": 1, "quote": {"type": "Default", "rate": "abc", "min": 1, "max": 2},
                                   "values": {}}])
def test_data_that_is_no_order_draft_reads_as_none(data: dict[str, object]) -> None:
    assert OrderDraft.from_data(data) is None


def test_first_gap_finds_what_a_changed_service_no_longer_accepts() -> None:
    values = {"link": "https://a.io", "quantity": 100}
    assert first_gap(service(low=50), values, TODAY) is None
    assert first_gap(service(low=500, high=1000), values, TODAY) == (
        "quantity", FieldError(Problem.OUT_OF_RANGE, low=500, high=1000)
    )
    assert first_gap(service(dripfeed=True), values, TODAY) == (STEP_DRIPFEED, None)


# --- submitting -----------------------------------------------------------------------------


@dataclass
class Submitting:
    db: Database
    panel: SandboxPanel
    client: PanelClient
    catalogs: CatalogCache
    access: AccountAccess

    async def confirmed(self, service_id: int = 1, **values: object) -> tuple[OrderDraft, str]:
        """A complete draft for a sandbox service as the confirmation shows it, and its token."""
        catalog = await self.catalogs.get(self.access.account.id, self.access.key)
        chosen = catalog.service(service_id)
        assert chosen is not None
        answers = {"link": "https://instagram.com/someone", "quantity": 100, STEP_DRIPFEED: False} | values
        draft = OrderDraft.start(chosen, answers).requoted(chosen, self.access.account.id)
        stored = await self.db.drafts.start(USER, state_of(STEP_CONFIRM), draft.to_data())
        return draft, stored.token

    async def submit(self, draft: OrderDraft, token: str) -> object:
        return await submit(
            db=self.db, panel=self.client, catalogs=self.catalogs, access=self.access,
            user_id=USER, draft=draft, token=token, currency="USD",
        )


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Submitting]:
    async with SandboxPanel() as panel:
        panel.add_account(KEY, balance=Decimal("100"))
        db = await Database.open(tmp_path / "bot.sqlite3")
        await db.users.upsert_seen(USER, "en")
        account = await db.accounts.connect_personal(USER, SecretStr(KEY), "USD", Decimal("100"))
        async with PanelClient(panel.url, read_retries=0, timeout=5) as client:
            catalogs = CatalogCache(client, 600)
            yield Submitting(db, panel, client, catalogs, AccountAccess(account, SecretStr(KEY), personal=True))
            await catalogs.close()
        await db.close()


async def test_a_confirmed_draft_becomes_one_placed_order(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1, quantity=1000)
    result = await setup.submit(draft, token)
    assert isinstance(result, Placed)
    order = result.order
    assert order.submit_state is SubmitState.PLACED and order.submit_token == token
    assert order.panel_order_id in setup.panel.orders
    assert order.expected_price == Decimal("0.90") == setup.panel.orders[order.panel_order_id].charge
    assert (order.link, order.quantity, order.runs) == ("https://instagram.com/someone", 1000, None)
    assert await setup.db.drafts.get(USER) is None  # the confirmation cannot be used again
    assert await find_submitted(setup.db, USER, token) == order


async def test_a_draft_confirmed_on_another_account_is_shown_again_not_sent(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1)
    result = await setup.submit(replace(draft, account_id=setup.access.account.id + 1), token)
    assert isinstance(result, TermsChanged) and result.account_changed
    assert result.draft.account_id == setup.access.account.id
    assert setup.panel.count("add") == 0 and await setup.db.orders.list_for_user(USER) == []


async def test_the_order_is_recorded_as_submitting_before_add_goes_out(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1)
    setup.panel.action_latency["add"] = 1.0
    sending = asyncio.create_task(setup.submit(draft, token))
    await setup.panel.wait_for_request("add")
    [order] = await setup.db.orders.list_for_user(USER)
    assert order.submit_state is SubmitState.SUBMITTING and order.submit_token == token
    assert isinstance(await sending, Placed)


async def test_the_same_token_never_places_twice(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1)
    first, second = await asyncio.gather(setup.submit(draft, token), setup.submit(draft, token))
    results = sorted([first, second], key=lambda result: type(result).__name__)
    assert isinstance(results[0], AlreadySubmitted) and isinstance(results[1], Placed)
    assert results[0].order.id == results[1].order.id
    assert setup.panel.count("add") == 1


async def test_a_refusal_is_recorded_as_failed_with_the_panels_message(setup: Submitting) -> None:
    setup.panel.account(KEY).balance = Decimal("0.01")
    draft, token = await setup.confirmed(1, quantity=1000)
    result = await setup.submit(draft, token)
    assert isinstance(result, Rejected)
    assert result.message == "Not enough funds on balance"
    assert result.order.submit_state is SubmitState.FAILED
    assert result.order.submit_error == "Not enough funds on balance"
    assert setup.panel.orders == {}


async def test_an_answer_lost_after_sending_is_unknown_and_not_retried(setup: Submitting) -> None:
    setup.panel.inject(Fault.PROCESS_THEN_HTML_502, action="add")
    draft, token = await setup.confirmed(1)
    result = await setup.submit(draft, token)
    assert isinstance(result, Ambiguous)
    assert result.order.submit_state is SubmitState.UNKNOWN
    assert setup.panel.count("add") == 1 and len(setup.panel.orders) == 1  # it was placed after all


async def test_a_submit_cut_off_while_add_is_out_is_unknown_and_still_owed_a_report(setup: Submitting) -> None:
    """A stop (or a bug) while `add` is out: the order may exist, so it is `unknown`, and its
    owner and the admins are told by the report start-up and the status job make."""
    setup.panel.action_latency["add"] = 5.0
    draft, token = await setup.confirmed(1)
    sending = asyncio.create_task(setup.submit(draft, token))
    await setup.panel.wait_for_request("add")
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    [order] = await setup.db.orders.list_for_user(USER)
    assert order.submit_state is SubmitState.UNKNOWN and order.submit_error == INTERRUPTED
    assert await setup.db.orders.unreported_unknown() == [order]


async def test_a_changed_rate_sends_the_user_back_to_confirm(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1, quantity=1000)
    setup.panel.service(1).rate = Decimal("1.20")
    result = await setup.submit(draft, token)
    assert isinstance(result, TermsChanged)
    assert result.draft.quote.rate == Decimal("1.20")
    assert order_price(result.service, result.draft.values).amount == Decimal("1.20")
    assert setup.panel.count("add") == 0
    assert await setup.db.orders.list_for_user(USER) == []


async def test_drip_feed_withdrawn_after_confirming_is_confirmed_again(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1, quantity=1000, **{STEP_DRIPFEED: True, "runs": 3, "interval": 30})
    shown = (await setup.catalogs.get(setup.access.account.id, setup.access.key)).service(1)
    assert shown is not None and order_price(shown, draft.values).amount == Decimal("2.70")
    setup.panel.service(1).dripfeed = False
    result = await setup.submit(draft, token)
    assert isinstance(result, TermsChanged)
    assert order_price(result.service, result.draft.values).amount == Decimal("0.90")  # one run now
    assert setup.panel.count("add") == 0


@pytest.mark.parametrize(("low", "high"), [(2000, 10_000), (50, 5000)])
async def test_changed_limits_are_caught_too(setup: Submitting, low: int, high: int) -> None:
    draft, token = await setup.confirmed(1, quantity=1000)
    setup.panel.service(1).min, setup.panel.service(1).max = low, high
    result = await setup.submit(draft, token)
    assert isinstance(result, TermsChanged)
    assert setup.panel.count("add") == 0


async def test_a_vanished_service_is_reported_and_nothing_sent(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1)
    setup.panel.services[:] = [entry for entry in setup.panel.services if entry.id != 1]
    assert isinstance(await setup.submit(draft, token), ServiceGone)
    assert setup.panel.count("add") == 0


async def test_when_the_catalog_cannot_be_checked_nothing_is_recorded(setup: Submitting) -> None:
    draft, token = await setup.confirmed(1)
    setup.panel.inject(Fault.HTML_503, action="services")
    result = await setup.submit(draft, token)
    assert isinstance(result, CannotVerify)
    assert setup.panel.count("add") == 0
    assert await setup.db.orders.list_for_user(USER) == []
    assert (await setup.db.drafts.get(USER)) is not None  # Confirm still works later
    assert isinstance(await setup.submit(draft, token), Placed)


async def test_repeating_an_order_reuses_its_answers(setup: Submitting) -> None:
    draft, token = await setup.confirmed(
        17, link="https://youtube.com/watch?v=1", quantity=1000, **{STEP_DRIPFEED: True, "runs": 3, "interval": 10}
    )
    result = await setup.submit(draft, token)
    assert isinstance(result, Placed)
    catalog = await setup.catalogs.get(setup.access.account.id, setup.access.key)
    youtube = catalog.service(17)
    assert youtube is not None
    again = repeat_values(youtube, result.order)
    assert again == dict(draft.values)
    assert first_gap(youtube, again, TODAY) is None


async def test_repeating_a_subscription_keeps_its_skipped_fields_skipped(setup: Submitting) -> None:
    answers = {"username": "@channel", "min": 100, "max": 1000, "posts": None, "old_posts": 3, "delay": "30",
               "expiry": None}
    draft, token = await setup.confirmed(16, **answers)
    result = await setup.submit(draft, token)
    assert isinstance(result, Placed)
    assert result.order.link is None and result.order.quantity is None
    catalog = await setup.catalogs.get(setup.access.account.id, setup.access.key)
    subscription = catalog.service(16)
    assert subscription is not None
    again = repeat_values(subscription, result.order)
    assert again == answers
    assert first_gap(subscription, again, TODAY) is None
