"""The catalog cache against the sandbox panel: TTL, single flight, background refresh, outages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from pydantic import SecretStr

from bot.panel import PanelClient, PanelError, Service
from bot.sandbox import Fault, SandboxPanel
from bot.services.catalog import Catalog, CatalogCache, CatalogUnavailable, CategoryIndexes

KEY = SecretStr("key-catalog")
OTHER_KEY = SecretStr("key-other")
TTL = 600.0


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def panel() -> AsyncIterator[SandboxPanel]:
    async with SandboxPanel(extra_services=0, seed=1) as sandbox:
        sandbox.add_account(KEY.get_secret_value(), balance=Decimal("10"))
        sandbox.add_account(OTHER_KEY.get_secret_value(), balance=Decimal("10"))
        yield sandbox


@pytest.fixture
async def client(panel: SandboxPanel) -> AsyncIterator[PanelClient]:
    # No read retries: an outage should fail at once, not after back-off sleeps.
    async with PanelClient(panel.url, read_retries=0, timeout=5) as panel_client:
        yield panel_client


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def cache(client: PanelClient, clock: Clock) -> AsyncIterator[CatalogCache]:
    catalogs = CatalogCache(client, TTL, clock=clock)
    yield catalogs
    await catalogs.close()


def service(service_id: int, name: str, category: str, rate: str = "1.00") -> Service:
    return Service.model_validate(
        {"service": service_id, "name": name, "type": "Default", "category": category,
         "rate": rate, "min": "10", "max": "1000"}
    )


def test_categories_keep_the_panels_order_and_small_indexes() -> None:
    catalog = Catalog(
        [service(1, "A1", "Zeta"), service(2, "B1", "Alpha"), service(3, "A2", "Zeta")], CategoryIndexes()
    )
    assert [(category.index, category.name) for category in catalog.categories] == [(0, "Zeta"), (1, "Alpha")]
    zeta = catalog.category(0)
    assert zeta is not None and [s.id for s in zeta.services] == [1, 3]
    assert catalog.category(2) is None
    assert catalog.category_of(catalog.service(2)) == catalog.category(1)  # type: ignore[arg-type]


def test_a_category_keeps_its_index_when_the_catalog_changes() -> None:
    indexes = CategoryIndexes()
    Catalog([service(1, "x", "Zeta"), service(2, "y", "Alpha"), service(3, "z", "Beta")], indexes)
    # Alpha disappears, Gamma appears first: old buttons for Zeta and Beta still mean them.
    later = Catalog([service(4, "w", "Gamma"), service(1, "x", "Zeta"), service(3, "z", "Beta")], indexes)
    assert [(category.name, category.index) for category in later.categories] == [
        ("Gamma", 3),
        ("Zeta", 0),
        ("Beta", 2),
    ]
    assert later.category(1) is None  # Alpha's old buttons are stale, not someone else's


def test_search_matches_every_word_in_names_and_categories_ignoring_case() -> None:
    catalog = Catalog(
        [
            service(1, "Instagram Likes [Fast]", "Instagram Likes"),
            service(2, "Story Views", "Instagram Likes"),
            service(3, "TikTok LIKES cheap", "TikTok"),
            service(4, "YouTube Views", "YouTube"),
        ],
        CategoryIndexes(),
    )
    assert [s.id for s in catalog.search("likes")] == [1, 2, 3]
    assert [s.id for s in catalog.search("LIKES tiktok")] == [3]
    assert [s.id for s in catalog.search("  views   instagram ")] == [2]
    assert catalog.search("   ") == []
    assert catalog.search("spotify") == []


async def test_fifty_users_at_once_cost_one_services_request(cache: CatalogCache, panel: SandboxPanel) -> None:
    catalogs = await asyncio.gather(*(cache.get(1, KEY) for _ in range(50)))
    assert panel.count("services") == 1
    assert all(catalog is catalogs[0] for catalog in catalogs)
    assert len(catalogs[0]) == len(panel.services)


async def test_a_fresh_copy_is_served_without_asking_the_panel(
    cache: CatalogCache, panel: SandboxPanel, clock: Clock
) -> None:
    first = await cache.get(1, KEY)
    clock.now += TTL - 1
    assert await cache.get(1, KEY) is first
    assert cache.peek(1, KEY) is first
    assert panel.count("services") == 1


async def test_a_stale_copy_is_served_while_a_background_fetch_replaces_it(
    cache: CatalogCache, panel: SandboxPanel, clock: Clock
) -> None:
    first = await cache.get(1, KEY)
    panel.service(1).rate = Decimal("1.20")
    clock.now += TTL
    assert await cache.get(1, KEY) is first  # served at once, old price
    # The refresh started by that get is in flight: refresh() joins it rather than asking again.
    fresh = await cache.refresh(1, KEY)
    assert panel.count("services") == 2
    assert fresh.service(1).rate == Decimal("1.20")  # type: ignore[union-attr]
    assert cache.peek(1, KEY) is fresh


async def test_each_account_has_its_own_catalog(cache: CatalogCache, panel: SandboxPanel) -> None:
    mine, theirs = await asyncio.gather(cache.get(1, KEY), cache.get(2, OTHER_KEY))
    assert mine is not theirs
    assert panel.count("services") == 2


async def test_without_any_copy_a_panel_outage_is_reported(cache: CatalogCache, panel: SandboxPanel) -> None:
    panel.inject(Fault.HTML_503, times=None, action="services")
    with pytest.raises(CatalogUnavailable):
        await cache.get(1, KEY)
    assert cache.peek(1, KEY) is None
    panel.clear_faults()
    assert len(await cache.get(1, KEY)) == len(panel.services)


async def test_the_last_good_copy_keeps_serving_when_the_panel_is_down(
    cache: CatalogCache, panel: SandboxPanel, clock: Clock
) -> None:
    good = await cache.get(1, KEY)
    panel.inject(Fault.HTML_503, times=None, action="services")
    clock.now += TTL
    with pytest.raises(PanelError):
        await cache.refresh(1, KEY)  # a forced fetch reports the outage…
    assert await cache.get(1, KEY) is good  # …browsing carries on with the old copy
    requests = panel.count("services")
    # After a failure the cache waits a little before trying again in the background.
    assert cache.peek(1, KEY) is good
    assert panel.count("services") == requests


async def test_close_stops_a_fetch_in_flight(client: PanelClient, panel: SandboxPanel) -> None:
    panel.action_latency["services"] = 30.0
    catalogs = CatalogCache(client, TTL)
    waiting = asyncio.create_task(catalogs.get(1, KEY))
    await panel.wait_for_request("services")
    await catalogs.close()
    with pytest.raises((asyncio.CancelledError, CatalogUnavailable)):
        await waiting
