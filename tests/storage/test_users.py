"""Users: first contact, language, reachability, settings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.storage import Database, NotFoundError, UserSettings
from tests.storage.helpers import START, FakeClock


async def test_first_contact_creates_the_user_with_the_hint(db: Database) -> None:
    assert await db.users.get(1) is None
    user = await db.users.upsert_seen(1, "de")
    assert user.language == "de"
    assert user.active is True
    assert user.created_at == user.last_seen_at == START
    assert user.settings == UserSettings()
    assert await db.users.get(1) == user


async def test_later_contact_updates_last_seen_and_keeps_the_language(
    db: Database, clock: FakeClock
) -> None:
    await db.users.upsert_seen(1, "de")
    later = clock.advance(60)
    user = await db.users.upsert_seen(1, "en")
    assert user.language == "de"
    assert user.created_at == START
    assert user.last_seen_at == later


async def test_language_unknown_at_first_is_filled_by_a_later_hint(db: Database) -> None:
    assert (await db.users.upsert_seen(1, None)).language is None
    assert (await db.users.upsert_seen(1, "ko")).language == "ko"


async def test_set_language(db: Database) -> None:
    await db.users.upsert_seen(1, "en")
    assert (await db.users.set_language(1, "ru")).language == "ru"
    assert (await db.users.upsert_seen(1, "en")).language == "ru"
    with pytest.raises(NotFoundError):
        await db.users.set_language(2, "ru")


async def test_blocked_user_becomes_active_again_when_writing(db: Database) -> None:
    await db.users.upsert_seen(1, "en")
    assert await db.users.set_active(1, False) is True
    user = await db.users.get(1)
    assert user is not None and user.active is False
    assert (await db.users.upsert_seen(1, "en")).active is True
    assert await db.users.set_active(2, False) is False


async def test_settings_round_trip_exactly(db: Database) -> None:
    user = await db.users.upsert_seen(1, "en")
    settings = replace(
        user.settings,
        notify_status=False,
        notify_refills=False,
        notify_low_balance=False,
        mute_all=True,
        low_balance_threshold=Decimal("0.0000001"),
    )
    assert (await db.users.update_settings(1, settings)).settings == settings
    stored = await db.users.get(1)
    assert stored is not None and stored.settings == settings
    assert str(stored.settings.low_balance_threshold) == str(Decimal("0.0000001"))

    back_to_global = replace(settings, low_balance_threshold=None)
    assert (
        await db.users.update_settings(1, back_to_global)
    ).settings.low_balance_threshold is None
    with pytest.raises(NotFoundError):
        await db.users.update_settings(2, settings)


async def test_threshold_refuses_float(db: Database) -> None:
    await db.users.upsert_seen(1, "en")
    with pytest.raises(ValueError):
        await db.users.update_settings(1, UserSettings(low_balance_threshold=0.1))  # type: ignore[arg-type]


async def test_count(db: Database) -> None:
    assert await db.users.count() == 0
    for user_id in (1, 2, 3):
        await db.users.upsert_seen(user_id, "en")
    await db.users.set_active(2, False)
    assert await db.users.count() == 3
    assert await db.users.count(active=True) == 2
    assert await db.users.count(active=False) == 1
