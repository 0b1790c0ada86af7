from __future__ import annotations

import pytest

from bot.i18n import I18n


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return I18n.load(default_language="en")
