"""The harness runs the project's own Application against the fake and the sandbox."""

from __future__ import annotations

from tests.support.harness import BotHarness


async def test_real_bot_answers_start_and_survives_a_restart(harness: BotHarness) -> None:
    alice = harness.user(1001, first_name="Alice", language_code="en")

    await alice.send("/start")
    first = await alice.expect_message()
    await harness.restart()
    await alice.send("/start")
    second = await alice.expect_message()

    assert first.text
    assert second.text
    assert second.message_id > first.message_id
