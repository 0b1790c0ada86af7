"""Panel keys at rest: the secret file, SECRET_KEY, fingerprints, nothing in clear on disk."""

from __future__ import annotations

import logging
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.storage import Database, KeyUnavailableError, KeyVault, SecretFileError
from bot.storage.crypto import SECRET_FILE_NAME

PANEL_KEY = "3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e"


async def test_secret_file_is_created_owner_only_and_reused(db_path: Path) -> None:
    secret_file = db_path.parent / SECRET_FILE_NAME
    async with await Database.open(db_path) as db:
        await db.users.upsert_seen(1, "en")
        account = await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", Decimal("1"))
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_bytes()

    async with await Database.open(db_path) as db:
        reopened = await db.accounts.get(account.id)
        assert reopened is not None
        assert db.accounts.decrypt_key(reopened).get_secret_value() == PANEL_KEY
    assert secret_file.read_bytes() == secret


async def test_secret_key_setting_replaces_the_file(db_path: Path) -> None:
    async with await Database.open(db_path, secret_key=SecretStr("any operator passphrase")) as db:
        await db.users.upsert_seen(1, "en")
        await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", None)
    assert not (db_path.parent / SECRET_FILE_NAME).exists()

    async with await Database.open(db_path, secret_key=SecretStr("any operator passphrase")) as db:
        account = await db.accounts.personal_for(1)
        assert account is not None
        assert db.accounts.decrypt_key(account).get_secret_value() == PANEL_KEY


async def test_the_file_secret_can_move_into_secret_key(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        await db.users.upsert_seen(1, "en")
        await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", None)
    file_secret = (db_path.parent / SECRET_FILE_NAME).read_text().strip()
    (db_path.parent / SECRET_FILE_NAME).unlink()

    async with await Database.open(db_path, secret_key=SecretStr(file_secret)) as db:
        account = await db.accounts.personal_for(1)
        assert account is not None
        assert db.accounts.decrypt_key(account).get_secret_value() == PANEL_KEY
        assert account.key_fingerprint == db.vault.fingerprint(SecretStr(PANEL_KEY))


async def test_another_secret_cannot_read_stored_keys(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with await Database.open(db_path, secret_key=SecretStr("first secret")) as db:
        await db.users.upsert_seen(1, "en")
        await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", None)

    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        db = await Database.open(db_path, secret_key=SecretStr("second secret"))
    async with db:
        assert "cannot be decrypted" in caplog.text
        account = await db.accounts.personal_for(1)
        assert account is not None
        with pytest.raises(KeyUnavailableError) as caught:
            db.accounts.decrypt_key(account)
        assert PANEL_KEY not in str(caught.value)
        # Connecting the key again under the new secret makes it usable.
        again = await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", None)
        assert db.accounts.decrypt_key(again).get_secret_value() == PANEL_KEY


def test_a_fernet_key_is_used_as_is() -> None:
    fernet_key = Fernet.generate_key()
    vault = KeyVault.from_secret(fernet_key.decode())
    token = Fernet(fernet_key).encrypt(PANEL_KEY.encode())
    assert vault.decrypt(token).get_secret_value() == PANEL_KEY


def test_any_other_string_is_derived_and_stable() -> None:
    first, second = KeyVault.from_secret("correct horse"), KeyVault.from_secret("correct horse")
    ciphertext = first.encrypt(SecretStr(PANEL_KEY))
    assert PANEL_KEY.encode() not in ciphertext
    assert second.decrypt(ciphertext).get_secret_value() == PANEL_KEY
    with pytest.raises(KeyUnavailableError):
        KeyVault.from_secret("battery staple").decrypt(ciphertext)
    with pytest.raises(ValueError):
        KeyVault.from_secret("")


def test_a_short_secret_is_warned_about_a_long_or_fernet_one_is_not(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.storage.crypto")
    KeyVault.from_secret("x" * 32)
    KeyVault.from_secret(Fernet.generate_key().decode())
    assert caplog.records == []
    KeyVault.from_secret("hunter2")
    [warning] = caplog.records
    assert "SECRET_KEY is short" in warning.getMessage() and "hunter2" not in warning.getMessage()


def test_fingerprint_identifies_a_key_under_one_secret_only() -> None:
    vault = KeyVault.from_secret("s1")
    fingerprint = vault.fingerprint(SecretStr(PANEL_KEY))
    assert fingerprint == vault.fingerprint(SecretStr(PANEL_KEY))
    assert fingerprint != vault.fingerprint(SecretStr(PANEL_KEY + "x"))
    assert fingerprint != KeyVault.from_secret("s2").fingerprint(SecretStr(PANEL_KEY))
    assert PANEL_KEY not in fingerprint and len(fingerprint) == 64


def test_vault_repr_shows_no_secret() -> None:
    secret = Fernet.generate_key().decode()
    assert secret not in repr(KeyVault.from_secret(secret))


async def test_corrupt_secret_file_stops_start_up(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    (db_path.parent / SECRET_FILE_NAME).write_text("not a key\n")
    with pytest.raises(SecretFileError) as caught:
        await Database.open(db_path)
    assert "not a key" not in str(caught.value)
    assert not db_path.exists()


async def test_database_files_hold_no_plaintext_key(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        await db.users.upsert_seen(1, "en")
        account = await db.accounts.connect_personal(1, SecretStr(PANEL_KEY), "USD", Decimal("5"))
        await db.accounts.set_balance(account.id, Decimal("4"), "USD")
        wal = Path(f"{db_path}-wal")
        # While open, recent writes sit in the WAL: search it as well as the main file.
        assert wal.exists() and wal.stat().st_size > 0
        written = db_path.read_bytes() + wal.read_bytes()
        assert PANEL_KEY.encode() not in written
        assert account.key_ciphertext is not None and account.key_ciphertext in written
    assert PANEL_KEY.encode() not in db_path.read_bytes()
    assert PANEL_KEY not in repr(account)
