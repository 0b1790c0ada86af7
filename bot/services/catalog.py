"""The panel's catalog, cached per account and searchable.

Panels may price per user, so each account has its own copy. A copy younger than the TTL is
served as is; an older one is still served while a background fetch replaces it; when the
panel is down the last good copy keeps serving. When the panel refuses the account's key, its
copy is dropped instead: nothing can be ordered with that key, so browsing it would only lead
to a confirmation that cannot go out. Concurrent fetches for one account share
one `services` request (single flight), so fifty users opening /order at once cost one call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from bot.panel import PanelAuthError, PanelClient, PanelError, Service

log = logging.getLogger(__name__)

# After a failed background refresh, wait this long (at most the TTL) before trying again,
# so a panel outage does not turn every button press into a doomed `services` request.
RETRY_AFTER_FAILURE = 30.0


@dataclass(frozen=True)
class Category:
    """A catalog category: its stable small index (for callback data), name and services."""

    index: int
    name: str
    services: tuple[Service, ...]


class CategoryIndexes:
    """Give every category name a small number that never changes while the process runs.

    Buttons carry the number, not the name; a refreshed catalog that drops or reorders
    categories leaves the numbers of the others intact, so old buttons stay right or fail
    plainly (an unknown number), never pointing at another category.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, int] = {}

    def index_for(self, name: str) -> int:
        """Return the name's number, assigning the next free one on first sight."""
        return self._by_name.setdefault(name, len(self._by_name))


class Catalog:
    """One account's services, grouped into categories in the order the panel lists them."""

    def __init__(self, services: Sequence[Service], indexes: CategoryIndexes) -> None:
        grouped: dict[str, list[Service]] = {}
        for service in services:
            grouped.setdefault(service.category, []).append(service)
        self.categories = tuple(
            Category(indexes.index_for(name), name, tuple(members))
            for name, members in grouped.items()
        )
        self._by_index = {category.index: category for category in self.categories}
        self._category_by_name = {category.name: category for category in self.categories}
        self._services = {service.id: service for service in services}
        # Lower-cased "name category" per service, built once for every search.
        self._haystacks = [
            (f"{service.name} {service.category}".casefold(), service) for service in services
        ]

    def __len__(self) -> int:
        return len(self._services)

    def category(self, index: int) -> Category | None:
        """Return the category with this index, or None when the catalog has no such one."""
        return self._by_index.get(index)

    def category_of(self, service: Service) -> Category:
        """Return the category a service of this catalog belongs to."""
        return self._category_by_name[service.category]

    def service(self, service_id: int) -> Service | None:
        """Return the service with this id, or None."""
        return self._services.get(service_id)

    def search(self, query: str) -> list[Service]:
        """Return the services whose name or category contains every word of `query`."""
        words = query.casefold().split()
        if not words:
            return []
        return [
            service
            for haystack, service in self._haystacks
            if all(word in haystack for word in words)
        ]


class CatalogUnavailable(Exception):
    """The panel could not give the catalog and there is no earlier copy to fall back on."""

    def __init__(self, error: PanelError) -> None:
        super().__init__(error.message)
        self.message = error.message


class CatalogKeyRefused(CatalogUnavailable):
    """The panel refused the account's key: no catalog until the user (or the operator, for
    the shared key) replaces it. Waiting will not help, unlike the panel being down."""


@dataclass
class _Entry:
    catalog: Catalog
    refresh_due: float


class CatalogCache:
    """Per-account catalogs with a TTL, single-flight fetches and background refresh."""

    def __init__(
        self,
        panel: PanelClient,
        ttl: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._panel = panel
        self._ttl = ttl
        self._clock = clock
        self._indexes = CategoryIndexes()
        self._entries: dict[int, _Entry] = {}
        self._fetches: dict[int, asyncio.Task[Catalog]] = {}
        # Accounts whose key the panel refused at their last fetch.
        self._refused: set[int] = set()

    def peek(self, account_id: int, key: SecretStr) -> Catalog | None:
        """Return the copy at hand without waiting (refreshing it in the background if old)."""
        entry = self._entries.get(account_id)
        if entry is None:
            return None
        if self._clock() >= entry.refresh_due:
            self._fetch(account_id, key)
        return entry.catalog

    async def get(self, account_id: int, key: SecretStr) -> Catalog:
        """Return the account's catalog, fetching it only when there is no copy at all.

        Raise CatalogKeyRefused when the panel refuses the key, CatalogUnavailable when it fails
        otherwise and no earlier copy exists.
        """
        cached = self.peek(account_id, key)
        if cached is not None:
            return cached
        try:
            return await asyncio.shield(self._fetch(account_id, key))
        except PanelAuthError as error:
            raise CatalogKeyRefused(error) from error
        except PanelError as error:
            raise CatalogUnavailable(error) from error

    async def refresh(self, account_id: int, key: SecretStr) -> Catalog:
        """Fetch the catalog now (joining a fetch already on its way); raise PanelError.

        For checking a price right before an order is sent: a failure keeps the old copy
        for browsing but is not papered over.
        """
        return await asyncio.shield(self._fetch(account_id, key))

    def key_refused(self, account_id: int) -> bool:
        """Whether the panel refused the account's key at its last fetch: for callers that
        hold only the panel's words, such as the order walk after a failed `refresh`."""
        return account_id in self._refused

    async def close(self) -> None:
        """Stop fetches still running."""
        fetches = list(self._fetches.values())
        for task in fetches:
            task.cancel()
        await asyncio.gather(*fetches, return_exceptions=True)

    def _fetch(self, account_id: int, key: SecretStr) -> asyncio.Task[Catalog]:
        """Return the fetch in flight for this account, starting one if there is none."""
        task = self._fetches.get(account_id)
        if task is None:
            task = asyncio.create_task(self._load(account_id, key), name=f"catalog-{account_id}")
            self._fetches[account_id] = task
            task.add_done_callback(lambda done: self._finished(account_id, done))
        return task

    async def _load(self, account_id: int, key: SecretStr) -> Catalog:
        try:
            services = await self._panel.services(key)
        except PanelAuthError as error:
            self._refused.add(account_id)
            if self._entries.pop(account_id, None) is not None:
                log.warning("catalog refresh refused, dropping the copy of account %s: %s", account_id, error)
            raise
        except PanelError as error:
            self._refused.discard(account_id)
            entry = self._entries.get(account_id)
            if entry is not None:
                entry.refresh_due = self._clock() + min(self._ttl, RETRY_AFTER_FAILURE)
                log.warning("catalog refresh failed, serving the last good copy: %s", error)
            raise
        self._refused.discard(account_id)
        catalog = Catalog(services, self._indexes)
        self._entries[account_id] = _Entry(catalog, self._clock() + self._ttl)
        log.info("catalog loaded: %d services in %d categories", len(catalog), len(catalog.categories))
        return catalog

    def _finished(self, account_id: int, task: asyncio.Task[Catalog]) -> None:
        if self._fetches.get(account_id) is task:
            del self._fetches[account_id]
        # Retrieve the outcome so a background refresh nobody awaited never logs
        # "exception was never retrieved"; _load has already logged what matters.
        if not task.cancelled():
            task.exception()

