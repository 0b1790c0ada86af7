"""Mistakes in TELEGRAM_BASE_URL, as `python -m bot` meets them: one line, and never the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

TOKEN = "7012345678:AAHdistinctiveSecretHalf_0123456789"
SECRET_HALF = TOKEN.partition(":")[2]


@pytest.mark.parametrize("base_url", ["https://api.telegram.org", "http://127.0.0.1:{port}"])
async def test_a_base_url_without_bot_never_shows_the_token(
    tmp_path: Path, fake_telegram: FakeTelegram, base_url: str
) -> None:
    """The token glued to the host is split at its colon ("Invalid port: 'AAH…'")."""
    port = fake_telegram.base_url.split(":")[2].split("/")[0]
    settings = {"BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url.format(port=port)}
    async with BotProcess.start(tmp_path, fake_telegram, **settings) as bot:
        assert await bot.wait() == 1
    assert bot.log_lines[-1].startswith("Cannot reach Telegram at TELEGRAM_BASE_URL: ")
    assert SECRET_HALF not in bot.log_text, bot.log_text


async def test_a_base_url_telegram_answers_404_at_points_at_the_url_too(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    """A trailing slash asks for /bot/<token>/getMe: the token may be fine."""
    async with BotProcess.start(tmp_path, fake_telegram, TELEGRAM_BASE_URL=fake_telegram.base_url + "/") as bot:
        assert await bot.wait() == 2
    assert bot.log_lines[-1] == (
        "Configuration error: Telegram refused BOT_TOKEN. Check the token, and that "
        "TELEGRAM_BASE_URL ends in /bot (the token is appended to it)"
    )
