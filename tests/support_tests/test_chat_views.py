"""expect_* reads a chat's events in order; press acts on a message's current keyboard."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.fake_telegram import FakeTelegram

ALICE = 1001


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


async def test_events_are_consumed_in_order(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    first = await bot.send_message(ALICE, "first")
    await bot.send_message(ALICE, "second")
    await bot.edit_message_text("first, edited", ALICE, first.message_id)

    assert (await alice.next_event()).message.text == "first"
    edited = await alice.expect_message(kind="edited")
    alice.assert_no_new_events()

    assert (edited.message_id, edited.text, edited.version) == (first.message_id, "first, edited", 1)
    assert [message.text for message in alice.messages] == ["first, edited", "second"]


async def test_expect_message_skips_to_the_match(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    for text in ("loading…", "still loading…", "Done: 3 items"):
        await bot.send_message(ALICE, text)

    done = await alice.expect_message(predicate=lambda message: message.text.startswith("Done"))

    assert done.text == "Done: 3 items"
    alice.assert_no_new_events()
    with pytest.raises(AssertionError, match="no bot message"):
        await alice.expect_message(timeout=0.05)


async def test_snapshots_keep_the_past_while_current_follows_edits(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE)
    sent = await bot.send_message(ALICE, "Choose", reply_markup=keyboard("Old"))
    snapshot = await alice.expect_message(contains="Choose")
    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=keyboard("New", "Newer"))

    assert snapshot.buttons == [[("Old", "old")]]
    assert alice.current(snapshot).buttons == [[("New", "new"), ("Newer", "newer")]]
    with pytest.raises(AssertionError, match="no button 'Old'"):
        await alice.press(snapshot, "Old")
    with pytest.raises(AssertionError, match="matches several buttons"):
        await alice.press(snapshot, "Ne", partial=True)


async def test_press_and_press_data_queue_callback_queries(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    alice = fake_telegram.user(ALICE, first_name="Alice", language_code="de")
    await bot.send_message(ALICE, "Pick", reply_markup=keyboard("Yes"))
    message = await alice.expect_message()

    pressed = await alice.press(message, "Yes")
    crafted = await alice.press_data(message, "svc:999999")
    updates = await bot.get_updates()

    queries = [update.callback_query for update in updates if update.callback_query]
    assert [(query.id, query.data) for query in queries] == [(pressed, "yes"), (crafted, "svc:999999")]
    assert queries[0].from_user.language_code == "de"
    assert queries[0].message
    assert queries[0].message.message_id == message.message_id


async def test_group_messages_carry_the_group_chat(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    group = fake_telegram.group(-1001, title="Friends")

    await alice.send("/start@smm_test_bot", chat=group)
    await alice.send_sticker()
    updates = await bot.get_updates()
    await bot.send_message(-1001, "This bot works in private chats only")

    group_message, sticker_message = (update.message for update in updates)
    assert group_message
    assert group_message.chat.type == "supergroup"
    assert group_message.from_user
    assert group_message.from_user.id == ALICE
    assert group_message.entities[0].length == len("/start@smm_test_bot")
    assert sticker_message
    assert sticker_message.sticker
    assert sticker_message.text is None
    assert (await group.expect_message()).text == "This bot works in private chats only"
    alice.assert_no_new_events()


async def test_bot_may_delete_the_users_message(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    alice = fake_telegram.user(ALICE)
    sent = await alice.send("my secret api key")

    with pytest.raises(telegram.error.BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("no", ALICE, sent["message_id"])
    assert await bot.delete_message(ALICE, sent["message_id"])
    assert "bot deleted the user's message" in alice.transcript()
