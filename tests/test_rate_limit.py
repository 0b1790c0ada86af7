"""The rate limiter: 429s retried for every request, pacing for bulk sends only.

The limiter is driven directly with a recording callback in place of the HTTP call, as
PTB's `ExtBot` drives it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.rate_limit import BULK, BulkRateLimiter, Pacing


class Api:
    """Stands in for the Bot API call: records each call, answers 429 while told to."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.calls: list[tuple[int, float]] = []
        self.called = asyncio.Event()

    async def send(self, chat_id: int) -> bool:
        self.calls.append((chat_id, asyncio.get_running_loop().time()))
        self.called.set()
        if self.refusals:
            self.refusals -= 1
            raise RetryAfter(0)
        return True


async def request(limiter: BulkRateLimiter, api: Api, chat_id: int, pacing: Pacing | None) -> Any:
    return await limiter.process_request(
        callback=api.send,
        args=(chat_id,),
        kwargs={},
        endpoint="sendMessage",
        data={"chat_id": chat_id, "text": "hi"},
        rate_limit_args=pacing,
    )


@pytest.mark.parametrize("pacing", [None, BULK])
async def test_a_429_is_retried_after_the_wait_it_names(pacing: Pacing | None) -> None:
    api = Api(refusals=2)

    assert await request(BulkRateLimiter(per_chat_interval=0.1, max_retries=2), api, 1, pacing) is True

    times = [at for _, at in api.calls]
    assert len(times) == 3
    # RetryAfter(0) plus the margin: each retry waits a tenth of a second.
    assert all(later - earlier >= 0.1 for earlier, later in zip(times, times[1:], strict=False))


async def test_retries_are_bounded() -> None:
    api = Api(refusals=10)

    with pytest.raises(RetryAfter):
        await request(BulkRateLimiter(max_retries=2), api, 1, None)

    assert len(api.calls) == 3


async def test_a_reply_is_not_held_behind_bulk_sends() -> None:
    limiter = BulkRateLimiter(overall_max_rate=1)  # one bulk send now, the next a second later
    bulk_api, reply_api = Api(), Api()
    burst = [asyncio.create_task(request(limiter, bulk_api, chat_id, BULK)) for chat_id in range(1, 6)]
    await bulk_api.called.wait()

    assert await request(limiter, reply_api, 42, None) is True

    assert len(bulk_api.calls) == 1, "the reply went ahead of the queued bulk sends"
    for task in burst:
        task.cancel()
    await asyncio.gather(*burst, return_exceptions=True)


async def test_bulk_sends_to_one_chat_are_spaced_while_other_chats_go_on() -> None:
    limiter = BulkRateLimiter(per_chat_interval=0.2)
    api = Api()

    await asyncio.gather(*(request(limiter, api, chat_id, BULK) for chat_id in (1, 1, 2)))

    assert [chat_id for chat_id, _ in api.calls] == [1, 2, 1]
    first, second = [at for chat_id, at in api.calls if chat_id == 1]
    assert second - first >= 0.19


async def test_a_429_on_a_bulk_send_holds_back_the_other_bulk_sends_only() -> None:
    limiter = BulkRateLimiter()
    refused, waiting, reply = Api(refusals=1), Api(), Api()
    first = asyncio.create_task(request(limiter, refused, 1, BULK))
    await refused.called.wait()  # refused with RetryAfter(0): bulk sends pause 0.1 s
    second = asyncio.create_task(request(limiter, waiting, 2, BULK))

    assert await request(limiter, reply, 3, None) is True
    assert waiting.calls == [], "the bulk send waits out the pause; the reply did not"
    await asyncio.gather(first, second)
    assert waiting.calls[0][1] - refused.calls[0][1] >= 0.1
