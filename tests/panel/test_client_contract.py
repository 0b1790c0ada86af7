"""The real client against the real sandbox panel over loopback HTTP."""

from __future__ import annotations

import itertools
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest
from pydantic import SecretStr

from bot.panel import (
    CancelResult,
    FieldKind,
    FormField,
    ItemError,
    OrderOutcomeUnknown,
    OrderState,
    OrderStatus,
    PanelAuthError,
    PanelClient,
    PanelError,
    PanelRejected,
    PanelUnavailable,
    RefillState,
    Service,
    ServiceType,
    order_fields,
)
from bot.sandbox import Fault, SandboxPanel

KEY = SecretStr("sk-alice-5f2d8c0e9b7a4e1d")
SECRET = KEY.get_secret_value()
OTHER_KEY = SecretStr("sk-bob-0a1b2c3d4e5f6a7b")
UNKNOWN_KEY = SecretStr("sk-nobody-9e8d7c6b5a4f3e2d")
VARIANTS = ["docs", "numbers", "strings", "bare_php"]
REFILL_AND_CANCEL_SERVICE = 1  # Default, refill and cancel on, drip-feed on
READ_FAULTS = {
    Fault.HTML_502: "panel returned an HTML page (HTTP 502)",
    Fault.HTML_503: "panel returned an HTML page (HTTP 503)",
    Fault.CLOUDFLARE_403: "panel returned an HTML page (HTTP 403)",
    Fault.EMPTY_BODY: "panel returned an empty reply (HTTP 200)",
    Fault.NOT_JSON: "panel returned a non-JSON reply (HTTP 200)",
    Fault.SERVER_ERROR: "panel reported a server error (HTTP 500)",
    Fault.RESET: "the panel closed the connection without answering",
    Fault.PROCESS_THEN_HTML_502: "panel returned an HTML page (HTTP 502)",
}
# Faults answered before the sandbox looks at the request: nothing is placed.
CANNED_FAULTS = [fault for fault in READ_FAULTS if fault is not Fault.PROCESS_THEN_HTML_502]

_links = itertools.count(1)


def assert_keyless(*texts: object) -> None:
    """The API key appears in none of the given objects' str() or repr()."""
    for text in texts:
        assert SECRET not in str(text) and SECRET not in repr(text)


@pytest.fixture
async def panel() -> AsyncIterator[SandboxPanel]:
    async with SandboxPanel(seed=1) as panel:
        panel.add_account(SECRET, balance=Decimal("100"))
        panel.add_account(OTHER_KEY.get_secret_value(), balance=Decimal("50"))
        yield panel


@pytest.fixture
async def client(panel: SandboxPanel) -> AsyncIterator[PanelClient]:
    async with PanelClient(panel.url, timeout=5.0, read_retries=2, backoff=0.001) as client:
        yield client


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback URL whose port is bound but not listening: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"


async def place(client: PanelClient, service_id: int = 1, quantity: int = 100) -> int:
    link = f"https://instagram.com/p/post{next(_links)}"
    return await client.add(KEY, service_id, {"link": link, "quantity": quantity})


def fill(field: FormField, service: Service) -> str:
    """A valid value for one form field of `service`."""
    if field.kind is FieldKind.LINK:
        return f"https://example.com/{service.id}/{field.name}/{next(_links)}"
    if field.kind is FieldKind.LINES:
        return "\n".join(f"{field.name}{line}" for line in range(max(service.min, 1)))
    if field.kind is FieldKind.CHOICE:
        return field.choices[0].value
    if field.kind is FieldKind.DATE:
        return "31/12/2099"
    if field.kind is FieldKind.INTEGER:
        return str(service.min) if field.name in ("quantity", "min", "max") else "1"
    return f"user{service.id}x{next(_links)}"


def form_for(service: Service) -> dict[str, str | int]:
    """Fill every field the table says `service` requires, conditional ones included."""
    values: dict[str, str | int] = {}
    for field in order_fields(service):
        wanted = field.required or (
            field.required_when is not None
            and values.get(field.required_when[0]) == field.required_when[1]
        )
        if wanted:
            values[field.name] = fill(field, service)
    return values


