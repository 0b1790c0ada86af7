"""Orders: submit states, the one-order-per-confirmation guard, lists, polling, notifications."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bot.storage import (
    Account,
    Database,
    DuplicatePanelOrder,
    DuplicateSubmit,
    NotFoundError,
    Order,
    OrderStateError,
    ServiceSnapshot,
    StatusUpdate,
    SubmitState,
)
from tests.storage.helpers import START, FakeClock, new_order, personal_account, placed_order


@pytest.fixture
async def account(db: Database) -> Account:
    return await personal_account(db, 1)


async def test_create_submitting_keeps_every_field_exactly(db: Database, account: Account) -> None:
    service = ServiceSnapshot(
        service_id=9,
        name="Comments",
        type="Custom Comments",
        category="YouTube",
        rate=Decimal("0.0000001"),
    )
    order = await db.orders.create_submitting(
        new_order(
            1,
            account.id,
            "tok",
            service=service,
            expected_price=Decimal("123456789.1234567"),
            quantity=None,
            runs=3,
            interval=15,
            params={"comments": "one\ntwo", "nested": {"n": [1, 2]}},
        )
    )
    assert order.submit_state is SubmitState.SUBMITTING
    assert order.panel_order_id is None and order.submit_error is None
    assert order.service == service
    assert str(order.service.rate) == str(Decimal("0.0000001"))
    assert order.expected_price == Decimal("123456789.1234567")
    assert str(order.expected_price) == "123456789.1234567"
    assert (order.quantity, order.runs, order.interval) == (None, 3, 15)
    assert order.params == {"comments": "one\ntwo", "nested": {"n": [1, 2]}}
    assert order.currency == "USD" and order.link == "https://instagram.com/someone"
    assert order.status is None and not order.final and order.charge is None
    assert order.created_at == order.updated_at == START
    assert order.is_active
    assert await db.orders.get(order.id) == order
    assert await db.orders.get(999) is None


async def test_subscription_orders_have_no_link_or_quantity(db: Database, account: Account) -> None:
    order = await db.orders.create_submitting(
        new_order(
            1,
            account.id,
            "sub",
            link=None,
            quantity=None,
            params={"username": "someone", "min": 10, "max": 20, "delay": 0},
        )
    )
    assert order.link is None and order.quantity is None
    assert order.params["username"] == "someone"


async def test_non_json_params_and_float_money_are_refused(db: Database, account: Account) -> None:
    with pytest.raises(TypeError):
        await db.orders.create_submitting(new_order(1, account.id, "a", params={"x": Decimal("1")}))
    with pytest.raises(ValueError):
        await db.orders.create_submitting(new_order(1, account.id, "b", expected_price=0.9))
    assert await db.orders.count_for_user(1) == 0


async def test_second_confirmation_raises_duplicate_submit(db: Database, account: Account) -> None:
    first = await db.orders.create_submitting(new_order(1, account.id, "tok"))
    with pytest.raises(DuplicateSubmit) as caught:
        await db.orders.create_submitting(new_order(1, account.id, "tok", quantity=5))
    assert caught.value.order == first
    assert await db.orders.count_for_user(1) == 1


async def test_concurrent_confirmations_create_exactly_one_order(
    db: Database, account: Account
) -> None:
    results = await asyncio.gather(
        db.orders.create_submitting(new_order(1, account.id, "tok")),
        db.orders.create_submitting(new_order(1, account.id, "tok")),
        return_exceptions=True,
    )
    created = [result for result in results if isinstance(result, Order)]
    duplicates = [result for result in results if isinstance(result, DuplicateSubmit)]
    assert len(created) == 1 and len(duplicates) == 1
    assert duplicates[0].order.id == created[0].id
    assert await db.orders.count_for_user(1) == 1


async def test_tokens_are_unique_per_user_only(db: Database, account: Account) -> None:
    other = await personal_account(db, 2, key="other")
    await db.orders.create_submitting(new_order(1, account.id, "tok"))
    await db.orders.create_submitting(new_order(2, other.id, "tok"))
    assert await db.orders.count_for_user(2) == 1


async def test_placed_order_is_due_for_polling_at_once(
    db: Database, account: Account, clock: FakeClock
) -> None:
    order = await db.orders.create_submitting(new_order(1, account.id, "tok"))
    placed_at = clock.advance(2)
    placed = await db.orders.mark_placed(order.id, 555000)
    assert placed.submit_state is SubmitState.PLACED and placed.panel_order_id == 555000
    assert placed.next_poll_at == placed.updated_at == placed_at
    assert await db.orders.get_by_panel_id(account.id, 555000) == placed
    assert await db.orders.get_by_panel_id(account.id, 1) is None
    assert await db.orders.get_by_panel_id(account.id + 1, 555000) is None
    with pytest.raises(OrderStateError):
        await db.orders.mark_placed(order.id, 555001)
    with pytest.raises(OrderStateError):
        await db.orders.mark_failed(order.id, "late")


async def test_failed_and_unknown_keep_the_panel_message(db: Database, account: Account) -> None:
    failed = await db.orders.create_submitting(new_order(1, account.id, "a"))
    failed = await db.orders.mark_failed(failed.id, "Not enough funds on balance")
    assert failed.submit_state is SubmitState.FAILED
    assert failed.submit_error == "Not enough funds on balance"
    assert not failed.is_active

    unknown = await db.orders.create_submitting(new_order(1, account.id, "b"))
    unknown = await db.orders.mark_unknown(unknown.id, "timeout after sending")
    assert unknown.submit_state is SubmitState.UNKNOWN and unknown.is_active
    assert unknown.submit_error == "timeout after sending"
    assert await db.orders.list_unknown() == [unknown]
    with pytest.raises(OrderStateError):
        await db.orders.mark_placed(unknown.id, 1)
    with pytest.raises(NotFoundError):
        await db.orders.mark_unknown(999, "x")


async def test_an_unknown_order_is_reported_until_marked(db: Database, account: Account, clock: FakeClock) -> None:
    first, second = [
        await db.orders.mark_unknown((await db.orders.create_submitting(new_order(1, account.id, token))).id, "timeout")
        for token in ("a", "b")
    ]
    assert first.unknown_reported_at is None
    assert await db.orders.unreported_unknown() == [first, second]

    reported_at = clock.advance(5)
    await db.orders.mark_unknown_reported(first.id)
    clock.advance(5)
    await db.orders.mark_unknown_reported(first.id)  # keeps the first time
    stored = await db.orders.get(first.id)
    assert stored is not None and stored.unknown_reported_at == reported_at
    assert await db.orders.unreported_unknown() == [second]

    await db.orders.resolve_unknown(second.id, None)  # settled before anyone was told
    assert await db.orders.unreported_unknown() == []


async def test_resolve_unknown_to_placed_or_failed(db: Database, account: Account) -> None:
    orders = []
    for token in ("a", "b"):
        order = await db.orders.create_submitting(new_order(1, account.id, token))
        orders.append(await db.orders.mark_unknown(order.id, "connection reset"))

    placed = await db.orders.resolve_unknown(orders[0].id, 777)
    assert placed.submit_state is SubmitState.PLACED and placed.panel_order_id == 777
    assert placed.submit_error is None and placed.next_poll_at is not None
    failed = await db.orders.resolve_unknown(orders[1].id, None)
    assert failed.submit_state is SubmitState.FAILED
    assert failed.submit_error == "connection reset"
    assert await db.orders.list_unknown() == []
    with pytest.raises(OrderStateError):
        await db.orders.resolve_unknown(placed.id, None)


async def test_a_panel_order_id_belongs_to_one_order_per_account(
    db: Database, account: Account
) -> None:
    await placed_order(db, 1, account.id, 555)
    other = await db.orders.create_submitting(new_order(1, account.id, "other"))
    with pytest.raises(DuplicatePanelOrder):
        await db.orders.mark_placed(other.id, 555)
    still = await db.orders.get(other.id)
    assert still is not None and still.submit_state is SubmitState.SUBMITTING

    shared = await db.accounts.shared()
    elsewhere = await db.orders.create_submitting(new_order(1, shared.id, "shared"))
    assert (await db.orders.mark_placed(elsewhere.id, 555)).panel_order_id == 555


async def make_history(db: Database, account: Account) -> dict[str, Order]:
    """One order in each situation, created in this order (so ids ascend)."""
    orders = {
        name: await db.orders.create_submitting(new_order(1, account.id, name))
        for name in ("failed", "open", "final", "unknown", "submitting")
    }
    await db.orders.mark_failed(orders["failed"].id, "Incorrect link")
    await db.orders.mark_placed(orders["open"].id, 1)
    await db.orders.mark_placed(orders["final"].id, 2)
    await apply(db, orders["final"].id, "Completed", final=True)
    await db.orders.mark_unknown(orders["unknown"].id, "timeout")
    return orders


async def apply(
    db: Database,
    order_id: int,
    status: str,
    *,
    final: bool = False,
    next_poll_at: datetime = START,
    **values: object,
) -> Order:
    fields: dict[str, object] = {
        "charge": None,
        "start_count": None,
        "remains": None,
        "currency": None,
    }
    fields.update(values)
    update = StatusUpdate(
        order_id,
        status=status,
        final=final,
        next_poll_at=next_poll_at,
        **fields,  # type: ignore[arg-type]
    )
    return await db.orders.apply_status(update, polled_at=START)


async def test_list_for_user_newest_first_with_paging_and_filter(
    db: Database, account: Account
) -> None:
    orders = await make_history(db, account)
    ids = {name: order.id for name, order in orders.items()}
    newest_first = [ids[n] for n in ("submitting", "unknown", "final", "open", "failed")]

    assert [o.id for o in await db.orders.list_for_user(1, limit=10)] == newest_first
    assert [o.id for o in await db.orders.list_for_user(1, limit=2, offset=2)] == newest_first[2:4]
    active = await db.orders.list_for_user(1, active=True, limit=10)
    assert [o.id for o in active] == [ids["submitting"], ids["unknown"], ids["open"]]
    assert all(order.is_active for order in active)
    finished = await db.orders.list_for_user(1, active=False, limit=10)
    assert [o.id for o in finished] == [ids["final"], ids["failed"]]
    assert not any(order.is_active for order in finished)
    assert await db.orders.count_for_user(1) == 5
    assert await db.orders.count_for_user(1, active=True) == 3
    assert await db.orders.count_for_user(1, active=False) == 2
    assert await db.orders.list_for_user(2, limit=10) == []


async def test_count_by_state(db: Database, account: Account) -> None:
    assert await db.orders.count_by_state() == dict.fromkeys(SubmitState, 0)
    await make_history(db, account)
    assert await db.orders.count_by_state() == {
        SubmitState.SUBMITTING: 1,
        SubmitState.PLACED: 2,
        SubmitState.FAILED: 1,
        SubmitState.UNKNOWN: 1,
    }


async def test_count_placed_by_status(db: Database, account: Account) -> None:
    assert await db.orders.count_placed_by_status() == {}
    await make_history(db, account)  # placed: one never polled, one Completed; three not placed
    for panel_order_id, status in ((3, "In progress"), (4, "In progress"), (5, "inprogress")):
        order = await placed_order(db, 1, account.id, panel_order_id)
        await apply(db, order.id, status)
    assert await db.orders.count_placed_by_status() == {
        None: 1,
        "Completed": 1,
        "In progress": 2,
        "inprogress": 1,  # as the panel wrote it: telling spellings apart is not storage's job
    }


async def test_apply_status_stores_the_panel_values(db: Database, account: Account) -> None:
    order = await placed_order(db, 1, account.id, 555)
    polled = START + timedelta(minutes=1)
    update = StatusUpdate(
        order.id,
        status="In progress",
        final=False,
        charge=Decimal("0.27819"),
        start_count=3572,
        remains=157,
        currency="USD",
        next_poll_at=polled + timedelta(minutes=5),
    )
    updated = await db.orders.apply_status(update, polled_at=polled)
    assert updated.status == "In progress" and not updated.final
    assert updated.charge == Decimal("0.27819") and str(updated.charge) == "0.27819"
    assert (updated.start_count, updated.remains) == (3572, 157)
    assert updated.last_polled_at == polled
    assert updated.next_poll_at == polled + timedelta(minutes=5)

    # "remains": "Unknown" arrives as None: the last known value stays.
    later = await apply(db, order.id, "Partial", final=True, remains=None, charge=Decimal("0.1"))
    assert later.final and later.remains == 157 and later.charge == Decimal("0.1")
    assert not later.is_active
    with pytest.raises(NotFoundError):
        await apply(db, 999, "Pending")


async def test_due_for_polling_selects_and_groups(
    db: Database, account: Account, clock: FakeClock
) -> None:
    shared = await db.accounts.shared()
    now = START + timedelta(minutes=10)
    late = await placed_order(db, 1, account.id, 1)
    await apply(db, late.id, "Pending", next_poll_at=now - timedelta(minutes=5))
    on_time = await placed_order(db, 1, account.id, 2)
    await apply(db, on_time.id, "Pending", next_poll_at=now)
    future = await placed_order(db, 1, account.id, 3)
    await apply(db, future.id, "Pending", next_poll_at=now + timedelta(seconds=1))
    finished = await placed_order(db, 1, account.id, 4)
    await apply(db, finished.id, "Completed", final=True, next_poll_at=now)
    stopped = await placed_order(db, 1, account.id, 5)
    assert (await db.orders.stop_polling(stopped.id)).polling_stopped
    on_shared = await placed_order(db, 1, shared.id, 6)
    await apply(db, on_shared.id, "Pending", next_poll_at=now - timedelta(minutes=1))
    await db.orders.create_submitting(new_order(1, account.id, "not placed"))

    due = await db.orders.due_for_polling(now)
    assert list(due) == [account.id, shared.id]
    assert [o.id for o in due[account.id]] == [late.id, on_time.id]
    assert [o.id for o in due[shared.id]] == [on_shared.id]
    limited = await db.orders.due_for_polling(now, limit=1)
    assert {key: [o.id for o in value] for key, value in limited.items()} == {account.id: [late.id]}

    # A disconnected key cannot be polled with; its orders wait for a reconnect.
    await db.accounts.disconnect(1)
    assert list(await db.orders.due_for_polling(now)) == [shared.id]
    with pytest.raises(ValueError):
        await db.orders.due_for_polling(now.replace(tzinfo=None))


async def test_reschedule_moves_the_next_poll(db: Database, account: Account) -> None:
    first = await placed_order(db, 1, account.id, 1)
    second = await placed_order(db, 1, account.id, 2)
    retry_at = START + timedelta(minutes=3)
    await db.orders.reschedule([first.id, second.id], polled_at=START, next_poll_at=retry_at)
    assert await db.orders.due_for_polling(START) == {}
    due = await db.orders.due_for_polling(retry_at)
    assert [o.id for o in due[account.id]] == [first.id, second.id]
    stored = await db.orders.get(first.id)
    assert stored is not None and stored.last_polled_at == START


async def test_notifications_until_marked(db: Database, account: Account, clock: FakeClock) -> None:
    first = await placed_order(db, 1, account.id, 1)
    second = await placed_order(db, 1, account.id, 2)
    assert await db.orders.pending_notifications() == []  # no status yet

    await apply(db, first.id, "In progress")
    clock.advance(1)
    await apply(db, second.id, "Completed", final=True)
    assert [o.id for o in await db.orders.pending_notifications()] == [first.id, second.id]

    await db.orders.mark_notified(first.id, "In progress")
    assert [o.id for o in await db.orders.pending_notifications()] == [second.id]
    await apply(db, first.id, "In progress")
    assert [o.id for o in await db.orders.pending_notifications()] == [second.id]
    await db.orders.mark_notified(second.id, "Completed")
    assert await db.orders.pending_notifications() == []
    stored = await db.orders.get(second.id)
    assert stored is not None and stored.notified_status == "Completed"
    assert not await db.orders.mark_notified(999, "Completed")


async def test_a_status_told_late_is_not_recorded_over_a_newer_one(db: Database, account: Account) -> None:
    order = await placed_order(db, 1, account.id, 1)
    await apply(db, order.id, "In progress")
    await apply(db, order.id, "Completed", final=True)
    assert await db.orders.mark_notified(order.id, "Completed")  # shown on the card

    assert not await db.orders.mark_notified(order.id, "In progress")  # a message from an old list

    stored = await db.orders.get(order.id)
    assert stored is not None and stored.notified_status == "Completed"
    assert await db.orders.pending_notifications() == []


async def test_cancel_requested(db: Database, account: Account, clock: FakeClock) -> None:
    order = await placed_order(db, 1, account.id, 1)
    at = clock.advance(30)
    updated = await db.orders.set_cancel_requested(order.id)
    assert updated.cancel_requested_at == at and updated.updated_at == at
    with pytest.raises(NotFoundError):
        await db.orders.set_cancel_requested(999)
    with pytest.raises(NotFoundError):
        await db.orders.stop_polling(999)
