"""The sandbox panel's books: accounts, orders, refills and how they move."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from bot.sandbox.catalog import Service
from bot.sandbox.errors import PanelError, Problem
from bot.sandbox.money import round_money
from bot.sandbox.ordering import draft_order
from bot.sandbox.service_types import FieldValue

PENDING = "Pending"
IN_PROGRESS = "In progress"
PROCESSING = "Processing"
COMPLETED = "Completed"
PARTIAL = "Partial"
CANCELED = "Canceled"

# Where `advance` takes an order or refill; a status not listed here is final.
NEXT_ORDER_STATUS = {PENDING: IN_PROGRESS, IN_PROGRESS: COMPLETED, PROCESSING: COMPLETED}
NEXT_REFILL_STATUS = {PENDING: IN_PROGRESS, IN_PROGRESS: COMPLETED}
FULL_REFUND_STATUSES = frozenset({CANCELED, "Cancelled", "Refunded"})
REFILLABLE_STATUSES = frozenset({COMPLETED, PARTIAL})

FIRST_ORDER_ID = 23501
FIRST_REFILL_ID = 1


@dataclass
class Account:
    """A panel customer; the key identifies it and is never shown."""

    key: str = field(repr=False)
    balance: Decimal
    currency: str = "USD"


@dataclass
class Order:
    """An order as the panel keeps it; `charge` shrinks when a refund is due."""

    id: int
    owner: Account = field(repr=False, compare=False)
    service: Service
    target: str
    quantity: int
    price: Decimal  # the charge when placed, before any refund
    charge: Decimal
    currency: str
    details: dict[str, FieldValue]
    remains: int
    status: str = PENDING
    start_count: int = 0
    cancel_requested: bool = False

    @property
    def is_final(self) -> bool:
        return self.status not in NEXT_ORDER_STATUS


@dataclass
class Refill:
    """A refill request for one order."""

    id: int
    order: Order = field(repr=False, compare=False)
    status: str = PENDING

    @property
    def is_final(self) -> bool:
        return self.status not in NEXT_REFILL_STATUS


def parse_id(raw: str) -> int | None:
    """Read an order or refill id as the panel does; anything but digits is no id."""
    value = raw.strip()
    return int(value) if value.isascii() and value.isdigit() else None


class PanelState:
    """Accounts, orders and refills, with the business rules of a Perfect Panel script."""

    def __init__(self, services: list[Service]) -> None:
        self.services = services
        self.orders: dict[int, Order] = {}
        self.refills: dict[int, Refill] = {}
        self._accounts: dict[str, Account] = {}
        self._order_ids = itertools.count(FIRST_ORDER_ID)
        self._refill_ids = itertools.count(FIRST_REFILL_ID)

    # Test and operator controls.

    def add_account(self, key: str, balance: Decimal, currency: str = "USD") -> Account:
        """Open an account reachable with `key`."""
        account = Account(key=key, balance=Decimal(balance), currency=currency)
        self._accounts[key] = account
        return account

    def revoke_key(self, key: str) -> None:
        """Stop taking `key`, as a panel does when its user makes a new one on the site."""
        self._accounts.pop(key, None)

    def account(self, key: str) -> Account:
        """The account behind `key` (KeyError if none; the message does not repeat the key)."""
        try:
            return self._accounts[key]
        except KeyError:
            raise KeyError("no sandbox account with that key") from None

    def service(self, service_id: int) -> Service:
        """The catalog entry with this id (KeyError if none)."""
        service = self._find_service(service_id)
        if service is None:
            raise KeyError(service_id)
        return service

    def advance(self, order_id: int) -> Order:
        """Move an order one step; a requested cancel happens now instead."""
        order = self.orders[order_id]
        if order.is_final:
            return order
        if order.cancel_requested:
            return self.set_status(order_id, CANCELED)
        next_status = NEXT_ORDER_STATUS[order.status]
        # Half delivered while in progress, so that remains visibly moves.
        half_left = order.quantity - order.quantity // 2 if next_status == IN_PROGRESS else None
        return self.set_status(order_id, next_status, remains=half_left)

    def advance_all(self) -> list[int]:
        """Move every order that is not final one step; return their ids."""
        moving = [order.id for order in self.orders.values() if not order.is_final]
        for order_id in moving:
            self.advance(order_id)
        return moving

    def set_status(self, order_id: int, status: str, remains: int | None = None) -> Order:
        """Put an order in any status, refunding what Partial or Canceled leave undelivered."""
        order = self.orders[order_id]
        if remains is None:
            remains = self._default_remains(order, status)
        if not 0 <= remains <= order.quantity:
            raise ValueError(f"remains must be between 0 and {order.quantity}")
        order.status = status
        order.remains = remains
        if status != PENDING and not order.start_count:
            order.start_count = _start_count(order)
        self._settle(order)
        if order.is_final:
            order.cancel_requested = False
        return order

    def advance_refill(self, refill_id: int) -> Refill:
        """Move a refill one step towards Completed."""
        refill = self.refills[refill_id]
        if not refill.is_final:
            refill.status = NEXT_REFILL_STATUS[refill.status]
        return refill

    def advance_refills(self) -> list[int]:
        """Move every refill that is not final one step; return their ids."""
        moving = [refill.id for refill in self.refills.values() if not refill.is_final]
        for refill_id in moving:
            self.advance_refill(refill_id)
        return moving

    def set_refill_status(self, refill_id: int, status: str) -> Refill:
        """Put a refill in any status."""
        refill = self.refills[refill_id]
        refill.status = status
        return refill

    # What the API actions do.

    def authenticate(self, key: str) -> Account:
        """The account for an API key, or the panel's "Invalid API key"."""
        account = self._accounts.get(key)
        if account is None:
            raise PanelError(Problem.INVALID_KEY)
        return account

    def place_order(self, account: Account, params: Mapping[str, str]) -> Order:
        """Validate, check funds and duplicates, charge and record a new order."""
        service = self._find_service(parse_id(params.get("service", "")))
        if service is None:
            raise PanelError(Problem.INCORRECT_SERVICE)
        draft = draft_order(service, params)
        if self._has_active_order(account, service, draft.target):
            raise PanelError(Problem.ACTIVE_ORDER)
        if draft.charge > account.balance:
            raise PanelError(Problem.NOT_ENOUGH_FUNDS)
        account.balance -= draft.charge
        order = Order(
            id=next(self._order_ids),
            owner=account,
            service=service,
            target=draft.target,
            quantity=draft.quantity,
            price=draft.charge,
            charge=draft.charge,
            currency=account.currency,
            details=draft.details,
            remains=draft.quantity,
        )
        self.orders[order.id] = order
        return order

    def order_of(self, account: Account, raw_id: str) -> Order:
        """One of the account's orders, or "Incorrect order ID" (also for others' orders)."""
        order_id = parse_id(raw_id)
        order = None if order_id is None else self.orders.get(order_id)
        if order is None or order.owner is not account:
            raise PanelError(Problem.INCORRECT_ORDER)
        return order

    def refill_of(self, account: Account, raw_id: str) -> Refill:
        """One of the account's refills, or "Refill not found"."""
        refill_id = parse_id(raw_id)
        refill = None if refill_id is None else self.refills.get(refill_id)
        if refill is None or refill.order.owner is not account:
            raise PanelError(Problem.REFILL_NOT_FOUND)
        return refill

    def request_refill(self, account: Account, raw_order_id: str) -> Refill:
        """Open a refill for a finished order of a service that offers refills."""
        order = self.order_of(account, raw_order_id)
        if not order.service.refill:
            raise PanelError(Problem.REFILL_DISABLED)
        if order.status not in REFILLABLE_STATUSES:
            raise PanelError(Problem.REFILL_NOT_COMPLETED)
        if any(refill.order is order and not refill.is_final for refill in self.refills.values()):
            raise PanelError(Problem.REFILL_ACTIVE)
        refill = Refill(id=next(self._refill_ids), order=order)
        self.refills[refill.id] = refill
        return refill

    def request_cancel(self, account: Account, raw_order_id: str) -> None:
        """Ask for a cancel; it takes effect at the order's next move."""
        order = self.order_of(account, raw_order_id)
        if not order.service.cancel:
            raise PanelError(Problem.CANCEL_DISABLED)
        if order.is_final:
            raise PanelError(Problem.CANCEL_FINAL)
        if order.cancel_requested:
            raise PanelError(Problem.CANCEL_REQUESTED)
        order.cancel_requested = True

    def _find_service(self, service_id: int | None) -> Service | None:
        return next((service for service in self.services if service.id == service_id), None)

    def _has_active_order(self, account: Account, service: Service, target: str) -> bool:
        return any(
            order.owner is account
            and order.service.id == service.id
            and order.target == target
            and not order.is_final
            for order in self.orders.values()
        )

    @staticmethod
    def _default_remains(order: Order, status: str) -> int:
        if status in FULL_REFUND_STATUSES:
            return order.quantity
        if status == COMPLETED:
            return 0
        return order.remains

    @staticmethod
    def _settle(order: Order) -> None:
        """Bring the charge in line with the status; the difference goes back to the balance."""
        if order.status in FULL_REFUND_STATUSES:
            due = round_money(Decimal(0))
        elif order.status == PARTIAL:
            delivered = order.quantity - order.remains
            due = round_money(order.price * delivered / order.quantity)
        else:
            due = order.price
        order.owner.balance += order.charge - due
        order.charge = due


def _start_count(order: Order) -> int:
    """A believable, repeatable count of what the target had before the order."""
    return 100 + order.id * 7919 % 10_000
