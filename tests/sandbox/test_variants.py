"""The three wire flavours: numbers as the doc writes them, as JSON numbers, or all strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.sandbox import SandboxPanel
from bot.sandbox.state import COMPLETED
from tests.sandbox.conftest import LINK, Api

DESCRIPTION = "Real-looking profiles. Start 0-1 h, up to 5K a day. 30 days refill."
FIRST_ORDER, SECOND_ORDER, THIRD_ORDER = 23501, 23502, 23503

EXPECTED: dict[str, dict[str, Any]] = {
    "docs": {
        "service": {
            "service": 1, "name": "Instagram Followers [Refill 30D]", "type": "Default",
            "category": "Instagram Followers", "rate": "0.90", "min": "50", "max": "10000",
            "refill": True, "cancel": True, "dripfeed": True, "description": DESCRIPTION,
        },
        "add": {"order": FIRST_ORDER},
        "pending": {
            "charge": "0.09000", "start_count": "0", "status": "Pending", "remains": "100",
            "currency": "USD",
        },
        "refill": {"refill": "1"},
        "refills": [{"order": SECOND_ORDER, "refill": 2}],
        "refill_statuses": [{"refill": 1, "status": "Pending"}, {"refill": 2, "status": "Pending"}],
        "cancel": [{"order": THIRD_ORDER, "cancel": 1}],
        "balance": {"balance": "99.73000", "currency": "USD"},
    },
    "numbers": {
        "service": {
            "service": 1, "name": "Instagram Followers [Refill 30D]", "type": "Default",
            "category": "Instagram Followers", "rate": 0.9, "min": 50, "max": 10000,
            "refill": True, "cancel": True, "dripfeed": True, "description": DESCRIPTION,
        },
        "add": {"order": FIRST_ORDER},
        "pending": {
            "charge": 0.09, "start_count": 0, "status": "Pending", "remains": 100,
            "currency": "USD",
        },
        "refill": {"refill": 1},
        "refills": [{"order": SECOND_ORDER, "refill": 2}],
        "refill_statuses": [{"refill": 1, "status": "Pending"}, {"refill": 2, "status": "Pending"}],
        "cancel": [{"order": THIRD_ORDER, "cancel": 1}],
        "balance": {"balance": 99.73, "currency": "USD"},
    },
    "strings": {
        "service": {
            "service": "1", "name": "Instagram Followers [Refill 30D]", "type": "Default",
            "category": "Instagram Followers", "rate": "0.90", "min": "50", "max": "10000",
            "refill": True, "cancel": True, "dripfeed": 1, "desc": DESCRIPTION,
        },
        "add": {"order": str(FIRST_ORDER)},
        "pending": {
            "charge": "0.09000", "start_count": "0", "status": "Pending", "remains": "Unknown",
            "currency": "USD",
        },
        "refill": {"refill": "1"},
        "refills": [{"order": str(SECOND_ORDER), "refill": "2"}],
        "refill_statuses": [
            {"refill": "1", "status": "Pending"}, {"refill": "2", "status": "Pending"}
        ],
        "cancel": [{"order": str(THIRD_ORDER), "cancel": "1"}],
        "balance": {"balance": "99.73000", "currency": "USD"},
    },
}


@pytest.mark.parametrize("variant", list(EXPECTED))
async def test_every_action_in_variant(api: Api, variant: str) -> None:
    api.panel.variant = variant
    expected = EXPECTED[variant]

    catalog = await api("services")
    added = await api("add", service=1, link=LINK, quantity=100)
    pending = await api("status", order=FIRST_ORDER)
    await api.place(link="https://instagram.com/second")
    await api.place(link="https://instagram.com/third")
    api.panel.set_status(FIRST_ORDER, COMPLETED)
    api.panel.set_status(SECOND_ORDER, COMPLETED)
    refill = await api("refill", order=FIRST_ORDER)
    refills = await api("refill", orders=SECOND_ORDER)
    statuses = await api("refill_status", refills="1,2")
    cancel = await api("cancel", orders=THIRD_ORDER)

    assert catalog[0] == expected["service"]
    assert added == expected["add"]
    assert pending == expected["pending"]
    assert refill == expected["refill"]
    assert refills == expected["refills"]
    assert statuses == expected["refill_statuses"]
    assert cancel == expected["cancel"]
    assert await api("balance") == expected["balance"]


@pytest.mark.parametrize("variant", list(EXPECTED))
async def test_missing_refill_and_cancel_keys_stay_missing(api: Api, variant: str) -> None:
    api.panel.variant = variant

    likes = next(item for item in await api("services") if int(item["service"]) == 3)

    assert "refill" not in likes and "cancel" not in likes


async def test_numbers_variant_keeps_seven_places_of_a_rate(api: Api) -> None:
    api.panel.variant = "numbers"

    likes = next(item for item in await api("services") if item["service"] == 3)

    assert Decimal(str(likes["rate"])) == Decimal("0.1234567")


async def test_strings_variant_shows_remains_once_the_order_started(api: Api) -> None:
    api.panel.variant = "strings"
    order_id = await api.place()
    api.panel.advance(order_id)

    assert (await api("status", order=order_id))["remains"] == "50"


def test_unknown_variant_is_refused() -> None:
    panel = SandboxPanel()

    with pytest.raises(ValueError):
        panel.variant = "xml"
    with pytest.raises(ValueError):
        SandboxPanel(variant="xml")
