"""The standalone entry point's command line."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from decimal import Decimal

import pytest

from bot.sandbox.__main__ import Options, build_panel, parse_options
from bot.sandbox.catalog import builtin_services


def test_defaults_serve_a_demo_account_on_loopback() -> None:
    assert parse_options([]) == Options(
        host="127.0.0.1",
        port=8080,
        key="demo-key",
        balance=Decimal("100"),
        currency="USD",
        extra_services=0,
        seed=1,
        auto_advance=10.0,
        variant="docs",
    )


def test_every_option_is_read() -> None:
    options = parse_options(
        [
            "--host", "0.0.0.0", "--port", "9000", "--key", "k1", "--balance", "12.50",
            "--currency", "EUR", "--extra-services", "5000", "--seed", "3",
            "--auto-advance", "2.5", "--variant", "strings",
        ]
    )

    assert options == Options(
        host="0.0.0.0",
        port=9000,
        key="k1",
        balance=Decimal("12.50"),
        currency="EUR",
        extra_services=5000,
        seed=3,
        auto_advance=2.5,
        variant="strings",
    )


def test_zero_auto_advance_means_only_on_command() -> None:
    assert parse_options(["--auto-advance", "0"]).auto_advance is None


@pytest.mark.parametrize(
    "argv",
    [
        ["--balance", "lots"],
        ["--balance", "-1"],
        ["--balance", "NaN"],
        ["--extra-services", "-5"],
        ["--auto-advance", "-1"],
        ["--auto-advance", "x"],
        ["--extra-services", "many"],
        ["--port", "http"],
        ["--variant", "xml"],
    ],
)
def test_wrong_values_exit_with_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_options(argv)

    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "usage:" in error and "invalid _" not in error  # never a private helper's name


def test_options_build_the_panel_with_the_demo_account() -> None:
    options = parse_options(
        ["--key", "k1", "--balance", "7", "--currency", "EUR", "--extra-services", "10",
         "--auto-advance", "3", "--variant", "numbers"]
    )

    panel = build_panel(options)

    assert (panel.account("k1").balance, panel.account("k1").currency) == (Decimal("7"), "EUR")
    assert len(panel.services) == len(builtin_services()) + 10
    assert (panel.auto_advance, panel.variant) == (3.0, "numbers")


def test_a_port_in_use_is_one_line_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot.sandbox", "--port", str(port)],
            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Cannot listen on 127.0.0.1:{port}: {os.strerror(errno.EADDRINUSE)}"]
