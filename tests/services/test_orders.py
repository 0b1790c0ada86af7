"""The order desk without Telegram: a real database, the sandbox panel and the real client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.i18n import Html
from bot.panel import PanelClient
from bot.sandbox import Fault, SandboxPanel
from bot.services import keys
from bot.services.accounts import access_for_user
from bot.services.catalog import CatalogCache
from bot.services.orders import PAGE_SIZE, OrderDesk, OrderFilter, RefreshProblem, parse_ids
from bot.storage import Database, NewOrder, Order, ServiceSnapshot
from bot.views.orders import split_messages
from tests.support.harness import IsolatedSettings

SHARED = "shared-key-0001"
PERSONAL = "personal-key-0002"
ALICE, BOB, STRANGER = 1, 2, 3


@dataclass
class World:
    db: Database
    panel: SandboxPanel
    client: PanelClient
    catalogs: CatalogCache
    settings: IsolatedSettings

    def desk(self, user_id: int) -> OrderDesk:
        return OrderDesk(
            db=self.db, panel=self.client, settings=self.settings, catalogs=self.catalogs, user_id=user_id
        )

    async def place(self, user_id: int, *, key: str = SHARED, service_id: int = 1) -> Order:
        await self.db.users.upsert_seen(user_id, "en")
        if key == SHARED:
            account = await self.db.accounts.shared()
        else:
            account = await self.db.accounts.connect_personal(user_id, SecretStr(key), "USD", None)
        link = f"https://x.test/{len(self.panel.orders)}"
        placed = self.panel.place_order(
            self.panel.account(key), {"service": str(service_id), "link": link, "quantity": "100"}
        )
        service = self.panel.service(service_id)
        new = NewOrder(
            user_id=user_id,
            account_id=account.id,
            submit_token=f"token-{placed.id}",
            service=ServiceSnapshot(service.id, service.name, service.type, service.category, service.rate),
            expected_price=placed.price,
            currency="USD",
            link=placed.target,
            quantity=100,
        )
        order = await self.db.orders.create_submitting(new)
        return await self.db.orders.mark_placed(order.id, placed.id)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with SandboxPanel() as panel:
        panel.add_account(SHARED, balance=Decimal("100"))
        panel.add_account(PERSONAL, balance=Decimal("100"))
        settings = IsolatedSettings(
            bot_token="1:test",
            smm_api_url=panel.url,
            smm_api_key=SHARED,
            allowed_user_ids=f"{ALICE},{BOB}",
            database_path=tmp_path / "bot.sqlite3",
        )
        db = await Database.open(settings.database_path)
        client = PanelClient(panel.url, timeout=5, read_retries=0)
        catalogs = CatalogCache(client, ttl=600)
        try:
            yield World(db, panel, client, catalogs, settings)
        finally:
            await catalogs.close()
            await client.close()
            await db.close()


def test_ids_are_read_from_commas_and_spaces_once_each() -> None:
    typed = parse_ids(" 12, 34 ;56,,12 x 0 ٣ -4 7.5 ")
    assert typed.ids == (12, 34, 56)
    assert typed.invalid == ("x", "0", "٣", "-4", "7.5")
    assert not typed.too_many
    assert parse_ids(" ".join(str(n) for n in range(1, 102))).too_many
    assert parse_ids("").ids == () and parse_ids("").invalid == ()


def test_filters_parse_only_their_own_names() -> None:
    assert OrderFilter.parse("done") is OrderFilter.FINISHED
    assert OrderFilter.parse("DONE") is None and OrderFilter.parse(None) is None


def test_long_listings_split_between_lines_under_the_limit() -> None:
    lines = [Html(f"<b>#{number}</b>: " + "x" * 50) for number in range(30)]
    messages = split_messages(Html("<b>Heading</b>"), lines, limit=400)
    assert len(messages) > 1
    assert all(message.startswith("<b>Heading</b>\n") for message in messages)
    assert all(len(message) <= 400 for message in messages)
    assert [line for message in messages for line in message.splitlines()[1:]] == lines
    assert split_messages(Html("only"), []) == ["only"]


async def test_pages_are_the_users_own_newest_first_and_clamped(world: World) -> None:
    mine = [await world.place(ALICE) for _ in range(PAGE_SIZE + 2)]
    await world.place(BOB)
    desk = world.desk(ALICE)
    first = await desk.page(OrderFilter.ALL, 0)
    assert [order.id for order in first.orders] == [order.id for order in reversed(mine)][:PAGE_SIZE]
    assert (first.pages, first.total) == (2, PAGE_SIZE + 2)
    last = await desk.page(OrderFilter.ALL, 99)
    assert last.page == 1 and len(last.orders) == 2
    assert (await desk.page(OrderFilter.FINISHED, 0)).total == 0


async def test_only_the_owner_finds_an_order(world: World) -> None:
    order = await world.place(ALICE)
    assert await world.desk(ALICE).order(order.id) == order
    assert await world.desk(BOB).order(order.id) is None
    assert await world.desk(ALICE).order(order.id + 100) is None


async def test_the_card_allows_refill_and_cancel_only_where_the_panel_would(world: World) -> None:
    refillable = await world.place(ALICE, service_id=1)
    fixed = await world.place(ALICE, service_id=2)
    desk = world.desk(ALICE)

    pending = await desk.card(refillable, refresh=True)
    assert pending.can_cancel and not pending.can_refill
    assert not (await desk.card(fixed, refresh=True)).can_cancel

    assert refillable.panel_order_id is not None and fixed.panel_order_id is not None
    world.panel.set_status(refillable.panel_order_id, "Partial", remains=30)
    world.panel.set_status(fixed.panel_order_id, "Completed")
    partial = await desk.card(refillable, refresh=True)
    assert partial.can_refill and not partial.can_cancel and partial.order.remains == 30
    assert not (await desk.card(fixed, refresh=True)).can_refill

    answer = await desk.refill(partial.order)
    assert answer.value == 1
    assert not (await desk.card(partial.order, refresh=False)).can_refill  # one refill at a time


async def test_the_shared_key_is_never_used_for_someone_no_longer_allowed(world: World) -> None:
    order = await world.place(STRANGER)
    asked = len(world.panel.requests)
    card = await world.desk(STRANGER).card(order, refresh=True)
    assert card.problem is RefreshProblem.UNREACHABLE and not card.can_cancel
    assert world.panel.requests[asked:] == []


async def test_a_disconnected_key_leaves_the_card_unreachable(world: World) -> None:
    order = await world.place(ALICE, key=PERSONAL)
    assert await keys.disconnect(world.db, ALICE)
    card = await world.desk(ALICE).card(order, refresh=True)
    assert card.problem is RefreshProblem.UNREACHABLE


async def test_a_refused_status_is_shown_not_raised(world: World) -> None:
    order = await world.place(ALICE)
    assert order.panel_order_id is not None
    del world.panel.orders[order.panel_order_id]  # the panel forgot it
    card = await world.desk(ALICE).card(order, refresh=True)
    assert card.problem is RefreshProblem.REFUSED and card.panel_message == "Incorrect order ID"

    world.panel.inject(Fault.EMPTY_BODY, action="status")
    card = await world.desk(ALICE).card(order, refresh=True)
    assert card.problem is RefreshProblem.UNAVAILABLE


async def test_batches_on_the_shared_key_ask_only_for_the_users_orders(world: World) -> None:
    alices = await world.place(ALICE)
    bobs = await world.place(BOB)
    assert alices.panel_order_id is not None and bobs.panel_order_id is not None
    access = await access_for_user(world.db, world.settings, ALICE)
    assert access is not None and not access.personal
    desk = world.desk(ALICE)

    answers = await desk.statuses(access, [bobs.panel_order_id, alices.panel_order_id])
    assert [answer.found for answer in answers] == [False, True]
    assert world.panel.requests[-1].params == {"orders": str(alices.panel_order_id)}

    cancels = await desk.cancel_many(access, [alices.panel_order_id, bobs.panel_order_id])
    assert [answer.value is not None for answer in cancels] == [True, False]
    assert (await world.db.orders.get(alices.id)).cancel_requested_at is not None  # type: ignore[union-attr]
    assert world.panel.orders[bobs.panel_order_id].cancel_requested is False

    asked = len(world.panel.requests)
    refills = await desk.refill_many(access, [bobs.panel_order_id])
    assert not refills[0].found and world.panel.requests[asked:] == []


@pytest.mark.parametrize(
    ("text", "is_key"),
    [
        ("3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e", True),  # the usual 32 hex characters
        ("alice-personal-key-7f3a9c1e5b", True),
        ("personal-key-0002", False),  # a key inside /connect, but too short to guess unasked
        ("thanks!!!", False),
        ("https://instagram.com/p/Cx7a9b2LmQ1", False),
        ("23501234567890123456", False),  # order numbers
        ("instagram_followers_likes", False),  # no digit: words
        ("3f9a1c5e7b2d 4f6a8c0e1b3d5f7a9c2e", False),
    ],
)
def test_only_generated_looking_text_is_taken_for_a_pasted_key(text: str, is_key: bool) -> None:
    assert keys.looks_like_pasted_key(text) is is_key


async def test_a_panel_that_sends_no_currency_still_connects(world: World) -> None:
    world.panel.variant = "bare_php"  # JSON as text/html, `balance` without a currency
    await world.db.users.upsert_seen(ALICE, "en")

    connected = await keys.connect(world.db, world.client, ALICE, SecretStr(PERSONAL))

    assert isinstance(connected, keys.Connected) and connected.balance.currency is None
    account = await world.db.accounts.personal_for(ALICE)
    assert account is not None and account.currency is None


async def test_connecting_checks_the_key_first(world: World) -> None:
    assert keys.looks_like_key(PERSONAL)
    assert not keys.looks_like_key("two words") and not keys.looks_like_key("short")
    await world.db.users.upsert_seen(ALICE, "en")
    refused = await keys.connect(world.db, world.client, ALICE, SecretStr("unknown-key-123"))
    assert isinstance(refused, keys.KeyRefused)
    world.panel.inject(Fault.HTML_503, action="balance")
    assert isinstance(await keys.connect(world.db, world.client, ALICE, SecretStr(PERSONAL)), keys.CannotCheck)
    assert await world.db.accounts.personal_for(ALICE) is None

    connected = await keys.connect(world.db, world.client, ALICE, SecretStr(PERSONAL))
    assert isinstance(connected, keys.Connected) and connected.balance.amount == Decimal("100")
    access = await access_for_user(world.db, world.settings, ALICE)
    assert access is not None and access.personal and access.key.get_secret_value() == PERSONAL
