"""Money as the sandbox keeps it: Decimal, rounded to five places like Perfect Panel scripts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY_STEP = Decimal("0.00001")


def round_money(value: Decimal) -> Decimal:
    """Round an amount to the panel's precision (half up, as panels bill)."""
    return value.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)
