"""The frame every user meets first: /start, /help, /language, /cancel and the fallbacks."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.support.fake_telegram import FakeTelegram
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness


async def test_start_greets_and_shows_the_menu(harness: BotHarness) -> None:
    alice = harness.user(1001, first_name="Alice <3", language_code="en")
    await alice.send("/start")
    welcome = await alice.expect_message(contains="Alice <3")
    assert "connect" in welcome.text.lower()  # no key and no shared access: say how to connect
    assert len(welcome.button_texts) >= 4


async def test_shared_key_users_are_not_told_to_connect(
    tmp_path: Path, fake_telegram: FakeTelegram, sandbox: SandboxPanel
) -> None:
    async with BotHarness.start(
        tmp_path, panel=sandbox, fake=fake_telegram, smm_api_key=SANDBOX_API_KEY, allowed_user_ids="*"
    ) as harness:
        bob = harness.user(1002, first_name="Bob")
        await bob.send("/start")
        welcome = await bob.expect_message(contains="Bob")
        assert "/connect" not in welcome.text


async def test_language_comes_from_telegram_then_from_the_choice(harness: BotHarness) -> None:
    olga = harness.user(1003, first_name="Olga", language_code="ru")
    await olga.send("/help")
    russian_help = await olga.expect_message()
    assert "/order" in russian_help.text and "Команды" in russian_help.text

    await olga.send("/language")
    picker = await olga.expect_message()
    assert {"English", "한국어", "Русский"} <= set(picker.button_texts)
    await olga.press(picker, "한국어")
    await olga.expect_message(contains="한국어", kind="edited")
    # The per-chat command menu follows the chosen language.
    await harness.fake.wait_for_call("setMyCommands", scope={"type": "chat", "chat_id": 1003})

    await harness.restart()
    await olga.send("/help")
    korean_help = await olga.expect_message()
    assert "/order" in korean_help.text and korean_help.text != russian_help.text
    assert any("\uac00" <= char <= "\ud7a3" for char in korean_help.text)


async def test_unknown_telegram_language_falls_back_to_default(
    tmp_path: Path, fake_telegram: FakeTelegram, sandbox: SandboxPanel
) -> None:
    async with BotHarness.start(tmp_path, panel=sandbox, fake=fake_telegram, default_language="ko") as harness:
        hans = harness.user(1004, language_code="de")
        await hans.send("/cancel")
        answer = await hans.expect_message()
        assert any("\uac00" <= char <= "\ud7a3" for char in answer.text)


async def test_command_menu_is_set_for_every_language(harness: BotHarness) -> None:
    english = dict(harness.fake.bot_commands("en"))
    korean = dict(harness.fake.bot_commands("ko"))
    russian = dict(harness.fake.bot_commands("ru"))
    default = dict(harness.fake.bot_commands())
    for menu in (english, korean, russian, default):
        assert {"order", "orders", "status", "balance", "connect", "help", "cancel"} <= set(menu)
    assert english["order"] != korean["order"] != russian["order"]


async def test_stickers_unknown_commands_and_free_text_get_an_answer(harness: BotHarness) -> None:
    carl = harness.user(1005)
    await carl.send_sticker()
    assert "text" in (await carl.expect_message()).text.lower()
    await carl.send("/frobnicate")
    assert "/help" in (await carl.expect_message()).text
    await carl.send("hello?")
    await carl.expect_message(contains="What would you like to do?")


async def test_cancel_says_whether_there_was_anything_to_leave(harness: BotHarness) -> None:
    dana = harness.user(1006)
    await dana.send("/cancel")
    await dana.expect_message(contains="nothing to cancel")


async def test_stale_and_forged_buttons_get_a_notice(harness: BotHarness) -> None:
    erin = harness.user(1007)
    await erin.send("/start")
    menu = await erin.expect_message()
    for forged in ("zzz:1", "lang:xx", "lang", "", "menu:" + "9" * 40):
        query_id = await erin.press_data(menu, forged)
        await harness.fake.wait_for_call("answerCallbackQuery", callback_query_id=query_id)
        answer = harness.fake.callback_answers[query_id]
        assert answer.show_alert and "out of date" in (answer.text or "")


async def test_group_chats_get_one_notice_then_silence(harness: BotHarness) -> None:
    frank = harness.user(1008)
    group = harness.group(-100123, title="Friends")
    await frank.send("/start", chat=group)
    notice = await group.expect_message(contains="private")
    assert "@" in notice.text
    await frank.send("/order", chat=group)
    await frank.send("/help", chat=group)
    # Something the bot does answer in a private chat proves the group updates were processed.
    await frank.send("/cancel")
    await frank.expect_message()
    await harness.fake.wait_until(lambda: not harness.fake.pending_updates, timeout=5)
    group.assert_no_new_events()


async def test_a_failure_after_a_button_was_answered_is_told_in_the_chat(
    tmp_path: Path, fake_telegram: FakeTelegram, sandbox: SandboxPanel
) -> None:
    """Buttons answer before slow work, so the failure cannot be an alert any more: a message
    says it instead of leaving the user looking at a half-changed screen."""
    settings = {"smm_api_key": SANDBOX_API_KEY, "allowed_user_ids": "*"}
    async with BotHarness.start(
        tmp_path, panel=sandbox, fake=fake_telegram, allow_error_logs=True, allow_client_errors=True, **settings
    ) as harness:
        gina = harness.user(1008)
        await gina.send("/order 2")
        card = await gina.expect_message(contains="Instagram Followers [No refill]")
        fake_telegram.inject_error("editMessageText", error_code=502, description="Bad Gateway")
        await gina.press(card, "🛒 Order")
        await gina.expect_message(contains="Something went wrong", kind="sent")
        [failure] = harness.error_logs
        assert failure.getMessage() == "update failed: NetworkError"
