"""Start-up refuses a database it cannot use: held by another bot, or not a database at all."""

from __future__ import annotations

from pathlib import Path

from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

ALICE = 1001


async def polling(fake: FakeTelegram) -> None:
    """Wait until a bot holds a long poll: it has started."""
    await fake.wait_until(lambda: fake.waiting_polls or None, timeout=15)


async def test_a_second_bot_on_the_same_database_exits_with_one_clear_line(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    alice = fake_telegram.user(ALICE, language_code="en")
    async with BotProcess.start(tmp_path, fake_telegram) as first:
        await polling(fake_telegram)

        async with BotProcess.start(tmp_path, fake_telegram) as second:
            assert await second.wait() == 1
        assert second.log_lines[-1] == (
            f"Cannot use the database at DATABASE_PATH: Database {first.database_path} is in use by "
            f"another smm-bot (process {first.process.pid}). Stop that one first."
        )
        assert "Traceback" not in second.log_text

        await alice.send("/help")  # the first one still serves
        await alice.expect_message(contains="/order", timeout=15)
        first.terminate()
        assert await first.wait() == 0

    async with BotProcess.start(tmp_path, fake_telegram) as after:  # the lock went with the first
        await alice.send("/help")
        await alice.expect_message(contains="/order", timeout=15)
        after.terminate()
        assert await after.wait() == 0


async def test_a_file_that_is_not_a_database_is_named_in_one_line(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    (tmp_path / "bot.sqlite3").write_bytes(b"these are not the tables you are looking for" * 100)

    async with BotProcess.start(tmp_path, fake_telegram) as bot:
        assert await bot.wait() == 1
    assert bot.log_lines[-1] == "Cannot use the database at DATABASE_PATH: file is not a database"
    assert "Traceback" not in bot.log_text


async def test_a_database_folder_that_cannot_be_made_is_named_in_one_line(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    (tmp_path / "afile").write_text("in the way")
    settings = {"DATABASE_PATH": str(tmp_path / "afile" / "bot.sqlite3")}

    async with BotProcess.start(tmp_path, fake_telegram, **settings) as bot:
        assert await bot.wait() == 1
    path = tmp_path / "afile" / "bot.sqlite3"
    assert bot.log_lines[-1] == f"Cannot use the database at DATABASE_PATH: {path}: File exists"
    assert "Traceback" not in bot.log_text
