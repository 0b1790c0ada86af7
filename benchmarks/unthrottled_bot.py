"""`python -m benchmarks.unthrottled_bot`: `python -m bot` without its rate limiter.

For what-if measurements only (`benchmarks.interactive_load`): the bot as built paces its bulk
sends (notifications) to 30 messages a second and retries 429s (`bot.rate_limit`); this shows
what the bot itself can do with no limiter at all. Never run a real bot like this.
"""

from __future__ import annotations

import sys
from typing import Any

import bot.app
from bot.config import Settings

_build_application = bot.app.build_application


def _build_without_limiter(settings: Settings) -> Any:
    application = _build_application(settings)
    application.bot._rate_limiter = None  # PTB has no public switch once built
    return application


if __name__ == "__main__":
    bot.app.build_application = _build_without_limiter
    from bot.__main__ import (
        main,  # imported after the switch: it binds build_application
    )

    sys.exit(main())
