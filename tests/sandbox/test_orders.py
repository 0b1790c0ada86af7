"""status, refill, refill_status, cancel, balance; state moves, refunds and ownership."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.sandbox import SandboxPanel
from bot.sandbox.state import CANCELED, COMPLETED, IN_PROGRESS, PARTIAL
from tests.sandbox.conftest import ALICE, BOB, LINK, Api

OTHER_LINK = "https://instagram.com/bob"


async def test_new_order_is_pending_with_everything_remaining(api: Api) -> None:
    order_id = await api.place()

    assert await api("status", order=order_id) == {
        "charge": "0.09000",
        "start_count": "0",
        "status": "Pending",
        "remains": "100",
        "currency": "USD",
    }


async def test_advance_moves_pending_to_in_progress_to_completed_then_stops(api: Api) -> None:
    order_id = await api.place()
    seen = []
    for _ in range(3):
        api.panel.advance(order_id)
        seen.append(await api("status", order=order_id))

    assert [(item["status"], item["remains"]) for item in seen] == [
        ("In progress", "50"), ("Completed", "0"), ("Completed", "0"),
    ]
    assert int(seen[0]["start_count"]) > 0
    assert seen[0]["start_count"] == seen[1]["start_count"]
    assert api.panel.account(ALICE).balance == Decimal("99.91")


async def test_advance_all_moves_only_orders_not_final(api: Api) -> None:
    done = await api.place()
    api.panel.set_status(done, COMPLETED)
    moving = await api.place(link=OTHER_LINK)

    assert api.panel.advance_all() == [moving]
    assert api.panel.orders[moving].status == IN_PROGRESS
    assert api.panel.orders[done].status == COMPLETED


async def test_partial_refunds_the_undelivered_part(api: Api) -> None:
    order_id = await api.place()

    api.panel.set_status(order_id, PARTIAL, remains=40)

    assert await api("status", order=order_id) == {
        "charge": "0.05400",
        "start_count": str(api.panel.orders[order_id].start_count),
        "status": "Partial",
        "remains": "40",
        "currency": "USD",
    }
    assert api.panel.account(ALICE).balance == Decimal("99.946")


async def test_canceled_refunds_everything_once(api: Api) -> None:
    order_id = await api.place()

    api.panel.set_status(order_id, CANCELED)
    api.panel.set_status(order_id, CANCELED)

    status = await api("status", order=order_id)
    assert (status["status"], status["charge"], status["remains"]) == ("Canceled", "0.00000", "100")
    assert api.panel.account(ALICE).balance == Decimal("100")


async def test_set_status_accepts_any_status_and_checks_remains(api: Api) -> None:
    order_id = await api.place()

    api.panel.set_status(order_id, "Processing")
    with pytest.raises(ValueError):
        api.panel.set_status(order_id, PARTIAL, remains=101)

    assert (await api("status", order=order_id))["status"] == "Processing"
    assert api.panel.advance(order_id).status == COMPLETED


async def test_status_of_unknown_order_is_an_error(api: Api) -> None:
    assert await api("status", order=1) == {"error": "Incorrect order ID"}
    assert await api("status", order="abc") == {"error": "Incorrect order ID"}
    assert await api("status") == {"error": "Incorrect order ID"}


async def test_multi_status_keys_each_id_and_reports_bad_ones_in_place(api: Api) -> None:
    mine = await api.place()
    theirs = await api.place(key=BOB, quantity=50)

    answer = await api("status", orders=f"{mine}, {theirs},12,abc")

    assert list(answer) == [str(mine), str(theirs), "12", "abc"]
    assert answer[str(mine)]["status"] == "Pending"
    assert answer[str(theirs)] == {"error": "Incorrect order ID"}
    assert answer["12"] == answer["abc"] == {"error": "Incorrect order ID"}


async def test_multi_status_takes_100_ids_and_refuses_101(api: Api) -> None:
    ids = [str(number) for number in range(1, 102)]

    assert len(await api("status", orders=",".join(ids[:100]))) == 100
    assert await api("status", orders=",".join(ids)) == {"error": "Maximum 100 IDs allowed"}


async def test_orders_of_another_account_are_invisible(api: Api) -> None:
    order_id = await api.place()
    api.panel.set_status(order_id, COMPLETED)
    refill = await api("refill", order=order_id)

    assert await api("status", key=BOB, order=order_id) == {"error": "Incorrect order ID"}
    assert await api("refill", key=BOB, order=order_id) == {"error": "Incorrect order ID"}
    assert await api("cancel", key=BOB, orders=order_id) == [
        {"order": order_id, "cancel": {"error": "Incorrect order ID"}}
    ]
    assert await api("refill_status", key=BOB, refill=refill["refill"]) == {
        "error": "Refill not found"
    }


async def test_refill_of_finished_order_then_its_status(api: Api) -> None:
    order_id = await api.place()
    api.panel.set_status(order_id, PARTIAL, remains=10)

    answer = await api("refill", order=order_id)
    refill_id = int(answer["refill"])
    pending = await api("refill_status", refill=refill_id)
    api.panel.set_refill_status(refill_id, "Completed")

    assert answer == {"refill": str(refill_id)}
    assert api.panel.refills[refill_id].order.id == order_id
    assert pending == {"status": "Pending"}
    assert await api("refill_status", refill=refill_id) == {"status": "Completed"}


async def test_refill_refusals(api: Api) -> None:
    unfinished = await api.place()
    no_refill = await api.place(service=2, quantity=100)
    api.panel.set_status(no_refill, COMPLETED)
    done = await api.place(link=OTHER_LINK)
    api.panel.set_status(done, COMPLETED)
    await api("refill", order=done)

    assert await api("refill", order=unfinished) == {
        "error": "Refill is available only for completed orders"
    }
    assert await api("refill", order=no_refill) == {"error": "Refill is disabled for this service"}
    assert await api("refill", order=done) == {
        "error": "Refill is already in progress for this order"
    }


async def test_new_refill_allowed_once_the_last_one_is_final(api: Api) -> None:
    order_id = await api.place()
    api.panel.set_status(order_id, COMPLETED)
    first = int((await api("refill", order=order_id))["refill"])
    api.panel.advance_refill(first)
    api.panel.advance_refill(first)

    second = await api("refill", order=order_id)

    assert api.panel.refills[first].status == "Completed"
    assert int(second["refill"]) == first + 1


async def test_multi_refill_reports_each_order(api: Api) -> None:
    done = await api.place()
    api.panel.set_status(done, COMPLETED)
    pending = await api.place(link=OTHER_LINK)

    answer = await api("refill", orders=f"{done},{pending},7,x")

    assert answer == [
        {"order": done, "refill": 1},
        {"order": pending, "refill": {"error": "Refill is available only for completed orders"}},
        {"order": 7, "refill": {"error": "Incorrect order ID"}},
        {"order": "x", "refill": {"error": "Incorrect order ID"}},
    ]


async def test_multi_refill_status_reports_each_refill(api: Api) -> None:
    order_id = await api.place()
    api.panel.set_status(order_id, COMPLETED)
    refill_id = int((await api("refill", order=order_id))["refill"])
    api.panel.set_refill_status(refill_id, "Rejected")

    answer = await api("refill_status", refills=f"{refill_id},99")

    assert answer == [
        {"refill": refill_id, "status": "Rejected"},
        {"refill": 99, "status": {"error": "Refill not found"}},
    ]
    assert await api("refill_status", refill="nope") == {"error": "Refill not found"}


async def test_cancel_is_requested_then_done_at_next_move_with_refund(api: Api) -> None:
    order_id = await api.place()

    answer = await api("cancel", orders=order_id)
    still_pending = (await api("status", order=order_id))["status"]
    again = await api("cancel", orders=order_id)
    api.panel.advance(order_id)

    assert answer == [{"order": order_id, "cancel": 1}]
    assert still_pending == "Pending"
    assert again == [
        {"order": order_id, "cancel": {"error": "Cancel is already requested for this order"}}
    ]
    assert api.panel.orders[order_id].status == CANCELED
    assert api.panel.account(ALICE).balance == Decimal("100")


async def test_cancel_refusals_per_order(api: Api) -> None:
    no_cancel = await api.place(service=2, quantity=100)
    done = await api.place()
    api.panel.set_status(done, COMPLETED)

    answer = await api("cancel", orders=f"{no_cancel},{done},5")

    assert answer == [
        {"order": no_cancel, "cancel": {"error": "Cancel is disabled for this service"}},
        {"order": done, "cancel": {"error": "Order cannot be canceled"}},
        {"order": 5, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert await api("cancel", order=done) == {"error": "Incorrect order ID"}


async def test_balance_in_the_account_currency(api: Api) -> None:
    api.panel.add_account("key-eur", balance=Decimal("12.3456789"), currency="EUR")

    assert await api("balance") == {"balance": "100.00000", "currency": "USD"}
    assert await api("balance", key="key-eur") == {"balance": "12.34568", "currency": "EUR"}


async def test_unknown_key_and_unknown_action(api: Api) -> None:
    assert await api("balance", key="key-nobody") == {"error": "Invalid API key"}
    assert await api("services", key="") == {"error": "Invalid API key"}
    assert await api("orders") == {"error": "Incorrect request"}


async def test_account_key_stays_out_of_reprs(api: Api) -> None:
    order_id = await api.place()

    assert ALICE not in repr(api.panel.account(ALICE))
    assert ALICE not in repr(api.panel.orders[order_id])
    with pytest.raises(KeyError) as error:
        api.panel.account("key-secret")
    assert "key-secret" not in str(error.value)


async def test_auto_advance_moves_orders_and_refills_over_time(api: Api) -> None:
    async with SandboxPanel(auto_advance=0.01) as panel:
        panel.add_account(ALICE, balance=Decimal("10"))
        auto = Api(panel, api.session)
        order_id = await auto.place()
        # Each status answer is awaited; the loop ends when the ticker has done its work.
        while (await auto("status", order=order_id))["status"] != COMPLETED:
            pass
        refill_id = (await auto("refill", order=order_id))["refill"]
        while (await auto("refill_status", refill=refill_id))["status"] != COMPLETED:
            pass


async def test_linkless_orders_share_the_username_rule(api: Api) -> None:
    params: dict[str, Any] = {
        "service": 16, "username": "durov", "min": 100, "max": 200, "delay": 0
    }
    await api("add", **params)

    assert await api("add", **params) == {
        "error": "You have active order with this link. Please wait until order being completed."
    }
    assert LINK not in {order.target for order in api.panel.orders.values()}
