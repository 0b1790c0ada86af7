"""Typed settings read from the environment or a `.env` file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from yarl import URL

from bot.i18n import locales_dir

ALL_USERS: Literal["*"] = "*"


def _parse_id_list(value: object) -> object:
    """Turn "1, 2,3" (the documented form) into a frozenset of ints; lists pass through."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
        if not all(part.lstrip("-").isdigit() for part in parts if part):
            raise ValueError("must be comma-separated numeric Telegram ids")
        return frozenset(int(part) for part in parts if part)
    return value


def _check_http_url(value: str) -> str:
    url = URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


class Settings(BaseSettings):
    """Everything the operator can configure; names match `.env.example`."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    bot_token: SecretStr
    telegram_base_url: str = "https://api.telegram.org/bot"
    smm_api_url: str = "https://smm.plus/api/v2"
    smm_api_key: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    allowed_user_ids: Annotated[frozenset[int] | Literal["*"], NoDecode] = frozenset()
    database_path: Path = Path("data/bot.sqlite3")
    status_poll_interval: float = Field(default=60.0, gt=0)
    balance_check_interval: float = Field(default=300.0, gt=0)
    low_balance_threshold: Decimal = Field(default=Decimal("5"), ge=0)
    default_language: str = "en"
    timezone: str = "UTC"
    secret_key: SecretStr | None = None
    catalog_ttl: float = Field(default=600.0, gt=0)
    panel_timeout: float = Field(default=30.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, gt=0, lt=65536)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        return _parse_id_list(value)

    @field_validator("allowed_user_ids", mode="before")
    @classmethod
    def _split_allowed_ids(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() == ALL_USERS:
            return ALL_USERS
        return _parse_id_list(value)

    @field_validator("bot_token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("telegram_base_url", "smm_api_url", "webhook_url")
    @classmethod
    def _check_urls(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Asia/Seoul)") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        language = value.strip().lower().replace("_", "-").split("-")[0]
        if not (locales_dir() / f"{language}.po").is_file():
            known = ", ".join(sorted(path.stem for path in locales_dir().glob("*.po")))
            raise ValueError(f"no translation for {value!r} (available: {known})")
        return language

    @property
    def panel_name(self) -> str:
        """The panel's host name ("smm.plus"), as users know it."""
        return URL(self.smm_api_url).host or self.smm_api_url

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    def may_use_shared_key(self, user_id: int) -> bool:
        """Admins and allow-listed users may order on the operator's shared key."""
        if self.smm_api_key is None:
            return False
        if self.allowed_user_ids == ALL_USERS:
            return True
        return user_id in self.admin_ids or user_id in self.allowed_user_ids


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each bad setting by its environment name, never echoing its value."""
    problems = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"][:1]).upper() or "settings"
        if item["type"] == "missing":
            problems.append(f"{name} is required (set it in the environment or .env)")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
    return "Configuration error: " + "; ".join(problems)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's multi-line report into one ConfigError line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error)) from None
    except UnicodeDecodeError:
        # Windows Notepad's "Unicode" (UTF-16), or an accented comment in a legacy encoding.
        raise ConfigError("Configuration error: .env is not UTF-8 text; save it as UTF-8") from None
