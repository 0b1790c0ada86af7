"""The heartbeat beside the database and `python -m bot.healthcheck` (Docker's HEALTHCHECK)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bot.healthcheck import STALE_AFTER, heartbeat_age, heartbeat_path
from bot.sandbox import SandboxPanel
from tests.ops.bot_process import ROOT
from tests.support.harness import BotHarness


def healthcheck(cwd: Path, database_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.healthcheck` in `cwd`, with DATABASE_PATH set only if given."""
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_PATH"}
    environment["PYTHONPATH"] = str(ROOT)
    if database_path is not None:
        environment["DATABASE_PATH"] = str(database_path)
    return subprocess.run(
        [sys.executable, "-m", "bot.healthcheck"], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=30, check=False,
    )


async def test_the_running_bot_beats_at_once_and_the_check_says_healthy(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with BotHarness.start(tmp_path, panel=sandbox) as harness:
        beat = heartbeat_path(harness.settings.database_path)
        assert beat == tmp_path / "bot.sqlite3.heartbeat"
        await harness.fake.wait_until(lambda: heartbeat_age(beat), timeout=5)
        result = healthcheck(tmp_path, harness.settings.database_path)
    assert result.returncode == 0 and result.stdout.startswith("healthy"), result


def test_no_heartbeat_or_a_stale_one_is_unhealthy(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    missing = healthcheck(tmp_path, database)
    assert missing.returncode == 1 and "no heartbeat" in missing.stdout

    database.parent.mkdir()
    beat = heartbeat_path(database)
    beat.touch()
    long_ago = time.time() - STALE_AFTER - 5
    os.utime(beat, (long_ago, long_ago))
    stale = healthcheck(tmp_path, database)
    assert stale.returncode == 1 and "unhealthy: last heartbeat" in stale.stdout


def test_database_path_comes_from_the_env_file_too(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere.sqlite3"
    heartbeat_path(database).touch()
    (tmp_path / ".env").write_text(f"DATABASE_PATH={database}\n")
    result = healthcheck(tmp_path)
    assert result.returncode == 0, result
