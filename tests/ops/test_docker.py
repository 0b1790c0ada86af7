"""The Dockerfile builds from the repository's files alone (no Docker engine needed to check).

The build stage's COPY lines are replayed into an empty folder and the wheel is built there
exactly as the image builds it; the wheel must carry the entry points and the catalogs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.ops.bot_process import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def copied_from_the_checkout() -> list[str]:
    """Sources of every COPY that reads the build context (not `--from=` another stage)."""
    sources = []
    for instruction, arguments in instructions():
        if instruction == "COPY" and not arguments.startswith("--from="):
            sources += arguments.split()[:-1]
    return sources


def test_the_image_is_slim_unprivileged_and_keeps_its_data_on_a_volume() -> None:
    found = instructions()
    bases = [arguments for instruction, arguments in found if instruction == "FROM"]
    assert all(base.split()[0].endswith("-slim") for base in bases)
    assert ("USER", "smmbot") in found
    assert ("VOLUME", '["/data"]') in found
    assert any(instruction == "ENV" and "DATABASE_PATH=/data/" in arguments for instruction, arguments in found)
    [healthcheck] = [arguments for instruction, arguments in found if instruction == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "-m", "bot.healthcheck"]')
    assert found[-1] == ("CMD", '["python", "-m", "bot"]')


def test_the_wheel_builds_from_the_copied_files_alone(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    for source in copied_from_the_checkout():
        origin = ROOT / source
        assert origin.exists(), f"the Dockerfile copies {source}, which is not in the repository"
        if origin.is_dir():
            shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(origin, context / source)
    # Exactly the image's `pip wheel` (its isolated build fetches setuptools, as `pip install` does).
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheels"), "."],
        cwd=context, capture_output=True, text=True, timeout=120, check=False,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "wheels").glob("smm_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"bot/__main__.py", "bot/healthcheck.py", "bot/webhook.py", "bot/sandbox/__main__.py"} <= names
    assert {"bot/locales/en.po", "bot/locales/ko.po", "bot/locales/ru.po"} <= names
