"""The harness runs a real PTB Application by long polling; users talk to it end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotHarness
from tests.support_tests.tiny_bot import run_tiny_bot


async def test_start_press_and_edit_round_trip(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
        alice = h.user(1001, first_name="Alice <3")

        await alice.send("/start")
        greeting = await alice.expect_message(contains="Welcome, Alice <3!", kind="sent")
        query_id = await alice.press(greeting, "✅ Confirm")
        confirmed = await alice.expect_message(kind="edited")

        assert greeting.buttons == [[("✅ Confirm", "confirm"), ("Cancel", "cancel")]]
        assert "<b>Alice &lt;3</b>" in greeting.html
        assert (confirmed.message_id, confirmed.text, confirmed.buttons) == (
            greeting.message_id,
            "Confirmed ✅",
            [],
        )
        await h.fake.wait_for_call("answerCallbackQuery", callback_query_id=query_id)
        assert h.fake.callback_answers[query_id].text == "Done"
        assert h.fake.bot_commands("en") == [("start", "Start the bot")]


async def test_deleted_message_is_an_event(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
        alice = h.user(1001)
        await alice.send("/start")
        greeting = await alice.expect_message(contains="Welcome")

        await alice.press(greeting, "Cancel")
        await alice.expect_deleted(greeting)

        assert alice.current(greeting).deleted
        with pytest.raises(AssertionError, match="was deleted"):
            await alice.press(greeting, "✅ Confirm")


async def test_restart_keeps_state_on_disk(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
        alice = h.user(1001)
        await alice.send("/start")
        await alice.expect_message(contains="Visit #1")
        first_app = h.app

        await h.restart()
        await alice.send("/start")

        await alice.expect_message(contains="Visit #2")
        assert h.app is not first_app
        assert h.fake.pending_updates <= 1  # the first app confirmed what it fetched before stopping


async def test_group_messages_get_no_answer(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
        alice = h.user(1001)
        group = h.group(-1001234567890, title="Friends")

        await alice.send("/start", chat=group)
        await alice.send("/start")
        await alice.expect_message(contains="Welcome")

        # The tiny bot handles updates one at a time, so the group one is done by now.
        group.assert_no_new_events()
        assert h.fake.calls_to("getUpdates")


async def test_expect_message_timeout_shows_the_transcript(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
        alice = h.user(1001, first_name="Alice")
        await alice.send("/start")
        await alice.expect_message(contains="Welcome")

        with pytest.raises(AssertionError) as raised:
            await alice.expect_message(contains="never sent", timeout=0.2)

    report = str(raised.value)
    assert "containing 'never sent'" in report
    assert "Alice: /start" in report
    assert "bot #2: Welcome, Alice! Visit #1" in report
    assert "[✅ Confirm] [Cancel]" in report


async def test_malformed_requests_fail_the_test_on_exit(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="sendMessage: Bad Request: can't parse entities") as raised:
        async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
            await h.user(1001).send("/broken")
            await h.fake.wait_for_call("sendMessage", chat_id=1001)
            # Stopping the bot waits for the handler, so PTB has logged its exception by the check.

    assert "No error handlers are registered" in str(raised.value)


async def test_error_logs_fail_the_test_on_exit(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="tiny_bot: something went wrong for chat 1001"):
        async with BotHarness.start(tmp_path, runner=run_tiny_bot) as h:
            alice = h.user(1001)
            await alice.send("/oops")
            await alice.expect_message(contains="Sorry")


async def test_intended_failures_can_be_allowed(tmp_path: Path) -> None:
    async with BotHarness.start(
        tmp_path, runner=run_tiny_bot, allow_client_errors=True, allow_error_logs=True
    ) as h:
        alice = h.user(1001)
        await alice.send("/oops")
        await alice.expect_message(contains="Sorry")

        assert [record.getMessage() for record in h.error_logs] == ["something went wrong for chat 1001"]


async def test_settings_come_from_arguments_only(
    tmp_path: Path, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_IDS", "42")
    monkeypatch.setenv("SMM_API_URL", "https://smm.plus/api/v2")

    async with BotHarness.start(
        tmp_path, fake=fake_telegram, runner=run_tiny_bot, default_language="ru"
    ) as h:
        assert h.settings.admin_ids == frozenset()
        assert h.settings.smm_api_url.startswith("http://127.0.0.1")
        assert h.settings.telegram_base_url == fake_telegram.base_url
        assert h.settings.database_path == tmp_path / "bot.sqlite3"
        assert h.settings.default_language == "ru"

        await h.restart(admin_ids="7")

        assert h.settings.admin_ids == frozenset({7})
        assert h.settings.default_language == "ru"
