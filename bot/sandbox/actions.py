"""The API v2 actions: read the parameters, ask the books, shape the answer for the wire."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.sandbox.catalog import Service
from bot.sandbox.errors import PanelError, Problem
from bot.sandbox.money import round_money
from bot.sandbox.state import PENDING, Account, Order, PanelState, parse_id
from bot.sandbox.wire import Json, Wire

MAX_IDS = 100

Action = Callable[[PanelState, Account, Mapping[str, str], Wire], Json]


def services(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """List the whole catalog."""
    return [_service_entry(service, wire) for service in state.services]


def add(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """Place an order."""
    order = state.place_order(account, params)
    return {"order": wire.number(order.id)}


def status(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """Report one order (`order=`) or up to 100 keyed by id (`orders=`)."""

    def report(token: str) -> Json:
        return _status_entry(state.order_of(account, token), wire)

    if "orders" in params:
        return {token: _or_error(wire, report, token) for token in _id_list(params["orders"])}
    return report(params.get("order", ""))


def refill(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """Request a refill of one order (`order=`) or of several (`orders=`)."""

    def request(token: str) -> Json:
        return wire.number(state.request_refill(account, token).id)

    if "orders" in params:
        return _batch(params["orders"], "order", "refill", request, wire)
    # The doc shows the single refill id as a string, the batch ones as numbers.
    return {"refill": wire.text_number(state.request_refill(account, params.get("order", "")).id)}


def refill_status(
    state: PanelState, account: Account, params: Mapping[str, str], wire: Wire
) -> Json:
    """Report one refill (`refill=`) or several (`refills=`)."""

    def report(token: str) -> Json:
        return state.refill_of(account, token).status

    if "refills" in params:
        return _batch(params["refills"], "refill", "status", report, wire)
    return {"status": report(params.get("refill", ""))}


def cancel(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """Request cancels (`orders=`); `cancel: 1` means requested, not done."""

    def request(token: str) -> Json:
        state.request_cancel(account, token)
        return wire.number(1)

    if "orders" not in params:
        raise PanelError(Problem.INCORRECT_ORDER)
    return _batch(params["orders"], "order", "cancel", request, wire)


def balance(state: PanelState, account: Account, params: Mapping[str, str], wire: Wire) -> Json:
    """Report the account's balance."""
    answer: dict[str, Json] = {"balance": wire.amount(round_money(account.balance))}
    if wire.balance_currency:
        answer["currency"] = account.currency
    return answer


ACTIONS: dict[str, Action] = {
    "services": services,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
    "balance": balance,
}


def _service_entry(service: Service, wire: Wire) -> dict[str, Json]:
    entry: dict[str, Json] = {
        "service": wire.number(service.id),
        "name": service.name,
        "type": service.type,
        "category": service.category,
        "rate": wire.amount(service.rate),
        "min": wire.text_number(service.min),
        "max": wire.text_number(service.max),
    }
    for key, offered in (("refill", service.refill), ("cancel", service.cancel)):
        if offered is not None:
            entry[key] = offered
    entry["dripfeed"] = wire.flag(service.dripfeed)
    if service.desc:
        entry[wire.description_key] = service.desc
    return entry


def _status_entry(order: Order, wire: Wire) -> Json:
    return {
        "charge": wire.amount(order.charge),
        "start_count": wire.text_number(order.start_count),
        "status": order.status,
        "remains": wire.remains(order.remains, pending=order.status == PENDING),
        "currency": order.currency,
    }


def _batch(
    raw_ids: str, id_key: str, value_key: str, answer: Callable[[str], Json], wire: Wire
) -> Json:
    """A batch reply: one `{id_key: id, value_key: answer or error}` per requested id."""
    return [
        {id_key: _echo_id(token, wire), value_key: _or_error(wire, answer, token)}
        for token in _id_list(raw_ids)
    ]


def _or_error(wire: Wire, answer: Callable[[str], Json], token: str) -> Json:
    """One item of a batch reply: its answer, or its own error object."""
    try:
        return answer(token)
    except PanelError as error:
        return wire.error(error)


def _id_list(raw: str) -> list[str]:
    tokens = [token.strip() for token in raw.split(",") if token.strip()]
    if len(tokens) > MAX_IDS:
        raise PanelError(Problem.TOO_MANY_IDS, limit=MAX_IDS)
    return tokens


def _echo_id(token: str, wire: Wire) -> Json:
    """Repeat an id from the request: as a number when it is one, else as sent."""
    value = parse_id(token)
    return token if value is None else wire.number(value)
