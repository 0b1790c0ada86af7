"""The wheel (what the Docker image installs) must carry every package and the catalogs.

`[tool.setuptools] packages` is listed by hand so that the top-level `locales/` can ship as
`bot.locales`; this test is what keeps that list from falling behind the code.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import bot

PROJECT_ROOT = Path(bot.__file__).resolve().parents[1]


def setuptools_config() -> dict[str, Any]:
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["setuptools"]
    return config


def test_every_python_package_under_bot_is_shipped() -> None:
    listed = set(setuptools_config()["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(PROJECT_ROOT).parts)
        for path in (PROJECT_ROOT / "bot").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    missing = sorted(on_disk - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_the_catalogs_ship_inside_the_package() -> None:
    config = setuptools_config()
    assert "bot.locales" in config["packages"]
    assert config["package-dir"] == {"bot.locales": "locales"}
    assert "*.po" in config["package-data"]["bot.locales"]
