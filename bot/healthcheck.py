"""A heartbeat file beside the database, and `python -m bot.healthcheck` (Docker's HEALTHCHECK).

The running bot touches `<database>.heartbeat` every `HEARTBEAT_INTERVAL` seconds from the
job queue, and only while it is receiving updates; so a fresh file means the event loop, the
job queue and the update fetcher are all alive. The check exits 0 while the file is younger
than `STALE_AFTER` seconds and 1 otherwise, printing one line either way.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings
from telegram.ext import Application, CallbackContext

from bot.config import Settings

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 30.0
# Three beats missed: a single slow beat (a long SQLite write, a busy loop) is not an outage.
STALE_AFTER = 3 * HEARTBEAT_INTERVAL
JOB_NAME = "heartbeat"


def heartbeat_path(database_path: Path) -> Path:
    """`data/bot.sqlite3` beats in `data/bot.sqlite3.heartbeat`."""
    return database_path.with_name(database_path.name + ".heartbeat")


def schedule_heartbeat(application: Application[Any, Any, Any, Any, Any, Any], database_path: Path) -> None:
    """Touch the heartbeat file now and every HEARTBEAT_INTERVAL seconds while the bot runs."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required for the heartbeat")
    for old in job_queue.get_jobs_by_name(JOB_NAME):
        old.schedule_removal()
    job_queue.run_repeating(
        _beat,
        interval=HEARTBEAT_INTERVAL,
        first=0,
        name=JOB_NAME,
        data=heartbeat_path(database_path),
        # Added before the scheduler starts, the first beat would otherwise wait an interval.
        job_kwargs={"next_run_time": datetime.now(UTC), "misfire_grace_time": None, "coalesce": True},
    )


async def _beat(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Touch the file, unless updates stopped flowing (then the file goes stale on purpose)."""
    application = context.application
    if not application.running or (application.updater is not None and not application.updater.running):
        return
    assert context.job is not None and isinstance(context.job.data, Path)
    path = context.job.data
    try:
        path.touch()
    except OSError as error:
        log.warning("cannot write the heartbeat file %s: %s", path, error)


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat, or None when the bot never beat here."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - modified


class _DatabaseSetting(BaseSettings):
    """Only DATABASE_PATH, read like `Settings` reads it (environment, then `.env`)."""

    model_config = Settings.model_config
    database_path: Path = Settings.model_fields["database_path"].default


def main() -> int:
    """Exit 0 when the heartbeat beside DATABASE_PATH is fresh, 1 otherwise."""
    path = heartbeat_path(_DatabaseSetting().database_path)
    age = heartbeat_age(path)
    if age is None:
        print(f"unhealthy: no heartbeat at {path}")
        return 1
    if age > STALE_AFTER:
        print(f"unhealthy: last heartbeat {age:.0f} s ago (limit {STALE_AFTER:.0f} s)")
        return 1
    print(f"healthy: last heartbeat {age:.0f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main())
