"""What the benchmarks share: the machine's description, tables, percentiles, seeding, walks.

Everything runs on loopback: the sandbox panel and the fake Bot API in the benchmark's own
process, and, where the bot's own cost is measured, the real `python -m bot` as a child
process (its own core, as in production, and its own resident size).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr

from bot.sandbox import SandboxPanel
from bot.sandbox.state import Order as SandboxOrder
from bot.storage import Database, NewOrder, ServiceSnapshot
from tests.ops.bot_process import BotProcess
from tests.support.fake_chats import ChatEvent, SimulatedUser

SHARED_KEY = "bench-shared-key"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
REPLY_TIMEOUT = 120.0


def machine() -> str:
    """One line: date, cores, memory, CPU, Python."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    memory_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores ({cpu}); "
        f"{memory_kib / 1024 / 1024:.0f} GiB RAM; Python {platform.python_version()} on {platform.system()}"
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` 0.95 for p95) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], notes: Sequence[str] = ()) -> None:
    """Print a Markdown table (pasteable into benchmarks/README.md) with the machine line."""
    print(f"\n### {title}\n")
    print(f"Machine: {machine()}\n")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    for note in notes:
        print(f"\n{note}")
    sys.stdout.flush()


def quiet_logging() -> None:
    """Keep the benchmark's own process (fakes, sandbox) from logging per request."""
    logging.basicConfig(level=logging.WARNING)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- seeding ------------------------------------------------------------------------------------


def clone_rows(database_path: Path, table: str, template_id: int, count: int, vary: Callable[[int], Mapping[str, object]]) -> None:
    """Insert `count` copies of one row, with `vary(i)` overriding columns of copy i.

    Seeding 100,000 orders through the repositories (a committed transaction each) would take
    minutes; copying a row the repositories wrote keeps every other column as the bot writes it.
    """
    with sqlite3.connect(database_path) as connection:
        columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        template = dict(zip(columns, connection.execute(f"SELECT * FROM {table} WHERE id = ?", (template_id,)).fetchone(), strict=True))
        connection.execute("PRAGMA synchronous = OFF")
        rows = []
        for index in range(count):
            row = template | dict(vary(index))
            rows.append(tuple(row[column] for column in columns))
        placeholders = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


@dataclass(frozen=True)
class SeedOrder:
    """One placed order to seed: whose, the panel's id, and the status last stored for it."""

    user_id: int
    panel_order_id: int
    status: str | None = None
    final: bool = False
    notified_status: str | None = None


async def seed_database(database_path: Path, user_ids: Sequence[int], orders: Sequence[SeedOrder]) -> None:
    """Create the bot's database with these users and placed orders on the shared account.

    One user and one order are written through the repositories; the rest are copies of them.
    """
    db = await Database.open(database_path, secret_key=secret_key())
    try:
        template_user = await db.users.upsert_seen(user_ids[0], "en")
        account = await db.accounts.shared()
        template = await db.orders.create_submitting(
            NewOrder(
                user_id=template_user.id, account_id=account.id, submit_token="seed-template",
                service=ServiceSnapshot(2, "Instagram Followers [No refill]", "Default", "Instagram", Decimal("0.35")),
                expected_price=Decimal("0.70"), currency="USD", link="https://instagram.com/seed", quantity=2000,
            )
        )
        await db.orders.mark_placed(template.id, 1)
    finally:
        await db.close()
    clone_rows(database_path, "users", user_ids[0], len(user_ids) - 1, lambda index: {"id": user_ids[index + 1]})
    clone_rows(
        database_path, "orders", template.id, len(orders),
        lambda index: {
            "id": None, "user_id": orders[index].user_id, "submit_token": f"seed-{index}",
            "panel_order_id": orders[index].panel_order_id, "status": orders[index].status,
            "final": int(orders[index].final), "notified_status": orders[index].notified_status,
            "link": f"https://instagram.com/seed{index}",
        },
    )
    with sqlite3.connect(database_path) as connection:
        connection.execute("DELETE FROM orders WHERE id = ?", (template.id,))


def sandbox_orders(panel: SandboxPanel, key: str, count: int, first_id: int, service_id: int = 2) -> list[int]:
    """Put `count` pending orders straight into the sandbox (its `add` checks every order for
    duplicates, quadratic at this size); return their ids."""
    account = panel.account(key)
    service = panel.service(service_id)
    ids = list(range(first_id, first_id + count))
    for order_id in ids:
        panel.orders[order_id] = SandboxOrder(
            id=order_id, owner=account, service=service, target=f"https://instagram.com/u{order_id}",
            quantity=1000, price=Decimal("0.35"), charge=Decimal("0.35"), currency=account.currency,
            details={}, remains=1000,
        )
    return ids


def secret_key() -> SecretStr:
    return SecretStr(SECRET_KEY)


# --- walking ------------------------------------------------------------------------------------


async def reply(user: SimulatedUser, *, contains: str | None = None, kind: str = "any") -> ChatEvent:
    """The bot's next message or edit in the user's chat (containing `contains`)."""

    def matches(event: ChatEvent) -> bool:
        if event.kind == "deleted" or kind not in ("any", event.kind):
            return False
        return contains is None or contains in event.message.text

    return await user.expect_event(matches, timeout=REPLY_TIMEOUT, description=f"reply containing {contains!r}")


async def order_walk(user: SimulatedUser, link: str, service_id: int = 2, quantity: str = "2000") -> list[float]:
    """Walk `/order <id>` → Order → link → quantity → Confirm → placed; return each step's
    seconds from the update being queued to the bot's answer."""
    latencies = []

    async def step(action: Callable[[], object], contains: str | None, kind: str) -> ChatEvent:
        started = time.monotonic()
        result = action()
        if asyncio.iscoroutine(result):
            await result
        event = await reply(user, contains=contains, kind=kind)
        latencies.append(event.at - started)
        return event

    card = await step(lambda: user.send(f"/order {service_id}"), None, "sent")
    await step(lambda: user.press(card.message, "🛒 Order"), None, "edited")
    await step(lambda: user.send(link), None, "sent")
    confirmation = await step(lambda: user.send(quantity), "Check your order", "sent")
    await step(lambda: user.press(confirmation.message, "✅ Confirm"), "placed", "edited")
    return latencies


async def wait_until_started(bot: BotProcess) -> None:
    """Return once the bot takes updates; fail with its log if it exits instead."""
    await bot.wait_for_log("Application started", timeout=60)
