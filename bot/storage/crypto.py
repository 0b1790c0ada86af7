"""Encryption of users' panel keys at rest, and their fingerprints.

The secret is SECRET_KEY when set (a Fernet key is used as is, any other string is
stretched with HKDF-SHA256), else a Fernet key generated on first start and kept in
`secret.key` beside the database, readable by its owner only.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from bot.storage.errors import KeyUnavailableError, SecretFileError

log = logging.getLogger(__name__)

SECRET_FILE_NAME = "secret.key"
MIN_SECRET_LENGTH = 32


class KeyVault:
    """Encrypt, decrypt and fingerprint panel keys with one secret."""

    def __init__(self, fernet_key: bytes) -> None:
        self._fernet = Fernet(fernet_key)
        # A separate key for fingerprints, so an HMAC never reuses the encryption key.
        self._fingerprint_key = _hkdf(
            base64.urlsafe_b64decode(fernet_key), b"smm-bot key fingerprint"
        )

    def __repr__(self) -> str:
        return "KeyVault()"

    @classmethod
    def from_secret(cls, secret: str) -> KeyVault:
        """Use a Fernet key as is; derive one from any other non-empty string."""
        if not secret:
            raise ValueError("SECRET_KEY must not be empty")
        if _is_fernet_key(secret):
            return cls(secret.encode("ascii"))
        if len(secret) < MIN_SECRET_LENGTH:
            # HKDF stretches nothing: a short secret can be guessed offline from a copy of
            # the database, and then every stored key read.
            log.warning(
                "SECRET_KEY is short (under %d characters): use a long random value, e.g. %s",
                MIN_SECRET_LENGTH,
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
            )
        derived = _hkdf(secret.encode("utf-8"), b"smm-bot fernet key")
        return cls(base64.urlsafe_b64encode(derived))

    @classmethod
    def for_database(cls, database_path: Path, secret_key: SecretStr | None) -> KeyVault:
        """Use SECRET_KEY if given, else the secret file beside the database (made if missing)."""
        if secret_key is not None:
            return cls.from_secret(secret_key.get_secret_value())
        return cls.from_secret(load_or_create_secret_file(database_path.parent / SECRET_FILE_NAME))

    def encrypt(self, key: SecretStr) -> bytes:
        return self._fernet.encrypt(key.get_secret_value().encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> SecretStr:
        try:
            return SecretStr(self._fernet.decrypt(ciphertext).decode("utf-8"))
        except InvalidToken:
            raise KeyUnavailableError(
                "a stored panel key cannot be decrypted with the current secret "
                "(SECRET_KEY or secret.key changed); the user must connect the key again"
            ) from None

    def fingerprint(self, key: SecretStr) -> str:
        """Identify a key without storing it: HMAC-SHA256 under the vault's secret."""
        digest = hmac.new(
            self._fingerprint_key, key.get_secret_value().encode("utf-8"), hashlib.sha256
        )
        return digest.hexdigest()


def load_or_create_secret_file(path: Path) -> str:
    """Return the secret kept in `path`, creating it (mode 0600, atomically) on first use."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_file(path)
    secret = Fernet.generate_key()
    with os.fdopen(fd, "wb") as file:
        file.write(secret + b"\n")
        file.flush()
        os.fsync(file.fileno())
    _fsync_directory(path.parent)
    log.info("Generated a new key-encryption secret in %s; back it up with the database", path)
    return secret.decode("ascii")


def _read_secret_file(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        log.warning("%s is readable by other users; restrict it with: chmod 600 %s", path, path)
    secret = path.read_text(encoding="ascii", errors="replace").strip()
    if not _is_fernet_key(secret):
        raise SecretFileError(
            f"{path} does not hold a valid secret. Restore it from a backup, or set SECRET_KEY "
            "to the secret used before; stored panel keys cannot be read without it."
        )
    return secret


def _fsync_directory(directory: Path) -> None:
    """Make the new file's directory entry durable, where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32 and len(value) == 44
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"smm-bot", info=info).derive(material)