@pytest.mark.parametrize("variant", VARIANTS)
async def test_services_match_the_sandbox_catalog(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    services = await client.services(KEY)
    assert [service.id for service in services] == [service.id for service in panel.services]
    for ours, theirs in zip(services, panel.services, strict=True):
        assert (ours.name, ours.type, ours.category) == (theirs.name, theirs.type, theirs.category)
        assert ours.rate == theirs.rate
        assert (ours.min, ours.max) == (theirs.min, theirs.max)
        assert ours.refill is bool(theirs.refill) and ours.cancel is bool(theirs.cancel)
        assert ours.dripfeed is theirs.dripfeed
        assert ours.description == theirs.desc
    assert {service.kind for service in services} == set(ServiceType)


async def test_services_follow_catalog_changes(panel: SandboxPanel, client: PanelClient) -> None:
    panel.service(3).rate = Decimal("1.20")
    services = {service.id: service for service in await client.services(KEY)}
    assert services[3].rate == Decimal("1.20")


async def test_a_large_catalog_is_read_whole() -> None:
    async with SandboxPanel(extra_services=5000, seed=7) as panel:
        panel.add_account(SECRET, balance=Decimal("1"))
        panel.variant = "numbers"
        async with PanelClient(panel.url, backoff=0.001) as client:
            services = await client.services(KEY)
    assert len(services) == len(panel.services) > 5000
    assert all(ours.rate == theirs.rate for ours, theirs in zip(services, panel.services, strict=True))


@pytest.mark.parametrize("variant", VARIANTS)
async def test_every_service_type_orders_through_the_type_table(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    for service in await client.services(KEY):
        order_id = await client.add(KEY, service.id, form_for(service))
        assert panel.orders[order_id].service.id == service.id


@pytest.mark.parametrize("variant", VARIANTS)
async def test_an_order_lives_through_status_refill_and_completion(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    order_id = await place(client, REFILL_AND_CANCEL_SERVICE, quantity=100)
    assert order_id in panel.orders

    pending = await client.status(KEY, order_id)
    assert pending.state is OrderState.PENDING and not pending.state.is_final
    assert pending.charge == Decimal("0.09")
    assert pending.currency == "USD"

    panel.advance(order_id)
    panel.advance(order_id)
    completed = await client.status(KEY, order_id)
    assert completed.state is OrderState.COMPLETED and completed.state.is_final
    assert completed.remains == 0

    refill_id = await client.refill(KEY, order_id)
    assert refill_id in panel.refills
    assert (await client.refill_status(KEY, refill_id)).state is RefillState.PENDING
    panel.set_refill_status(refill_id, "Completed")
    statuses = await client.refill_statuses(KEY, [refill_id, 999_999])
    refill = statuses[refill_id]
    assert not isinstance(refill, ItemError) and refill.state.is_final
    assert statuses[999_999] == ItemError(message="Refill not found")


@pytest.mark.parametrize("variant", VARIANTS)
async def test_partial_orders_report_what_remains(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    order_id = await place(client, REFILL_AND_CANCEL_SERVICE, quantity=100)
    panel.set_status(order_id, "Partial", remains=40)
    status = await client.status(KEY, order_id)
    assert status.state is OrderState.PARTIAL and status.remains == 40
    assert status.charge == panel.orders[order_id].charge


@pytest.mark.parametrize("variant", VARIANTS)
async def test_batch_refills_map_orders_to_refills_or_errors(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    done, running = await place(client), await place(client)
    panel.set_status(done, "Completed")
    result = await client.refills(KEY, [done, running, 5])
    assert result[done] in panel.refills
    assert isinstance(result[running], ItemError) and isinstance(result[5], ItemError)
    assert result[5] == ItemError(message="Incorrect order ID")


@pytest.mark.parametrize("variant", VARIANTS)
async def test_cancel_is_requested_then_happens(
    panel: SandboxPanel, client: PanelClient, variant: str
) -> None:
    panel.variant = variant
    order_id = await place(client, REFILL_AND_CANCEL_SERVICE)
    before = await client.balance(KEY)
    result = await client.cancel(KEY, [order_id, 5])
    assert result == {order_id: CancelResult(), 5: ItemError(message="Incorrect order ID")}
    assert panel.requests[-1].params == {"orders": f"{order_id},5"}
    panel.advance(order_id)
    status = await client.status(KEY, order_id)
    assert status.state is OrderState.CANCELED and status.state.is_final
    assert (await client.balance(KEY)).amount == before.amount + Decimal("0.09")


@pytest.mark.parametrize("variant", VARIANTS)
async def test_balance_is_exact(panel: SandboxPanel, client: PanelClient, variant: str) -> None:
    panel.variant = variant
    panel.account(SECRET).balance = Decimal("100.84292")
    balance = await client.balance(KEY)
    assert balance.amount == Decimal("100.84292")
    assert balance.currency == (None if variant == "bare_php" else "USD")  # that script leaves it out


async def test_charges_keep_every_decimal_place(
    panel: SandboxPanel, client: PanelClient
) -> None:
    panel.variant = "numbers"  # money as JSON floats
    order_id = await place(client, 3, quantity=333)  # rate 0.1234567
    expected = panel.orders[order_id].charge
    assert (await client.status(KEY, order_id)).charge == expected
    assert (await client.balance(KEY)).amount == Decimal("100") - expected


async def test_statuses_are_sent_in_batches_of_100(
    panel: SandboxPanel, client: PanelClient, caplog: pytest.LogCaptureFixture
) -> None:
    placed = [await place(client) for _ in range(3)]
    wanted = placed + list(range(1, 248))
    with caplog.at_level(logging.DEBUG, logger="bot.panel.client"):
        result = await client.statuses(KEY, wanted + placed)  # repeats are asked once
    assert panel.count("status") == 3
    sizes = [len(request.params["orders"].split(",")) for request in panel.requests[3:]]
    assert sizes == [100, 100, 50]
    assert list(result) == wanted
    assert all(isinstance(result[order_id], OrderStatus) for order_id in placed)
    assert result[1] == ItemError(message="Incorrect order ID")
    lines = [record.getMessage() for record in caplog.records]
    assert [line.split(" ms=")[0] for line in lines] == [
        "panel.call action=status ids=100",
        "panel.call action=status ids=100",
        "panel.call action=status ids=50",
    ]
    assert all(line.endswith("attempts=1 outcome=ok") for line in lines)
    assert_keyless(caplog.text)


async def test_no_ids_means_no_request(panel: SandboxPanel, client: PanelClient) -> None:
    assert await client.statuses(KEY, []) == {}
    assert await client.cancel(KEY, []) == {}
    assert panel.requests == []


async def test_orders_of_another_account_are_not_found(
    panel: SandboxPanel, client: PanelClient
) -> None:
    order_id = await place(client)
    with pytest.raises(PanelRejected) as caught:
        await client.status(OTHER_KEY, order_id)
    assert type(caught.value) is PanelRejected
    assert caught.value.message == "Incorrect order ID"


@pytest.mark.parametrize(
    ("service_id", "params", "message"),
    [
        (999_999, {"link": "https://x.com/a", "quantity": 100}, "Incorrect service ID"),
        (3, {"link": "https://x.com/b", "quantity": 100}, "Quantity less than minimal 200"),
        (3, {"link": "https://x.com/c", "quantity": 5000}, "Quantity more than maximum 1000"),
        (3, {"link": "not a link", "quantity": 300}, "Incorrect link"),
        (20, {"link": "https://x.com/d"}, None),  # funds checked below
    ],
)
async def test_add_refusals_carry_the_panels_message(
    panel: SandboxPanel,
    client: PanelClient,
    service_id: int,
    params: dict[str, str | int],
    message: str | None,
) -> None:
    if message is None:
        panel.account(SECRET).balance = Decimal("1")
        message = "Not enough funds on balance"
    with pytest.raises(PanelRejected) as caught:
        await client.add(KEY, service_id, params)
    assert type(caught.value) is PanelRejected
    assert caught.value.message == message
    assert panel.orders == {}


async def test_a_second_order_for_the_same_link_is_refused(
    panel: SandboxPanel, client: PanelClient
) -> None:
    params: dict[str, str | int] = {"link": "https://instagram.com/p/same", "quantity": 100}
    await client.add(KEY, 1, params)
    with pytest.raises(PanelRejected, match="active order with this link"):
        await client.add(KEY, 1, params)


@pytest.mark.parametrize("action", ["services", "add", "status", "balance", "cancel"])
async def test_an_unknown_key_is_an_auth_error(
    panel: SandboxPanel, client: PanelClient, action: str
) -> None:
    calls = {
        "services": lambda: client.services(UNKNOWN_KEY),
        "add": lambda: client.add(UNKNOWN_KEY, 1, {"link": "https://x.com/k", "quantity": 100}),
        "status": lambda: client.status(UNKNOWN_KEY, 1),
        "balance": lambda: client.balance(UNKNOWN_KEY),
        "cancel": lambda: client.cancel(UNKNOWN_KEY, [1]),
    }
    with pytest.raises(PanelAuthError) as caught:
        await calls[action]()
    assert caught.value.message == "Invalid API key"
    assert panel.count(action) == 1  # refusals are not retried


async def test_untranslated_errors_are_classified_the_same(
    panel: SandboxPanel, client: PanelClient
) -> None:
    panel.inject(Fault.UNTRANSLATED_ERRORS, times=None)
    with pytest.raises(PanelAuthError):
        await client.balance(UNKNOWN_KEY)
    with pytest.raises(PanelRejected) as caught:
        await client.add(KEY, 3, {"link": "https://x.com/u", "quantity": 1})
    assert type(caught.value) is PanelRejected
    assert caught.value.message == "neworder.error.min_quantity"
    assert (await client.statuses(KEY, [5]))[5] == ItemError(message="order.error.incorrect_id")


@pytest.mark.parametrize(("fault", "message"), READ_FAULTS.items())
async def test_read_faults_are_unavailable_with_a_reason(
    panel: SandboxPanel, fault: Fault, message: str
) -> None:
    panel.inject(fault, times=None)
    async with PanelClient(panel.url, read_retries=0) as client:
        with pytest.raises(PanelUnavailable) as caught:
            await client.balance(KEY)
        assert caught.value.message == message
        assert client.health.last_error_message == message
        assert client.health.errors_last_hour() == 1
    assert_keyless(caught.value, client)


async def test_a_4xx_json_error_is_a_refusal_and_not_retried(
    panel: SandboxPanel, client: PanelClient
) -> None:
    panel.inject(Fault.HTTP_4XX_ERROR, times=None)
    with pytest.raises(PanelRejected) as caught:
        await client.balance(KEY)
    assert caught.value.message == "Incorrect request"
    assert panel.count("balance") == 1
    assert client.health.errors_last_hour() == 0  # the panel did answer


@pytest.mark.parametrize("fault", READ_FAULTS)
async def test_reads_retry_after_one_fault(
    panel: SandboxPanel, client: PanelClient, fault: Fault
) -> None:
    panel.inject(fault, times=1)
    balance = await client.balance(KEY)
    assert balance.amount == Decimal("100")
    assert panel.count("balance") == 2
    assert client.health.errors_last_hour() == 1
    assert client.health.last_success is not None
    assert client.health.last_success > client.health.last_error  # type: ignore[operator]


@pytest.mark.parametrize(
    "action", ["services", "status", "statuses", "refill_status", "refill_statuses", "balance"]
)
async def test_every_read_action_retries(
    panel: SandboxPanel, client: PanelClient, action: str
) -> None:
    order_id = await place(client)
    panel.set_status(order_id, "Completed")
    refill_id = await client.refill(KEY, order_id)
    calls = {
        "services": lambda: client.services(KEY),
        "status": lambda: client.status(KEY, order_id),
        "statuses": lambda: client.statuses(KEY, [order_id]),
        "refill_status": lambda: client.refill_status(KEY, refill_id),
        "refill_statuses": lambda: client.refill_statuses(KEY, [refill_id]),
        "balance": lambda: client.balance(KEY),
    }
    wire_action = action.removesuffix("es") if action.endswith("statuses") else action
    panel.inject(Fault.HTML_503, times=1, action=wire_action)
    await calls[action]()
    assert panel.count(wire_action) == 2


async def test_reads_give_up_after_read_retries(
    panel: SandboxPanel, client: PanelClient, caplog: pytest.LogCaptureFixture
) -> None:
    panel.inject(Fault.HTML_502, times=None)
    with caplog.at_level(logging.DEBUG, logger="bot.panel.client"):
        with pytest.raises(PanelUnavailable):
            await client.statuses(KEY, [1, 2])
    assert panel.count("status") == 3  # one try and two retries
    assert client.health.errors_last_hour() == 3
    [line] = [record.getMessage() for record in caplog.records]
    assert 'attempts=3 outcome="PanelUnavailable: panel returned an HTML page (HTTP 502)"' in line


@pytest.mark.parametrize("fault", CANNED_FAULTS)
async def test_add_after_sending_has_an_unknown_outcome(
    panel: SandboxPanel, client: PanelClient, fault: Fault
) -> None:
    panel.inject(fault, times=None)
    with pytest.raises(OrderOutcomeUnknown) as caught:
        await place(client)
    assert caught.value.message == READ_FAULTS[fault]
    assert panel.count("add") == 1
    assert_keyless(caught.value)


async def test_add_that_was_placed_but_answered_badly_is_unknown(
    panel: SandboxPanel, client: PanelClient
) -> None:
    panel.inject(Fault.PROCESS_THEN_HTML_502, times=None)
    with pytest.raises(OrderOutcomeUnknown):
        await place(client, REFILL_AND_CANCEL_SERVICE, quantity=100)
    assert panel.count("add") == 1
    [order] = panel.orders.values()
    assert order.service.id == REFILL_AND_CANCEL_SERVICE
    assert panel.account(SECRET).balance == Decimal("100") - order.charge


async def test_add_never_rides_a_kept_alive_connection_the_panel_may_be_closing(
    panel: SandboxPanel, client: PanelClient
) -> None:
    """Closing an idle connection just as a request arrives would make the order unknown."""
    panel.inject(Fault.DROP_REUSED_CONNECTION, times=None)
    await client.balance(KEY)  # leaves a connection kept alive
    first = await place(client)
    second = await place(client)

    assert list(panel.orders) == [first, second]
    # Reads do reuse it: the fault is real for them, and a read is simply retried.
    assert (await client.balance(KEY)).amount == Decimal("100") - sum(o.charge for o in panel.orders.values())
    assert client.health.errors_last_hour() == 1


async def test_add_refused_with_a_4xx_json_error_is_a_refusal(
    panel: SandboxPanel, client: PanelClient
) -> None:
    panel.inject(Fault.HTTP_4XX_ERROR, times=None)
    with pytest.raises(PanelRejected, match="Incorrect request"):
        await place(client)
    assert panel.count("add") == 1


@pytest.mark.parametrize("action", ["refill", "cancel"])
async def test_changes_are_not_retried(
    panel: SandboxPanel, client: PanelClient, action: str
) -> None:
    order_id = await place(client)
    panel.set_status(order_id, "Completed")
    panel.inject(Fault.HTML_502, times=1, action=action)
    with pytest.raises(PanelUnavailable):
        if action == "refill":
            await client.refill(KEY, order_id)
        else:
            await client.cancel(KEY, [order_id])
    assert panel.count(action) == 1


async def test_timeouts(panel: SandboxPanel) -> None:
    panel.timeout_delay = 5.0  # released when the panel stops
    async with PanelClient(panel.url, timeout=0.3, read_retries=1, backoff=0.001) as client:
        panel.inject(Fault.TIMEOUT, times=1)
        assert (await client.balance(KEY)).amount == Decimal("100")  # retried
        assert panel.count("balance") == 2

        panel.inject(Fault.TIMEOUT, times=2)
        with pytest.raises(PanelUnavailable) as unavailable:
            await client.balance(KEY)
        assert unavailable.value.message == "no answer from the panel within 0.3 s"

        panel.inject(Fault.TIMEOUT, times=1)
        with pytest.raises(OrderOutcomeUnknown) as unknown:
            await place(client)
        assert unknown.value.message == "no answer from the panel within 0.3 s"
        assert panel.count("add") == 1
        assert len(panel.orders) == 1  # the sandbox placed it before stalling
    assert_keyless(unavailable.value, unknown.value)


async def test_connection_refused_is_safe_to_report_as_unavailable(refused_url: str) -> None:
    async with PanelClient(refused_url, read_retries=1, backoff=0.001) as client:
        with pytest.raises(PanelUnavailable) as caught:
            await client.add(KEY, 1, {"link": "https://x.com/r", "quantity": 100})
        assert caught.value.message == "cannot connect to the panel (Connection refused)"
        with pytest.raises(PanelUnavailable):
            await client.balance(KEY)
        assert client.health.errors_last_hour() == 3  # add once, balance twice
    assert_keyless(caught.value)


async def test_the_key_never_shows(
    panel: SandboxPanel, client: PanelClient, caplog: pytest.LogCaptureFixture
) -> None:
    panel.timeout_delay = 0.0
    errors: list[PanelError] = []
    with caplog.at_level(logging.DEBUG):
        for fault in Fault:
            panel.inject(fault, times=1)
            try:
                await place(client)
            except PanelError as error:
                errors.append(error)
        with pytest.raises(PanelAuthError) as auth:
            await client.balance(SecretStr("wrong-" + SECRET))
    assert len(errors) >= len(CANNED_FAULTS)
    assert_keyless(client, client.health, caplog.text, auth.value, *errors)
    assert repr(client) == f"PanelClient({panel.url!r})"
    assert all(request.params.get("key") is None for request in panel.requests)


async def test_add_refuses_to_override_reserved_fields(client: PanelClient) -> None:
    with pytest.raises(ValueError, match="action"):
        await client.add(KEY, 1, {"action": "balance", "link": "https://x.com/z"})


def test_the_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        PanelClient("smm.plus/api/v2")


async def test_a_closed_client_can_be_used_again(panel: SandboxPanel) -> None:
    client = PanelClient(panel.url)
    await client.balance(KEY)
    await client.close()
    assert (await client.balance(KEY)).amount == Decimal("100")
    await client.close()
