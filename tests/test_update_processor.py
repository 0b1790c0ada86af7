"""PerChatUpdateProcessor: one chat's updates one at a time and in order, chats side by side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Chat, Message, Update, User

from bot.update_processor import PerChatUpdateProcessor, serial_key

_update_ids = iter(range(1, 1_000_000))


def message_update(chat_id: int) -> Update:
    """A private-chat text message from user `chat_id`."""
    user = User(chat_id, f"User{chat_id}", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    update_id = next(_update_ids)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="hi"))  # type: ignore[arg-type]


@pytest.fixture
async def processor() -> AsyncIterator[PerChatUpdateProcessor]:
    async with PerChatUpdateProcessor(16) as running:
        yield running


def test_updates_are_keyed_by_chat_then_user() -> None:
    assert serial_key(message_update(42)) == 42
    assert serial_key(Update(1)) is None
    assert serial_key("not an update") is None


async def test_one_chats_updates_run_one_at_a_time_in_arrival_order(processor: PerChatUpdateProcessor) -> None:
    log: list[str] = []
    release_first = asyncio.Event()
    first_started = asyncio.Event()

    async def handle(name: str) -> None:
        log.append(f"{name} start")
        if name == "1":
            first_started.set()
            await release_first.wait()
        log.append(f"{name} end")

    tasks = [
        asyncio.create_task(processor.process_update(message_update(7), handle(str(number))))
        for number in range(1, 5)
    ]
    await first_started.wait()
    # The other tasks ran (the event loop is FIFO) and got as far as the chat's turn: had they
    # been let through, they would have logged their start before we got here.
    assert log == ["1 start"]
    assert not any(task.done() for task in tasks)
    release_first.set()
    await asyncio.gather(*tasks)
    assert log == ["1 start", "1 end", "2 start", "2 end", "3 start", "3 end", "4 start", "4 end"]


async def test_another_chat_is_not_held_up_by_a_busy_one(processor: PerChatUpdateProcessor) -> None:
    slow_started = asyncio.Event()
    release_slow = asyncio.Event()
    done: list[int] = []

    async def slow() -> None:
        slow_started.set()
        await release_slow.wait()
        done.append(1)

    async def quick(chat_id: int) -> None:
        done.append(chat_id)

    busy = asyncio.create_task(processor.process_update(message_update(1), slow()))
    await slow_started.wait()
    await asyncio.gather(*(processor.process_update(message_update(chat), quick(chat)) for chat in (2, 3)))
    assert done == [2, 3]  # answered while chat 1 is still waiting
    assert not busy.done()
    release_slow.set()
    await busy
    assert done == [2, 3, 1]


async def test_a_failing_update_does_not_block_its_chat(processor: PerChatUpdateProcessor) -> None:
    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def succeed() -> str:
        return "ok"

    with pytest.raises(RuntimeError):
        await processor.process_update(message_update(9), fail())
    await asyncio.wait_for(processor.process_update(message_update(9), succeed()), timeout=1)


async def test_idle_chats_are_forgotten(processor: PerChatUpdateProcessor) -> None:
    async def nothing() -> None:
        return None

    await asyncio.gather(*(processor.process_update(message_update(chat), nothing()) for chat in range(50)))
    assert processor._locks == {} and processor._waiting == {}


async def test_a_chat_with_many_queued_updates_does_not_starve_other_chats() -> None:
    """Updates waiting for their chat's turn must not use up the concurrency limit."""
    release_slow = asyncio.Event()
    other_chat_done = asyncio.Event()

    async def slow() -> None:
        await release_slow.wait()

    async def other() -> None:
        other_chat_done.set()

    async with PerChatUpdateProcessor(2) as limited:
        queued = [
            asyncio.create_task(limited.process_update(message_update(1), slow())) for _ in range(5)
        ]
        helped = asyncio.create_task(limited.process_update(message_update(2), other()))
        await asyncio.wait_for(other_chat_done.wait(), timeout=5)
        assert limited.current_concurrent_updates == 1  # only chat 1's first update is running
        release_slow.set()
        await asyncio.gather(*queued, helped)
        assert limited.current_concurrent_updates == 0
