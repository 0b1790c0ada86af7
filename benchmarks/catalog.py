"""Catalog: a 5,000-service catalog is fetched once per time-to-live and pages render fast.

`python -m benchmarks.catalog [services]`: the real `CatalogCache` and panel client against
the sandbox with 5,000 generated services (plus the built-in ones). Reported: the first
fetch (request, parsing, grouping), how many `services` requests 1,000 concurrent readers
cost when nothing is cached, how many a steady stream of readers costs over several TTLs,
and the time to render each kind of page (what a button press costs the bot besides I/O).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from pydantic import SecretStr

from benchmarks.common import SHARED_KEY, print_table, quiet_logging
from bot.i18n import I18n, Translator
from bot.panel import PanelClient
from bot.sandbox import SandboxPanel
from bot.services.catalog import Catalog, CatalogCache
from bot.views.order import (
    CATEGORIES_PER_PAGE,
    SERVICES_PER_PAGE,
    Page,
    Screen,
    categories_screen,
    paginate,
    search_screen,
    service_card,
    services_screen,
)

T = TypeVar("T")

ACCOUNT_ID = 1
CONCURRENT_READERS = 1_000
TTL = 1.0
TTL_WINDOWS = 4
READ_EVERY = 0.005
RENDERS = 300


async def run(extra_services: int) -> None:
    quiet_logging()
    key = SecretStr(SHARED_KEY)
    async with SandboxPanel(extra_services=extra_services, seed=1) as panel, PanelClient(panel.url) as client:
        panel.add_account(SHARED_KEY, balance=Decimal("10"))
        cache = CatalogCache(client, ttl=TTL)
        started = time.monotonic()
        catalogs = await asyncio.gather(*(cache.get(ACCOUNT_ID, key) for _ in range(CONCURRENT_READERS)))
        first_fetch = time.monotonic() - started
        cold_requests = panel.count("services")
        catalog = catalogs[0]

        before = panel.count("services")
        deadline = time.monotonic() + TTL * TTL_WINDOWS
        reads = 0
        while time.monotonic() < deadline:
            await cache.get(ACCOUNT_ID, key)
            reads += 1
            await asyncio.sleep(READ_EVERY)  # a reader every few ms: the load, not a wait for a result
        steady_requests = panel.count("services") - before
        await cache.close()

    renders = render_times(catalog)
    rows: list[list[object]] = [
        [f"first fetch of {len(catalog):,} services in {len(catalog.categories)} categories",
         f"{first_fetch * 1000:.0f} ms", f"{cold_requests} `services` request for {CONCURRENT_READERS:,} readers"],
        [f"{reads:,} reads over {TTL_WINDOWS} TTLs of {TTL:g} s", "–",
         f"{steady_requests} `services` requests (one per TTL, in the background)"],
    ]
    rows += [[f"render: {name}", f"{seconds * 1000:.2f} ms", f"{length:,} characters"]
             for name, seconds, length in renders]
    print_table(f"Catalog: {extra_services:,} generated services", ["what", "time", "cost"], rows)


def render_times(catalog: Catalog) -> list[tuple[str, float, int]]:
    """Mean time of rendering each kind of page, and the longest text it produced."""
    tr = I18n.load(default_language="en").translator("en")
    biggest = max(catalog.categories, key=lambda category: len(category.services))
    service = biggest.services[0]
    last_categories_page = (len(catalog.categories) - 1) // CATEGORIES_PER_PAGE
    pages: dict[str, Callable[[], Screen]] = {
        "categories page": lambda: categories_screen(
            tr, catalog, _page(paginate(catalog.categories, last_categories_page, CATEGORIES_PER_PAGE))
        ),
        f"services page of a {len(biggest.services)}-service category": lambda: services_screen(
            tr, biggest, _page(paginate(biggest.services, 0, SERVICES_PER_PAGE)), 0, "USD"
        ),
        "search over every service (\"likes\")": lambda: _search(tr, catalog, "likes"),
        "service card": lambda: service_card(tr, service, biggest, "USD"),
    }
    results = []
    for name, render in pages.items():
        started = time.perf_counter()
        for _ in range(RENDERS):
            screen = render()
        results.append((name, (time.perf_counter() - started) / RENDERS, len(screen.text)))
    return results


def _search(tr: Translator, catalog: Catalog, query: str) -> Screen:
    matches = catalog.search(query)
    return search_screen(tr, query, _page(paginate(matches, 0, SERVICES_PER_PAGE)), len(matches), "USD")


def _page(page: Page[T] | None) -> Page[T]:
    assert page is not None
    return page


def main() -> None:
    extra_services = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    asyncio.run(run(extra_services))


if __name__ == "__main__":
    main()
