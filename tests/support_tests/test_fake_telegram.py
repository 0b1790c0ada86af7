"""The fake answers real PTB calls like the Bot API, refusals and injected faults included."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest
import telegram
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, RetryAfter

from tests.support.cut_off_request import send_cut_off_request
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TEST_BOT_TOKEN

ALICE = 1001


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in buttons]])


async def test_get_me_describes_the_bot_of_the_token(bot: telegram.Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "smm_test_bot")


async def test_html_message_is_stored_as_plain_text_with_entities(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE, first_name="Alice")

    sent = await bot.send_message(
        ALICE, "  <b>Hi</b> &amp; welcome\n", parse_mode=ParseMode.HTML, reply_markup=keyboard(("Go", "go"))
    )

    assert sent.text == "Hi & welcome"
    assert sent.text_html == "<b>Hi</b> &amp; welcome"
    message = alice.last_message()
    assert (message.message_id, message.text, message.html) == (
        sent.message_id,
        "Hi & welcome",
        "  <b>Hi</b> &amp; welcome\n",
    )
    assert message.buttons == [[("Go", "go")]]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", "Can't parse entities: can't find end tag corresponding to start tag \"b\""),
        ("Tom & Jerry", "Can't parse entities: unsupported character reference"),
        ("", "Message text is empty"),
        ("  <b> </b>\n", "Message text is empty"),
        ("x" * 4097, "Message is too long"),
        ("<b>" + "x" * 4097 + "</b>", "Message is too long"),
    ],
)
async def test_bad_texts_are_refused(
    fake_telegram: FakeTelegram, bot: telegram.Bot, text: str, error: str
) -> None:
    fake_telegram.user(ALICE)

    with pytest.raises(BadRequest) as raised:
        await bot.send_message(ALICE, text, parse_mode=ParseMode.HTML)

    assert raised.value.message.startswith(error)
    assert fake_telegram.client_errors[-1].method == "sendMessage"


async def test_length_limit_counts_text_after_markup(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)

    await bot.send_message(ALICE, "<b>" + "я" * 4096 + "</b>", parse_mode=ParseMode.HTML)

    assert len(alice.last_message().text) == 4096
    assert fake_telegram.client_errors == []


async def test_callback_data_is_limited_to_64_utf8_bytes(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    fake_telegram.user(ALICE)
    await bot.send_message(ALICE, "ok", reply_markup=keyboard(("A", "é" * 32)))

    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALICE, "too much", reply_markup=keyboard(("A", "é" * 32 + "x")))


async def test_buttons_need_text_and_an_action(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.user(ALICE)

    with pytest.raises(BadRequest, match="Button_text_invalid"):
        await bot.send_message(ALICE, "x", reply_markup=keyboard((" ", "data")))
    with pytest.raises(BadRequest, match="text buttons are unallowed in the inline keyboard"):
        await bot.send_message(
            ALICE, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("plain")]])
        )


async def test_unknown_chat_is_refused(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")


async def test_edits_replace_the_message_and_its_keyboard(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE)
    sent = await bot.send_message(ALICE, "Step 1", reply_markup=keyboard(("Next", "next")))

    await bot.edit_message_text("<i>Step 2</i>", ALICE, sent.message_id, parse_mode=ParseMode.HTML)
    after_text_edit = alice.current(sent.message_id)
    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=keyboard(("Back", "back")))

    assert (after_text_edit.text, after_text_edit.buttons, after_text_edit.version) == ("Step 2", [], 1)
    final = alice.current(sent.message_id)
    assert (final.text, final.html, final.buttons, final.version) == (
        "Step 2",
        "<i>Step 2</i>",
        [[("Back", "back")]],
        2,
    )
    assert [event.kind for event in alice.events] == ["sent", "edited", "edited"]


async def test_identical_edit_is_not_modified(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.user(ALICE)
    markup = keyboard(("Next", "next"))
    sent = await bot.send_message(ALICE, "<b>Same</b>", parse_mode=ParseMode.HTML, reply_markup=markup)

    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "<strong>Same</strong>", ALICE, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=markup)

    assert fake_telegram.client_errors == []  # a race the bot may meet, not a malformed request


async def test_unknown_messages_cannot_be_edited_or_deleted(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE)
    sent = await bot.send_message(ALICE, "bye")

    assert await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("again", ALICE, sent.message_id)
    assert alice.current(sent.message_id).deleted
    assert [event.kind for event in alice.events] == ["sent", "deleted"]


async def test_callback_query_can_be_answered_once(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    await bot.send_message(ALICE, "Pick", reply_markup=keyboard(("✅ Confirm", "ok:1")))
    query_id = await alice.press(alice.last_message(), "Confirm", partial=True)

    await bot.answer_callback_query(query_id, "Saved", show_alert=True)
    with pytest.raises(
        BadRequest, match="Query is too old and response timeout expired or query id is invalid"
    ):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")

    answer = fake_telegram.callback_answers[query_id]
    assert (answer.text, answer.show_alert) == ("Saved", True)
    updates = await bot.get_updates()
    assert updates[-1].callback_query
    assert updates[-1].callback_query.data == "ok:1"


async def test_blocked_user_answers_forbidden_until_unblocked(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    fake_telegram.user(ALICE)
    fake_telegram.block_user(ALICE)

    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(ALICE, "hello")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALICE, "typing")
    fake_telegram.unblock_user(ALICE)

    await bot.send_message(ALICE, "hello again")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter.__str__
async def test_rate_limit_answers_retry_after(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.user(ALICE)
    fake_telegram.user(1002)
    fake_telegram.rate_limit(times=2, retry_after=7, chat_id=ALICE)

    await bot.send_message(1002, "other chats are not limited")
    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
            await bot.send_message(ALICE, "hello")
    await bot.send_message(ALICE, "limit is over")

    limited = [call for call in fake_telegram.calls_to("sendMessage") if call.error_code == 429]
    assert [call.description for call in limited] == ["Too Many Requests: retry after 7"] * 2


async def test_unknown_methods_answer_not_found_and_are_recorded(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    with pytest.warns(UserWarning, match="Bot.sendDice"), pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendDice", {"chat_id": ALICE})

    assert [(call.method, call.error_code) for call in fake_telegram.unknown_calls] == [("sendDice", 404)]


async def test_commands_are_stored_per_language_and_scope(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("orders", "My orders")])
    await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")

    assert fake_telegram.bot_commands() == [("start", "Start"), ("orders", "My orders")]
    assert fake_telegram.bot_commands("ru") == [("start", "Начать")]
    assert [command.command for command in await bot.get_my_commands(language_code="ru")] == ["start"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Capitals are refused")])
    await bot.delete_my_commands(language_code="ru")
    assert fake_telegram.bot_commands("ru") == []


async def test_json_bodies_with_nested_json_strings_are_understood(fake_telegram: FakeTelegram) -> None:
    alice = fake_telegram.user(ALICE)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    url = f"{fake_telegram.base_url}{TEST_BOT_TOKEN}/sendMessage"

    async with aiohttp.ClientSession() as session:
        as_object = {"chat_id": ALICE, "text": "object", "reply_markup": markup}
        async with session.post(url, json=as_object) as response:
            assert (await response.json())["ok"]
        as_string = {"chat_id": str(ALICE), "text": "string", "reply_markup": json.dumps(markup)}
        async with session.post(url, json=as_string) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        async with session.post(url, json={"chat_id": ALICE, "text": "<b>x"}) as response:
            assert response.status == 200  # no parse_mode: tags are plain text
        async with session.post(
            url, json={"chat_id": ALICE, "text": "<b>x", "parse_mode": "HTML"}
        ) as response:
            body = await response.json()

    assert response.status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": (
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
        ),
    }
    assert [message.buttons for message in alice.messages] == [[[("Go", "go")]], [[("Go", "go")]], []]


async def test_a_request_the_client_abandons_is_recorded_not_logged_as_an_error(
    fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)

    await send_cut_off_request(f"{fake_telegram.base_url}{TEST_BOT_TOKEN}/getUpdates", "offset=1&timeo")

    assert fake_telegram.abandoned == ["getUpdates"]
    assert fake_telegram.calls == []
    assert caplog.records == []
