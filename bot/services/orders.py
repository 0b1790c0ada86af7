"""A user's orders: history pages, the order card, refills, cancels and statuses by id.

An `OrderDesk` acts for ONE user and never touches anyone else's orders: `order()` finds only
the user's own, and on the shared key the ids of other users' orders are answered "not found"
without asking the panel. Panel statuses are stored through `tracking.apply_status`, and a
status the user has just been shown counts as told (no notification repeats it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import SecretStr

from bot.config import Settings
from bot.panel import (
    MAX_IDS_PER_REQUEST,
    CancelResult,
    ItemError,
    OrderState,
    OrderStatus,
    PanelClient,
    PanelRejected,
    PanelUnavailable,
    RefillStatus,
    Service,
)
from bot.services import tracking
from bot.services.accounts import AccountAccess, key_for_account
from bot.services.catalog import CatalogCache, CatalogUnavailable
from bot.storage import Account, Database, KeyUnavailableError, Order, Refill, SubmitState, parse_id

T = TypeVar("T")

PAGE_SIZE = 5
MAX_IDS = MAX_IDS_PER_REQUEST
REFILLABLE_STATES = frozenset({OrderState.COMPLETED, OrderState.PARTIAL})
# How many refills the refill-status view lists (newest first).
MAX_REFILLS_SHOWN = 10
_ID_SEPARATORS = re.compile(r"[\s,;]+")


class OrderFilter(StrEnum):
    """Which orders a history page lists; the value goes into callback data."""

    ALL = "all"
    ACTIVE = "active"
    FINISHED = "done"

    @classmethod
    def parse(cls, text: str | None) -> OrderFilter | None:
        """The filter named in callback data; None for anything else."""
        return next((member for member in cls if member.value == text), None)

    @property
    def active(self) -> bool | None:
        """The `active` argument of the repository for this filter."""
        return {OrderFilter.ALL: None, OrderFilter.ACTIVE: True, OrderFilter.FINISHED: False}[self]


@dataclass(frozen=True)
class OrdersPage:
    """One page of a user's orders, newest first; `page` counts from 0."""

    orders: tuple[Order, ...]
    order_filter: OrderFilter
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class IdList:
    """Order ids typed by a user: the valid ones (deduplicated, in order) and the rest."""

    ids: tuple[int, ...]
    invalid: tuple[str, ...]

    @property
    def too_many(self) -> bool:
        return len(self.ids) > MAX_IDS


def parse_ids(text: str) -> IdList:
    """Read "123,456 789" into ids; words that are not positive whole numbers are kept apart."""
    ids: dict[int, None] = {}
    invalid: list[str] = []
    for word in _ID_SEPARATORS.split(text.strip()):
        if not word:
            continue
        if (number := parse_id(word)) is not None and number > 0:
            ids[number] = None
        else:
            invalid.append(word)
    return IdList(tuple(ids), tuple(invalid))


class RefreshProblem(StrEnum):
    """Why the card shows the stored status instead of a fresh one."""

    UNREACHABLE = "unreachable"  # the account's key is gone (disconnected, no longer allowed)
    UNAVAILABLE = "unavailable"  # the panel gave no usable answer
    REFUSED = "refused"  # the panel answered with an error (message kept)


@dataclass(frozen=True)
class OrderCard:
    """What the order card shows: the order, its catalog entry, refills, and freshness."""

    order: Order
    service: Service | None
    refills: tuple[Refill, ...]
    reachable: bool
    problem: RefreshProblem | None = None
    panel_message: str | None = None

    @property
    def state(self) -> OrderState | None:
        return tracking.order_state(self.order)

    @property
    def can_refill(self) -> bool:
        """The service offers refills, the order is Completed or Partial, no refill is running."""
        return (
            self._placed_and_reachable
            and self.service is not None
            and self.service.refill
            and self.state in REFILLABLE_STATES
            and all(refill.final for refill in self.refills)
        )

    @property
    def can_cancel(self) -> bool:
        """The service offers cancels, the order is not final, and no cancel is pending."""
        return (
            self._placed_and_reachable
            and self.service is not None
            and self.service.cancel
            and not self.order.final
            and self.order.cancel_requested_at is None
        )

    @property
    def cancel_pending(self) -> bool:
        """A cancel was requested and the status does not say Canceled yet."""
        return self.order.cancel_requested_at is not None and self.state is not OrderState.CANCELED

    @property
    def _placed_and_reachable(self) -> bool:
        return self.reachable and self.order.submit_state is SubmitState.PLACED


@dataclass(frozen=True)
class ItemAnswer(Generic[T]):
    """The panel's answer about one order id.

    `value` is the answer (a status, a refill id, a cancel request), `error` the panel's
    per-order refusal; both None means "not found": the id is not the user's, so the panel
    was not asked. `order` is the user's stored order with that id, if any.
    """

    panel_id: int
    value: T | None = None
    error: str | None = None
    order: Order | None = None

    @property
    def found(self) -> bool:
        return self.value is not None or self.error is not None


