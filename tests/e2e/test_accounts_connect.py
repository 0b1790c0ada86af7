"""/connect, /disconnect and /balance with a personal key: checked, deleted, encrypted, never shown."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest

from bot.sandbox import Fault, SandboxPanel
from tests.e2e.order_walk_support import bot_settings
from tests.e2e.orders_support import ALICE, Shop, open_shop, with_balance
from tests.support.fake_chats import SimulatedUser
from tests.support.harness import BotHarness

GOOD_KEY = "alice-personal-key-7f3a9c1e5b"
BAD_KEY = "not-a-known-key-0123456789"


@pytest.fixture
async def shop(tmp_path: Path, sandbox: SandboxPanel) -> Shop:
    with_balance(sandbox, GOOD_KEY, "42.50")
    async with open_shop(tmp_path, sandbox, allowed_user_ids="") as running:
        yield running


def assert_never_shown(user: SimulatedUser, *secrets: str) -> None:
    """No bot message in the chat, in any version, carries a secret or a part of it."""
    for event in user.events:
        for secret in secrets:
            for part in (secret, secret[:8], secret[-8:]):
                assert part not in event.message.text, f"the bot showed a key: {event.message.text!r}"


def database_bytes(shop: Shop) -> bytes:
    path = shop.services.db.path
    return b"".join(file.read_bytes() for file in path.parent.glob(path.name + "*"))


async def test_a_good_key_is_checked_deleted_stored_encrypted_and_used(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    await alice.send("/connect")
    prompt = await alice.expect_message(contains="API key")
    assert "127.0.0.1" in prompt.text  # names the panel by its host

    sent = await alice.send(GOOD_KEY)
    await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    done = await alice.expect_message(contains="connected")
    assert "$42.50" in done.text

    account = await shop.services.db.accounts.personal_for(ALICE)
    assert account is not None and account.connected and account.balance == Decimal("42.50")
    assert GOOD_KEY.encode() not in database_bytes(shop)
    assert await shop.services.db.drafts.get(ALICE) is None

    await alice.send("/balance")
    balance = await alice.expect_message(contains="$42.50")
    assert "your own" in balance.text
    assert_never_shown(alice, GOOD_KEY)


async def test_connect_with_the_key_in_the_command_deletes_that_message(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    sent = await alice.send(f"/connect {GOOD_KEY}")
    await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    await alice.expect_message(contains="connected")
    assert_never_shown(alice, GOOD_KEY)


async def test_a_bad_key_is_refused_and_not_stored_and_the_next_try_works(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    await alice.send("/connect")
    await alice.expect_message(contains="API key")
    sent = await alice.send(BAD_KEY)
    await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    await alice.expect_message(contains="didn't accept")
    assert await shop.services.db.accounts.personal_for(ALICE) is None

    await alice.send(GOOD_KEY)  # still asked for a key
    await alice.expect_message(contains="connected")
    assert_never_shown(alice, BAD_KEY, GOOD_KEY)


async def test_a_key_message_that_cannot_be_deleted_is_not_echoed(shop: Shop) -> None:
    shop.harness.fake.inject_error(
        "deleteMessage", error_code=400, description="Bad Request: message can't be deleted for everyone"
    )
    alice = shop.harness.user(ALICE)
    await alice.send(f"/connect {GOOD_KEY}")
    await alice.expect_message(contains="connected")
    await alice.expect_message(contains="delete it yourself")
    assert_never_shown(alice, GOOD_KEY)


async def test_text_that_is_no_key_and_a_silent_panel_store_nothing(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    await alice.send("/connect my key is secret")
    await alice.expect_message(contains="doesn't look like an API key")

    shop.panel.inject(Fault.HTML_503, times=None, action="balance")
    await alice.send(GOOD_KEY)
    await alice.expect_message(contains="isn't responding")
    assert await shop.services.db.accounts.personal_for(ALICE) is None
    assert await shop.services.db.drafts.get(ALICE) is None


async def test_a_key_pasted_without_connect_is_deleted_checked_and_connected(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    sent = await alice.send(GOOD_KEY)
    await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    done = await alice.expect_message(contains="connected")
    assert "$42.50" in done.text
    account = await shop.services.db.accounts.personal_for(ALICE)
    assert account is not None and account.connected
    assert await shop.services.db.drafts.get(ALICE) is None

    sent = await alice.send(BAD_KEY)  # refused: asked again, as inside /connect
    await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    await alice.expect_message(contains="didn't accept")
    await alice.send("/cancel")
    await alice.expect_message(contains="Cancelled")
    assert_never_shown(alice, GOOD_KEY, BAD_KEY)


async def test_words_links_and_numbers_outside_a_dialog_are_not_taken_for_keys(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    balance_requests = shop.panel.count("balance")
    for text in ("thanks!!!", "https://instagram.com/p/Cx7a9b2LmQ1", "23501234567890123456", "hello_there_friends"):
        await alice.send(text)
        await alice.expect_message(contains="What would you like to do?")
    assert shop.harness.fake.calls_to("deleteMessage") == []
    assert shop.panel.count("balance") == balance_requests


async def test_disconnect_forgets_the_key(shop: Shop) -> None:
    alice = shop.harness.user(ALICE)
    await alice.send(f"/connect {GOOD_KEY}")
    await alice.expect_message(contains="connected")

    await alice.send("/disconnect")
    await alice.expect_message(contains="disconnected")
    account = await shop.services.db.accounts.personal_for(ALICE)
    assert account is not None and not account.connected and account.key_ciphertext is None

    await alice.send("/balance")
    answer = await alice.expect_message(contains="/connect")
    assert answer.button_texts == ["🔑 Connect account"]
    await alice.send("/disconnect")
    await alice.expect_message(contains="no connected account")


async def test_the_key_never_reaches_a_log_line(shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    alice = shop.harness.user(ALICE)
    await alice.send(f"/connect {GOOD_KEY}")
    await alice.expect_message(contains="connected")
    await alice.send("/connect")
    await alice.expect_message(contains="API key")
    await alice.send(BAD_KEY)
    await alice.expect_message(contains="didn't accept")
    await alice.send(GOOD_KEY)
    await alice.expect_message(contains="connected")

    assert any("Processing update" in record.getMessage() for record in caplog.records)  # DEBUG was on
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert GOOD_KEY not in text and BAD_KEY not in text, f"{record.name}: {text[:300]}"


@pytest.mark.parametrize("how", ["typed while browsing", "as /order's words"])
async def test_a_key_pasted_into_the_catalog_search_is_taken_not_searched(
    tmp_path: Path, sandbox: SandboxPanel, how: str
) -> None:
    with_balance(sandbox, GOOD_KEY, "42.50")
    async with open_shop(tmp_path, sandbox, allowed_user_ids="*") as shop:
        alice = shop.harness.user(ALICE)
        if how == "typed while browsing":
            await alice.send("/order")  # typed words now search the catalog
            await alice.expect_message(contains="category")
            sent = await alice.send(GOOD_KEY)
        else:
            sent = await alice.send(f"/order {GOOD_KEY}")
        await shop.harness.fake.wait_for_call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
        await alice.expect_message(contains="connected")
        draft = await shop.services.db.drafts.get(ALICE)
        assert draft is None or GOOD_KEY not in str(draft.data)
        assert GOOD_KEY.encode() not in database_bytes(shop)
        assert_never_shown(alice, GOOD_KEY)


async def test_a_key_the_secret_can_no_longer_read_asks_for_connect_never_the_shared_key(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    """After SECRET_KEY changes (or secret.key is lost), a stored key cannot be decrypted: the
    user is asked to connect it again, and is not quietly moved onto the operator's key."""
    with_balance(sandbox, GOOD_KEY, "42.50")
    settings = bot_settings(allowed_user_ids="*", secret_key="the-first-secret-value")
    async with BotHarness.start(tmp_path, panel=sandbox, allow_error_logs=True, **settings) as harness:
        alice = harness.user(ALICE)
        await alice.send(f"/connect {GOOD_KEY}")
        await alice.expect_message(contains="connected")
        await harness.restart(secret_key="another-secret-value")
        [unreadable] = harness.error_logs
        assert "Stored panel keys cannot be decrypted" in unreadable.getMessage()

        await alice.send("/balance")
        answer = await alice.expect_message(contains="/connect")
        assert "$100" not in answer.text  # the shared account's balance
        await alice.send(f"/connect {GOOD_KEY}")
        await alice.expect_message(contains="connected")
        await alice.send("/balance")
        await alice.expect_message(contains="$42.50")
