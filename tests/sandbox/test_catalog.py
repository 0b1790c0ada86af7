"""The built-in catalog covers every type; the generated one is big, varied and repeatable."""

from __future__ import annotations

from decimal import Decimal

from aiohttp import ClientSession

from bot.sandbox import SandboxPanel
from bot.sandbox.catalog import FIRST_GENERATED_ID, builtin_services, generate_services
from bot.sandbox.service_types import FALLBACK_TYPE, SERVICE_TYPES, service_type
from tests.sandbox.conftest import LINK, Api


def test_builtin_catalog_has_every_type_and_the_odd_ones() -> None:
    services = builtin_services()
    types = {service.type for service in services}

    assert {form.name for form in SERVICE_TYPES} <= {name for name in types if name != "default"}
    assert "default" in types
    assert any(service_type(name) is FALLBACK_TYPE for name in types)
    assert len({service.category for service in services}) >= 5
    assert any(service.refill is True for service in services)
    assert any(service.refill is None and service.cancel is None for service in services)
    assert any(service.dripfeed for service in services)
    assert any(service.desc for service in services)


def test_builtin_ids_are_stable_unique_and_below_1000() -> None:
    ids = [service.id for service in builtin_services()]

    assert ids == [service.id for service in builtin_services()]
    assert len(set(ids)) == len(ids)
    assert max(ids) < FIRST_GENERATED_ID


def test_builtin_catalog_is_copied_per_call() -> None:
    first = builtin_services()
    first[0].rate = Decimal("99")

    assert builtin_services()[0].rate == Decimal("0.90")


def test_generated_catalog_is_deterministic_and_spread_over_200_categories() -> None:
    services = generate_services(5000, seed=7)

    assert services == generate_services(5000, seed=7)
    assert services != generate_services(5000, seed=8)
    assert [service.id for service in services] == list(range(1000, 6000))
    assert len({service.category for service in services}) == 200
    assert len({service.type for service in services}) == len(SERVICE_TYPES)


def test_generated_services_respect_their_types() -> None:
    for service in generate_services(2000, seed=3):
        form = service_type(service.type)
        assert 0 < service.min <= service.max
        assert service.rate > 0
        assert not service.dripfeed or form.dripfeed
        if form.is_package:
            assert service.min == service.max == 1


def test_generating_few_services_uses_few_categories() -> None:
    assert generate_services(0, seed=1) == []
    assert len({service.category for service in generate_services(30, seed=1)}) == 2


async def test_services_action_lists_builtin_and_generated() -> None:
    async with SandboxPanel(extra_services=5000, seed=2) as panel:
        panel.add_account("key", balance=Decimal("1"))
        async with ClientSession() as session:
            async with session.post(panel.url, data={"key": "key", "action": "services"}) as reply:
                services = await reply.json()

    assert len(services) == len(builtin_services()) + 5000
    assert services[-1]["service"] == 5999


async def test_changed_service_shows_in_catalog_and_prices(api: Api) -> None:
    api.panel.service(1).rate = Decimal("1.20")
    api.panel.service(1).max = 150

    listed = next(item for item in await api("services") if item["service"] == 1)
    too_many = await api("add", service=1, link=LINK, quantity=200)
    order_id = await api.place(quantity=100)

    assert (listed["rate"], listed["max"]) == ("1.20", "150")
    assert too_many == {"error": "Quantity more than maximum 150"}
    assert api.panel.orders[order_id].charge == Decimal("0.12")
