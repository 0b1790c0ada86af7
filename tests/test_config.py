"""Settings: documented names, one-line errors, secrets kept secret."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import ALL_USERS, ConfigError, load_settings

DOCUMENTED = (
    "BOT_TOKEN TELEGRAM_BASE_URL SMM_API_URL SMM_API_KEY ADMIN_IDS ALLOWED_USER_IDS DATABASE_PATH "
    "STATUS_POLL_INTERVAL BALANCE_CHECK_INTERVAL LOW_BALANCE_THRESHOLD DEFAULT_LANGUAGE SECRET_KEY"
).split()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run in an empty directory (no .env) with none of the bot's variables set."""
    for name in list(os.environ):
        if name in DOCUMENTED or name.startswith(("WEBHOOK_", "CATALOG_", "PANEL_", "LOG_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    settings = load_settings()
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.smm_api_url == "https://smm.plus/api/v2"
    assert settings.smm_api_key is None
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.status_poll_interval == 60
    assert settings.balance_check_interval == 300
    assert isinstance(settings.low_balance_threshold, Decimal)


def test_id_lists_and_wildcard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("SMM_API_KEY", "shared")
    monkeypatch.setenv("ADMIN_IDS", " 1, 2 ,")
    monkeypatch.setenv("ALLOWED_USER_IDS", "7")
    settings = load_settings()
    assert settings.admin_ids == {1, 2}
    assert settings.may_use_shared_key(1) and settings.may_use_shared_key(7)
    assert not settings.may_use_shared_key(8)
    monkeypatch.setenv("ALLOWED_USER_IDS", "*")
    assert load_settings().allowed_user_ids == ALL_USERS
    assert load_settings().may_use_shared_key(8)


def test_shared_key_unset_means_nobody_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ADMIN_IDS", "1")
    assert not load_settings().may_use_shared_key(1)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=9:xyz\nSMM_API_KEY=\nDEFAULT_LANGUAGE=ko-KR\n")
    settings = load_settings()
    assert settings.bot_token.get_secret_value() == "9:xyz"
    assert settings.smm_api_key is None  # empty lines in .env mean "unset"
    assert settings.default_language == "ko"


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_a_dotenv_not_in_utf8_is_one_line(tmp_path: Path, encoding: str) -> None:
    """Windows Notepad's "Unicode" is UTF-16; an accented comment may be Latin-1."""
    (tmp_path / ".env").write_text("# réglages\nBOT_TOKEN=123456:ABCdef\n", encoding=encoding)
    with pytest.raises(ConfigError, match=r"\.env is not UTF-8 text; save it as UTF-8$"):
        load_settings()


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:a", "SMM_API_URL": "smm.plus/api"}, "SMM_API_URL"),
        ({"BOT_TOKEN": "1:a", "ADMIN_IDS": "1,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": "1:a", "STATUS_POLL_INTERVAL": "-5"}, "STATUS_POLL_INTERVAL"),
        ({"BOT_TOKEN": "1:a", "LOW_BALANCE_THRESHOLD": "lots"}, "LOW_BALANCE_THRESHOLD"),
    ],
)
def test_bad_settings_are_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert named in message and "\n" not in message


@pytest.mark.parametrize(
    ("variables", "named"),
    [({}, "BOT_TOKEN"), ({"BOT_TOKEN": "1:secret-token", "SMM_API_URL": "nope"}, "SMM_API_URL")],
)
def test_python_m_bot_says_what_is_wrong_in_one_line(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in DOCUMENTED}
    environment.update(variables)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "secret-token" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("DEFAULT_LANGUAGE", "xx"), ("TIMEZONE", "Mars/Olympus")]
)
def test_language_and_time_zone_must_exist(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_time_zone_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    assert load_settings().timezone == "UTC"
    monkeypatch.setenv("TIMEZONE", "Asia/Seoul")
    assert load_settings().timezone == "Asia/Seoul"
