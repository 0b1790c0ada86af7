"""`add`: validation per service type, pricing, funds and the duplicate-link rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.sandbox.state import COMPLETED
from tests.sandbox.conftest import ALICE, BOB, LINK, Api

TWELVE_COMMENTS = "\n".join(f"Nice post {number}!" for number in range(12)) + "\n\n"
TEN_USERNAMES = "\n".join(f"user{number}" for number in range(10))

# (service id, parameters besides link where the type has one, quantity ordered, charge)
VALID_ORDERS = [
    pytest.param(1, {"quantity": 100}, 100, "0.09", id="Default"),
    pytest.param(
        1, {"quantity": 100, "runs": 3, "interval": 30}, 300, "0.27", id="Default drip-feed"
    ),
    pytest.param(2, {"quantity": 1000}, 1000, "0.35", id="lower-case default"),
    pytest.param(3, {"quantity": 200}, 200, "0.02469", id="seven-place rate"),
    pytest.param(4, {"quantity": 1000}, 1000, "0.05", id="unknown type"),
    pytest.param(5, {"comments": TWELVE_COMMENTS}, 12, "0.096", id="Custom Comments"),
    pytest.param(6, {"comments": TWELVE_COMMENTS}, 1, "2.50", id="Custom Comments Package"),
    pytest.param(7, {"quantity": 100, "username": "bob"}, 100, "0.11", id="Comment Likes"),
    pytest.param(8, {"quantity": 100, "usernames": "a\nb"}, 100, "0.40", id="Mentions"),
    pytest.param(
        9, {"quantity": 100, "usernames": "a", "hashtags": "#x\n#y"}, 100, "0.45",
        id="Mentions with Hashtags",
    ),
    pytest.param(10, {"usernames": TEN_USERNAMES}, 10, "0.05", id="Mentions Custom List"),
    pytest.param(11, {"quantity": 100, "hashtag": "#sun"}, 100, "0.375", id="Mentions Hashtag"),
    pytest.param(
        12, {"quantity": 100, "username": "nasa"}, 100, "0.39", id="Mentions User Followers"
    ),
    pytest.param(
        13, {"quantity": 100, "media": "https://instagram.com/p/abc"}, 100, "0.39",
        id="Mentions Media Likers",
    ),
    pytest.param(14, {"quantity": 100, "groups": "t.me/a\nt.me/b"}, 100, "0.32", id="Invites"),
    pytest.param(15, {"quantity": 50, "answer_number": 2}, 50, "0.04", id="Poll"),
    pytest.param(17, {"quantity": 1000, "runs": 2, "interval": 60}, 2000, "3.60", id="YouTube"),
    pytest.param(
        18, {"quantity": 1000, "country": "US", "device": 1, "type_of_traffic": 1,
             "google_keyword": "best shoes"}, 1000, "0.45", id="Web Traffic",
    ),
    pytest.param(
        18, {"quantity": 1000, "country": "US", "device": 2, "type_of_traffic": 2,
             "referring_url": "https://news.example.com", "runs": 2, "interval": 5},
        2000, "0.90", id="Web Traffic drip-feed",
    ),
    pytest.param(19, {"quantity": 100, "keywords": "shoes\nboots"}, 100, "0.20", id="SEO"),
    pytest.param(20, {}, 1, "14.99", id="Package"),
]


@pytest.mark.parametrize(("service", "params", "quantity", "charge"), VALID_ORDERS)
async def test_valid_order_is_placed_and_charged(
    api: Api, service: int, params: dict[str, Any], quantity: int, charge: str
) -> None:
    answer = await api("add", service=service, link=LINK, **params)

    order = api.panel.orders[answer["order"]]
    assert (order.quantity, order.charge, order.status) == (quantity, Decimal(charge), "Pending")
    assert api.panel.account(ALICE).balance == Decimal("100") - Decimal(charge)


async def test_subscription_takes_username_and_charges_max_per_post(api: Api) -> None:
    answer = await api(
        "add", service=16, username="durov", min=100, max=200, posts=5, delay=30,
        expiry="31/12/2030",
    )

    order = api.panel.orders[answer["order"]]
    assert (order.target, order.quantity, order.charge) == ("durov", 1000, Decimal("0.12"))


async def test_subscription_without_posts_charges_one_post(api: Api) -> None:
    answer = await api("add", service=16, username="durov", min=100, max=500, delay=0)

    assert api.panel.orders[answer["order"]].charge == Decimal("0.06")


INVALID_ORDERS = [
    pytest.param({"service": 999}, "Incorrect service ID", id="unknown service"),
    pytest.param({"service": "abc"}, "Incorrect service ID", id="service not a number"),
    pytest.param({"quantity": 10}, "Quantity less than minimal 50", id="below min"),
    pytest.param({"service": 3, "quantity": 150}, "Quantity less than minimal 200", id="min 200"),
    pytest.param(
        {"service": 3, "quantity": 1001}, "Quantity more than maximum 1000", id="max 1000"
    ),
    pytest.param({"quantity": "ten"}, "Incorrect quantity", id="quantity not a number"),
    pytest.param({"quantity": None}, "Incorrect quantity", id="quantity missing"),
    pytest.param({"link": "my profile"}, "Incorrect link", id="not a link"),
    pytest.param({"link": None}, "Incorrect link", id="link missing"),
    pytest.param(
        {"service": 5, "quantity": None, "comments": "one\ntwo\nthree"},
        "Quantity less than minimal 10", id="too few comment lines",
    ),
    pytest.param({"service": 5, "quantity": None}, "Incorrect comments", id="no comments"),
    pytest.param(
        {"service": 2, "runs": 2, "interval": 10},
        "Drip-feed is not available for this service", id="drip-feed off on service",
    ),
    pytest.param(
        {"service": 19, "keywords": "a", "runs": 2, "interval": 10},
        "Drip-feed is not available for this service", id="drip-feed not for type",
    ),
    pytest.param({"runs": 2}, "Incorrect interval", id="runs without interval"),
    pytest.param({"runs": 0, "interval": 5}, "Incorrect runs", id="zero runs"),
    pytest.param({"service": 15, "answer_number": 0}, "Incorrect answer number", id="poll"),
    pytest.param({"service": 7}, "Incorrect username", id="comment likes without username"),
    pytest.param(
        {"service": 18, "quantity": 1000, "country": "US", "device": 1, "type_of_traffic": 1},
        "Incorrect Google keyword", id="traffic needs keyword",
    ),
    pytest.param(
        {"service": 18, "quantity": 1000, "country": "US", "device": 1, "type_of_traffic": 2},
        "Incorrect referring URL", id="traffic needs referrer",
    ),
    pytest.param(
        {"service": 16, "link": None, "quantity": None, "username": "durov", "min": 300,
         "max": 200, "delay": 0},
        "Incorrect min", id="subscription min above max",
    ),
    pytest.param(
        {"service": 16, "link": None, "quantity": None, "username": "durov", "min": 100,
         "max": 200, "delay": 0, "expiry": "2030-12-31"},
        "Incorrect expiry date", id="subscription expiry format",
    ),
]


@pytest.mark.parametrize(("changes", "error"), INVALID_ORDERS)
async def test_invalid_order_is_refused_without_charge(
    api: Api, changes: dict[str, object], error: str
) -> None:
    fields: dict[str, object] = {"service": 1, "link": LINK, "quantity": 100} | changes
    params: dict[str, Any] = {name: value for name, value in fields.items() if value is not None}

    assert await api("add", **params) == {"error": error}
    assert api.panel.orders == {}
    assert api.panel.account(ALICE).balance == Decimal("100")


async def test_order_beyond_balance_is_refused(api: Api) -> None:
    assert await api("add", key=BOB, service=20, link=LINK) == {
        "error": "Not enough funds on balance"
    }
    assert api.panel.account(BOB).balance == Decimal("5")
    assert api.panel.orders == {}


async def test_order_costing_the_whole_balance_is_accepted(api: Api) -> None:
    api.panel.account(BOB).balance = Decimal("14.99")

    await api("add", key=BOB, service=20, link=LINK)

    assert api.panel.account(BOB).balance == 0


async def test_second_active_order_on_same_link_and_service_is_refused(api: Api) -> None:
    first = await api.place()

    refused = await api("add", service=1, link=LINK, quantity=100)
    other_service = await api("add", service=17, link=LINK, quantity=500)
    other_account = await api("add", key=BOB, service=1, link=LINK, quantity=100)
    api.panel.set_status(first, COMPLETED)
    after_completion = await api("add", service=1, link=LINK, quantity=100)

    assert refused == {
        "error": "You have active order with this link. Please wait until order being completed."
    }
    assert "order" in other_service
    assert "order" in other_account
    assert "order" in after_completion


async def test_order_ids_are_ints_that_grow(api: Api) -> None:
    first = await api.place()
    second = await api.place(link="https://instagram.com/other")

    assert second == first + 1
    assert api.panel.orders[first].service.id == 1
