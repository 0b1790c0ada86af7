"""Isolation: one user's panel answers after 3 s; everyone else should not notice.

`python -m benchmarks.isolation`: the real `python -m bot` (child process). One user has
connected a personal key that the sandbox answers after 3 s on every request; the others
order on the shared key, which answers at once. The others walk an order each, arriving
a little apart (a steady trickle, well under Telegram's 30 messages a second), once alone
and once while the slow user is walking too. Reported: the others' step latencies (update
queued at "Telegram" → the bot's answer there) in both runs, and the slow user's.
"""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr

from benchmarks.common import (
    SECRET_KEY,
    SHARED_KEY,
    ms,
    order_walk,
    percentile,
    print_table,
    quiet_logging,
    secret_key,
    wait_until_started,
)
from bot.sandbox import SandboxPanel
from bot.storage import Database
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

SLOW_KEY = "bench-slow-key"
SLOW_LATENCY = 3.0
SLOW_USER = 50_000
OTHERS = 20
ARRIVAL_GAP = 0.4  # seconds between two other users starting their walks


async def run() -> None:
    quiet_logging()
    async with SandboxPanel(seed=1) as panel, FakeTelegram() as fake:
        panel.add_account(SHARED_KEY, balance=Decimal("100000"))
        panel.add_account(SLOW_KEY, balance=Decimal("100000"))
        panel.key_latency[SLOW_KEY] = SLOW_LATENCY
        with tempfile.TemporaryDirectory() as folder:
            database_path = Path(folder) / "bot.sqlite3"
            async with await Database.open(database_path, secret_key=secret_key()) as db:
                await db.users.upsert_seen(SLOW_USER, "en")
                await db.accounts.connect_personal(SLOW_USER, SecretStr(SLOW_KEY), "USD", Decimal("100000"))
            settings = {"SMM_API_URL": panel.url, "SMM_API_KEY": SHARED_KEY, "ALLOWED_USER_IDS": "*",
                        "SECRET_KEY": SECRET_KEY}
            async with BotProcess.start(Path(folder), fake, **settings) as bot:
                await wait_until_started(bot)
                await order_walk(fake.user(SLOW_USER - 1), "instagram.com/warm-up")  # the shared catalog
                alone = await others_walk(fake, first_id=60_000)
                slow_walk = asyncio.create_task(order_walk(fake.user(SLOW_USER), "instagram.com/slow"))
                beside_slow = await others_walk(fake, first_id=70_000)
                spanned = not slow_walk.done()
                slow_steps = await slow_walk
                bot.terminate()
                await bot.wait(timeout=60)
    rows = [
        ["others, alone", *summary(alone)],
        [f"others, while one user's panel takes {SLOW_LATENCY:g} s", *summary(beside_slow)],
        ["the slow user", *summary(slow_steps)],
    ]
    print_table(
        "Isolation: one user's panel answers after 3 s",
        ["whose steps (update → answer)", "p50", "p95", "max"],
        rows,
        [f"{OTHERS} other users, one starting every {ARRIVAL_GAP:g} s, each walking /order → Order → link → "
         f"quantity → Confirm. The slow user's walk took {sum(slow_steps):.1f} s and "
         f"{'outlasted' if spanned else 'did NOT outlast'} the others' second run."],
    )


async def others_walk(fake: FakeTelegram, first_id: int) -> list[float]:
    """Start OTHERS walks ARRIVAL_GAP apart; return every step's latency."""

    async def walk(number: int) -> list[float]:
        await asyncio.sleep(number * ARRIVAL_GAP)  # arrival schedule of the simulated load
        user = fake.user(first_id + number)
        return await order_walk(user, f"instagram.com/other{user.id}")

    walks = await asyncio.gather(*(walk(number) for number in range(OTHERS)))
    return [latency for steps in walks for latency in steps]


def summary(sample: list[float]) -> list[str]:
    return [ms(percentile(sample, 0.5)), ms(percentile(sample, 0.95)), ms(max(sample))]


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
