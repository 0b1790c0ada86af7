"""Webhook mode: `python -m bot` with WEBHOOK_URL serves PTB's `run_webhook` on loopback.

Updates are posted the way Telegram posts them; only those carrying the right
`X-Telegram-Bot-Api-Secret-Token` header reach the bot, which answers through the fake Bot API.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import ConfigError
from bot.webhook import webhook_config
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TEST_BOT_TOKEN, IsolatedSettings

SECRET = "webhook-Secret_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALICE = 1001
_update_ids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post_update(http: aiohttp.ClientSession, url: str, message: dict[str, Any], secret: str | None) -> int:
    """POST a message update as Telegram does; return the HTTP status."""
    headers = {} if secret is None else {SECRET_HEADER: secret}
    update = {"update_id": next(_update_ids), "message": message}
    async with http.post(url, json=update, headers=headers) as response:
        return response.status


async def test_only_updates_with_the_secret_reach_the_bot(
    tmp_path: Path, fake_telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    settings = {
        "WEBHOOK_URL": public_url, "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port),
    }
    async with BotProcess.start(tmp_path, fake_telegram, **settings) as bot:
        await bot.wait_for_log("Application started")
        [registration] = fake_telegram.calls_to("setWebhook")
        url = registration.params["url"]
        assert registration.params["secret_token"] == SECRET
        assert url.startswith(public_url + "/") and SECRET not in url and TEST_BOT_TOKEN not in url

        alice = fake_telegram.user(ALICE)
        start = await alice.send("/start")  # also queued for getUpdates, which nobody calls now
        assert await post_update(http, url, start, secret=None) == 403
        assert await post_update(http, url, start, secret="not-the-secret") == 403
        assert await post_update(http, url + "x", start, secret=SECRET) == 404
        help_ = await alice.send("/help")
        assert await post_update(http, url, help_, secret=SECRET) == 200

        # Only /help was answered: the refused /start never reached a handler.
        answer = await alice.expect_message(kind="sent", timeout=10)
        assert "/order" in answer.text
        bot.terminate()
        assert await bot.wait() == 0, bot.log_text
    alice.assert_no_new_events()
    assert not fake_telegram.calls_to("getUpdates")
    assert [line for line in bot.events("update.handled") if "action=/help" in line]
    assert not [line for line in bot.events("update.handled") if "action=/start" in line]
    assert SECRET not in bot.log_text and TEST_BOT_TOKEN not in bot.log_text


async def test_a_malformed_secret_stops_the_bot_with_one_line(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    async with BotProcess.start(
        tmp_path, fake_telegram, WEBHOOK_URL="https://bot.example.com", WEBHOOK_SECRET="has spaces in it"
    ) as bot:
        assert await bot.wait() == 2
    [line] = bot.log_lines
    assert line.startswith("Configuration error: WEBHOOK_SECRET") and "has spaces" not in line
    assert not fake_telegram.calls


def test_without_a_secret_one_is_derived_from_the_token_never_shown() -> None:
    def config(token: str, url: str = "https://bot.example.com/") -> Any:
        return webhook_config(IsolatedSettings(bot_token=SecretStr(token), webhook_url=url))

    first, again, other = config("1:token-a"), config("1:token-a"), config("1:token-b")
    assert first == again  # stable across restarts: Telegram keeps posting to the same place
    assert first.secret_token != other.secret_token and first.url_path != other.url_path
    secret = first.secret_token.get_secret_value()
    assert "token-a" not in secret and secret not in first.webhook_url and secret not in repr(first)
    assert first.webhook_url == f"https://bot.example.com/{first.url_path}"
    assert first.listen == "0.0.0.0" and first.port == 8443


def test_no_webhook_url_means_polling() -> None:
    assert webhook_config(IsolatedSettings(bot_token=SecretStr("1:t"))) is None


@pytest.mark.parametrize("secret", ["x" * 257, "semi;colon", "ünicode"])
def test_a_secret_telegram_would_refuse_is_a_config_error(secret: str) -> None:
    settings = IsolatedSettings(
        bot_token=SecretStr("1:t"), webhook_url="https://a.example", webhook_secret=SecretStr(secret)
    )
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET") as error:
        webhook_config(settings)
    assert secret not in str(error.value)


async def test_a_taken_port_stops_the_bot_with_one_line(tmp_path: Path, fake_telegram: FakeTelegram) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = {"WEBHOOK_URL": f"http://127.0.0.1:{port}", "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port)}
        async with BotProcess.start(tmp_path, fake_telegram, **settings) as bot:
            assert await bot.wait() == 1
    assert bot.log_lines[-1].startswith("Cannot listen on WEBHOOK_LISTEN:WEBHOOK_PORT"), bot.log_text
