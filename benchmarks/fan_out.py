"""Fan-out: 1,000 orders of 1,000 users change status at once; each user is told once.

`python -m benchmarks.fan_out [users]`: the real `python -m bot` (child process) starts on
a database where every user has one order last seen "Pending"; on the sandbox each has moved
to "In progress". The status job polls them and sends the notifications through PTB's rate
limiter; the fake Bot API answers some sends with 429 (flood control) along the way.
Reported: time until the last user is told, against Telegram's ceiling of ~30 messages a
second, messages per user, and the 429s met and overcome.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchmarks.common import (
    SECRET_KEY,
    SHARED_KEY,
    SeedOrder,
    print_table,
    quiet_logging,
    sandbox_orders,
    seed_database,
)
from bot.sandbox import SandboxPanel
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

TELEGRAM_MESSAGES_PER_SECOND = 30
FLOOD_ANSWERS = 20
FIRST_USER = 300_000
FIRST_PANEL_ID = 6_000_000
DELIVERY_TIMEOUT = 110.0


async def run(users: int) -> None:
    quiet_logging()
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    async with SandboxPanel(seed=1) as panel, FakeTelegram() as fake:
        panel.add_account(SHARED_KEY, balance=Decimal("1000"))
        panel_ids = sandbox_orders(panel, SHARED_KEY, users, FIRST_PANEL_ID)
        panel.advance_all()  # Pending → In progress, all at once
        chats = [fake.user(user_id) for user_id in user_ids]
        with tempfile.TemporaryDirectory() as folder:
            database_path = Path(folder) / "bot.sqlite3"
            seeded = [SeedOrder(user_id, panel_id, status="Pending", notified_status="Pending")
                      for user_id, panel_id in zip(user_ids, panel_ids, strict=True)]
            await seed_database(database_path, user_ids, seeded)
            fake.rate_limit(times=FLOOD_ANSWERS, retry_after=1)
            settings = {"SMM_API_URL": panel.url, "SMM_API_KEY": SHARED_KEY, "SECRET_KEY": SECRET_KEY,
                        "STATUS_POLL_INTERVAL": "1"}
            async with BotProcess.start(Path(folder), fake, **settings) as bot:
                await panel.wait_for_request("status")
                started = time.monotonic()
                delivered = await fake.wait_until(
                    lambda: time.monotonic() if sent_count(fake) >= users else None, timeout=DELIVERY_TIMEOUT
                )
                bot.terminate()
                await bot.wait(timeout=60)
            with sqlite3.connect(database_path) as connection:
                told = connection.execute("SELECT count(*) FROM orders WHERE notified_status = 'In progress'").fetchone()[0]

    elapsed = delivered - started
    per_user = [sum(1 for event in chat.events if event.kind == "sent") for chat in chats]
    floods = [call for call in fake.calls_to("sendMessage") if call.error_code == 429]
    ceiling = users / TELEGRAM_MESSAGES_PER_SECOND
    print_table(
        f"Fan-out: {users:,} status changes for {users:,} users",
        ["measure", "result"],
        [
            ["time to the last user told (from the first status request)", f"{elapsed:.1f} s"],
            [f"Telegram ceiling ({TELEGRAM_MESSAGES_PER_SECOND} messages/s)", f"{ceiling:.1f} s"],
            ["rate achieved", f"{users / elapsed:.1f} messages/s"],
            ["users told exactly once", f"{per_user.count(1):,} of {users:,} (max {max(per_user)} to one user)"],
            ["429 answers met / messages lost to them", f"{len(floods)} / {users - per_user.count(1)}"],
            ["orders recorded as told", f"{told:,}"],
        ],
    )


def sent_count(fake: FakeTelegram) -> int:
    return sum(1 for call in fake.calls if call.method == "sendMessage" and call.ok)


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    asyncio.run(run(users))


if __name__ == "__main__":
    main()