@dataclass(frozen=True)
class RefillLine:
    """A stored refill with its latest status."""

    refill: Refill
    error: str | None = None


class OrderDesk:
    """The order actions of one user, with what they need to reach the panel."""

    def __init__(
        self,
        *,
        db: Database,
        panel: PanelClient,
        settings: Settings,
        catalogs: CatalogCache,
        user_id: int,
    ) -> None:
        self.db = db
        self.panel = panel
        self.settings = settings
        self.catalogs = catalogs
        self.user_id = user_id

    # --- history ------------------------------------------------------------------------

    async def page(self, order_filter: OrderFilter, page: int) -> OrdersPage:
        """Return a page of the user's orders; a page past the end shows the last one."""
        total = await self.db.orders.count_for_user(self.user_id, active=order_filter.active)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        orders = await self.db.orders.list_for_user(
            self.user_id, active=order_filter.active, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
        return OrdersPage(tuple(orders), order_filter, page, pages, total)

    async def order(self, order_id: int) -> Order | None:
        """Return the order if it is the user's; None for anyone else's or a made-up id."""
        order = await self.db.orders.get(order_id)
        return order if order is not None and order.user_id == self.user_id else None

    # --- the order card -----------------------------------------------------------------

    async def card(self, order: Order, *, refresh: bool) -> OrderCard:
        """Gather the card of one of the user's orders, asking the panel for its status first
        when `refresh` is set; the shown status counts as told."""
        account = await self.db.accounts.get(order.account_id)
        key = self._key(account)
        problem: RefreshProblem | None = None
        message: str | None = None
        if order.submit_state is SubmitState.PLACED and order.panel_order_id is not None:
            if key is None:
                problem = RefreshProblem.UNREACHABLE
            elif refresh:
                order, problem, message = await self._refresh(order, key)
            await self._mark_seen(order)
        service = await self._service(account, key, order.service.service_id)
        refills = tuple(await self.db.refills.list_for_order(order.id))
        return OrderCard(order, service, refills, key is not None, problem, message)

    async def refill(self, order: Order) -> ItemAnswer[int]:
        """Request a refill of one of the user's orders; raise PanelError for the whole call."""
        key, panel_id = await self._single(order)
        return (await self._refill(key, {panel_id: order}, [panel_id], [panel_id]))[0]

    async def cancel(self, order: Order) -> ItemAnswer[CancelResult]:
        """Request the cancel of one of the user's orders; raise PanelError for the whole call."""
        key, panel_id = await self._single(order)
        return (await self._cancel(key, {panel_id: order}, [panel_id], [panel_id]))[0]

    async def refills(self, order: Order) -> tuple[RefillLine, ...]:
        """The order's latest refills with fresh statuses (stored ones when the panel is down)."""
        refills = (await self.db.refills.list_for_order(order.id))[:MAX_REFILLS_SHOWN]
        key = self._key(await self.db.accounts.get(order.account_id))
        pending = {refill.panel_refill_id: refill for refill in refills if not refill.final}
        answers: Mapping[int, RefillStatus | ItemError] = {}
        if key is not None and pending:
            try:
                answers = await self.panel.refill_statuses(key, pending)
            except (PanelUnavailable, PanelRejected):
                answers = {}
        lines = []
        now = datetime.now(UTC)
        for refill in refills:
            answer = answers.get(refill.panel_refill_id)
            if isinstance(answer, RefillStatus):
                refill = await self.db.refills.apply_status(
                    refill.id, status=answer.status, state_is_final=answer.state.is_final, polled_at=now
                )
            if refill.status is not None and refill.status != refill.notified_status:
                await self.db.refills.mark_notified(refill.id, refill.status)
            lines.append(RefillLine(refill, answer.message if isinstance(answer, ItemError) else None))
        return tuple(lines)

    # --- many orders by panel id (/status, /refill, /cancel_orders) ----------------------

    async def statuses(self, access: AccountAccess, panel_ids: Sequence[int]) -> list[ItemAnswer[OrderStatus]]:
        """Ask for the statuses of orders by panel id; raise PanelError for the whole call."""
        orders = await self._own_by_panel_id(access, panel_ids)
        answers = await self._ask(access.key, self.panel.statuses, self._askable(access, orders, panel_ids))
        results = []
        for panel_id in panel_ids:
            answer = answers.get(panel_id)
            order = orders.get(panel_id)
            if isinstance(answer, OrderStatus) and order is not None:
                order = await tracking.apply_status(self.db, order, answer)
                await self._mark_seen(order)
            results.append(_item(panel_id, answer, order))
        return results

    async def refill_many(self, access: AccountAccess, panel_ids: Sequence[int]) -> list[ItemAnswer[int]]:
        """Request refills of orders by panel id; raise PanelError for the whole call."""
        orders = await self._own_by_panel_id(access, panel_ids)
        return await self._refill(access.key, orders, panel_ids, self._askable(access, orders, panel_ids))

    async def cancel_many(
        self, access: AccountAccess, panel_ids: Sequence[int]
    ) -> list[ItemAnswer[CancelResult]]:
        """Request cancels of orders by panel id; raise PanelError for the whole call."""
        orders = await self._own_by_panel_id(access, panel_ids)
        return await self._cancel(access.key, orders, panel_ids, self._askable(access, orders, panel_ids))

    # --- helpers ------------------------------------------------------------------------

    def _key(self, account: Account | None) -> SecretStr | None:
        """The key reaching `account` for this user; None when it is gone or not theirs to use.

        The shared account is only ever used for users the settings allow on it, even for
        orders they placed there before losing that right.
        """
        if account is None:
            return None
        if account.is_shared and not self.settings.may_use_shared_key(self.user_id):
            return None
        if not account.is_shared and account.owner_id != self.user_id:
            return None
        try:
            return key_for_account(self.db, self.settings, account)
        except KeyUnavailableError:
            return None

    async def _single(self, order: Order) -> tuple[SecretStr, int]:
        """The key and panel id for an action on one order; OrderUnreachable when there is none."""
        key = self._key(await self.db.accounts.get(order.account_id))
        if key is None or order.panel_order_id is None or order.user_id != self.user_id:
            raise OrderUnreachable()
        return key, order.panel_order_id

    async def _refresh(
        self, order: Order, key: SecretStr
    ) -> tuple[Order, RefreshProblem | None, str | None]:
        assert order.panel_order_id is not None
        try:
            status = await self.panel.status(key, order.panel_order_id)
        except PanelUnavailable:
            return order, RefreshProblem.UNAVAILABLE, None
        except PanelRejected as error:
            return order, RefreshProblem.REFUSED, error.message
        return await tracking.apply_status(self.db, order, status), None, None

    async def _mark_seen(self, order: Order) -> None:
        """The user sees this status now: no notification should repeat it."""
        if order.status is not None and order.status != order.notified_status:
            await self.db.orders.mark_notified(order.id, order.status)

    async def _service(self, account: Account | None, key: SecretStr | None, service_id: int) -> Service | None:
        """The catalog entry (for its refill/cancel flags); None when it cannot be known."""
        if account is None or key is None:
            return None
        try:
            catalog = await self.catalogs.get(account.id, key)
        except CatalogUnavailable:
            return None
        return catalog.service(service_id)

    async def _own_by_panel_id(self, access: AccountAccess, panel_ids: Sequence[int]) -> dict[int, Order]:
        """The user's stored orders on the account, by panel id."""
        orders = {}
        for panel_id in panel_ids:
            order = await self.db.orders.get_by_panel_id(access.account.id, panel_id)
            if order is not None and order.user_id == self.user_id:
                orders[panel_id] = order
        return orders

    @staticmethod
    def _askable(access: AccountAccess, orders: Mapping[int, Order], panel_ids: Sequence[int]) -> list[int]:
        """On a personal key every id is the user's to ask; on the shared key only their own."""
        if access.personal:
            return list(panel_ids)
        return [panel_id for panel_id in panel_ids if panel_id in orders]

    @staticmethod
    async def _ask(
        key: SecretStr,
        call: Callable[[SecretStr, list[int]], Awaitable[Mapping[int, T | ItemError]]],
        panel_ids: list[int],
    ) -> Mapping[int, T | ItemError]:
        return await call(key, panel_ids) if panel_ids else {}

    async def _refill(
        self,
        key: SecretStr,
        orders: Mapping[int, Order],
        panel_ids: Sequence[int],
        askable: list[int],
    ) -> list[ItemAnswer[int]]:
        answers = await self._ask(key, self.panel.refills, askable)
        results = []
        for panel_id in panel_ids:
            answer = answers.get(panel_id)
            order = orders.get(panel_id)
            if isinstance(answer, int) and order is not None:
                await self.db.refills.create(order.id, answer)
            results.append(_item(panel_id, answer, order))
        return results

    async def _cancel(
        self,
        key: SecretStr,
        orders: Mapping[int, Order],
        panel_ids: Sequence[int],
        askable: list[int],
    ) -> list[ItemAnswer[CancelResult]]:
        answers = await self._ask(key, self.panel.cancel, askable)
        results = []
        for panel_id in panel_ids:
            answer = answers.get(panel_id)
            order = orders.get(panel_id)
            if isinstance(answer, CancelResult) and order is not None:
                order = await self.db.orders.set_cancel_requested(order.id)
            results.append(_item(panel_id, answer, order))
        return results


class OrderUnreachable(Exception):
    """The order cannot be acted on: not placed, or its account's key is out of reach."""


def _item(panel_id: int, answer: T | ItemError | None, order: Order | None) -> ItemAnswer[T]:
    if isinstance(answer, ItemError):
        return ItemAnswer(panel_id, error=answer.message, order=order)
    return ItemAnswer(panel_id, value=answer, order=order)
