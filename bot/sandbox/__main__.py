"""Run the sandbox panel standalone: `python -m bot.sandbox --port 8080`."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.sandbox.server import SandboxPanel
from bot.sandbox.wire import VARIANTS


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    host: str
    port: int
    key: str
    balance: Decimal
    currency: str
    extra_services: int
    seed: int
    auto_advance: float | None
    variant: str


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative amount")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 (off) or a number of seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line of `python -m bot.sandbox`."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox",
        description="A fake SMM panel (API v2) for trying the bot without money.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (0: any)")
    parser.add_argument("--key", default="demo-key", help="API key of the demo account")
    parser.add_argument("--balance", type=_amount, default=Decimal("100"), help="its balance")
    parser.add_argument("--currency", default="USD", help="its currency")
    parser.add_argument(
        "--extra-services", type=_non_negative_int, default=0,
        help="generated services added to the built-in catalog",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated catalog")
    parser.add_argument(
        "--auto-advance", type=_seconds, default=10.0,
        help="move every order one step each N seconds (0: only on command)",
    )
    parser.add_argument(
        "--variant", choices=list(VARIANTS), default="docs",
        help="how numbers look on the wire",
    )
    return parser


def parse_options(argv: Sequence[str] | None = None) -> Options:
    """Read the command line (exits with a usage message when it is wrong)."""
    args = build_parser().parse_args(argv)
    return Options(
        host=args.host,
        port=args.port,
        key=args.key,
        balance=args.balance,
        currency=args.currency,
        extra_services=args.extra_services,
        seed=args.seed,
        auto_advance=args.auto_advance or None,
        variant=args.variant,
    )


def build_panel(options: Options) -> SandboxPanel:
    """The panel the options describe, with the demo account open."""
    panel = SandboxPanel(
        extra_services=options.extra_services,
        seed=options.seed,
        auto_advance=options.auto_advance,
        variant=options.variant,
    )
    panel.add_account(options.key, balance=options.balance, currency=options.currency)
    return panel


async def serve(options: Options) -> None:
    """Run the panel until cancelled (Ctrl-C)."""
    panel = build_panel(options)
    await panel.start(options.host, options.port)
    try:
        print(f"Sandbox panel: {panel.url}")
        print(f"API key:       {options.key} ({options.balance} {options.currency})")
        print(f"Services:      {len(panel.services)}; press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()
    finally:
        await panel.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `python -m bot.sandbox`."""
    options = parse_options(argv)
    try:
        asyncio.run(serve(options))
    except KeyboardInterrupt:
        print("Stopped.")
    except OSError as error:  # the port is taken, or the address is not this machine's
        reason = os.strerror(error.errno) if error.errno else str(error)
        build_parser().exit(1, f"Cannot listen on {options.host}:{options.port}: {reason}\n")


if __name__ == "__main__":
    main()
