"""One bot process per database.

Two processes on one database would both poll and push (users told twice), fight over
Telegram's long poll, and the second one's start-up sweep would declare the first one's
orders in flight "unknown". A lock file beside the database, held while the bot runs, makes
the second process refuse to start instead. The lock is the kernel's (`flock`): it goes away
with the process, however it ends, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.storage.errors import DatabaseInUse

try:
    import fcntl
except ImportError:  # Windows: no flock; the guard is skipped there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


class InstanceLock:
    """An exclusive lock on `<database>.lock`, held until `release()` or the process ends."""

    def __init__(self, path: Path, descriptor: int | None) -> None:
        self.path = path
        self._descriptor = descriptor

    @classmethod
    def acquire(cls, database_path: Path) -> InstanceLock:
        """Take the lock of `database_path`, or raise `DatabaseInUse` naming the holder."""
        path = database_path.with_name(database_path.name + ".lock")
        if fcntl is None:
            log.warning("This platform has no flock: nothing stops a second bot on %s", database_path)
            return cls(path, None)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode(errors="replace").strip()
            os.close(descriptor)
            raise DatabaseInUse(database_path, holder) from None
        # The holder's process id, for the operator who meets the refusal.
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        return cls(path, descriptor)

    def release(self) -> None:
        """Let another process have the database (the file stays: deleting it would race)."""
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            os.close(descriptor)  # closing the only descriptor releases the flock
