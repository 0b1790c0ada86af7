"""How values look on the wire in each panel flavour ("variant") the sandbox can play."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Union

from bot.sandbox.errors import PanelError

Json = Union[str, int, float, bool, None, list["Json"], dict[str, "Json"]]


def _plain(amount: Decimal) -> str:
    """Write an amount without exponent, keeping its places ("0.90", "100.84292")."""
    return format(amount, "f")


def _float(amount: Decimal) -> float:
    return float(amount)


@dataclass(frozen=True)
class Wire:
    """The converters one variant uses; `untranslated` swaps error texts for their keys."""

    amount: Callable[[Decimal], Json]  # money: rate, charge, balance
    number: Callable[[int], Json]  # ints the doc writes as numbers: ids, `cancel: 1`
    text_number: Callable[[int], Json]  # ints the doc writes as strings: min, max, counts
    flag: Callable[[bool], Json]  # dripfeed
    description_key: str
    pending_remains: str | None  # what `remains` says before an order starts; None: the number
    untranslated: bool = False
    # A script that just echoes json_encode() goes out as PHP's default text/html.
    content_type: str = "application/json"
    balance_currency: bool = True  # some scripts leave the currency out of `balance`

    def error(self, error: PanelError) -> dict[str, Json]:
        """The `{"error": ...}` object for a refusal."""
        return {"error": error.key if self.untranslated else error.text}

    def remains(self, remains: int, pending: bool) -> Json:
        if pending and self.pending_remains is not None:
            return self.pending_remains
        return self.text_number(remains)


VARIANTS: dict[str, Wire] = {
    "docs": Wire(
        amount=_plain, number=int, text_number=str, flag=bool,
        description_key="description", pending_remains=None,
    ),
    "numbers": Wire(
        amount=_float, number=int, text_number=int, flag=bool,
        description_key="description", pending_remains=None,
    ),
    "strings": Wire(
        amount=_plain, number=str, text_number=str, flag=int,
        description_key="desc", pending_remains="Unknown",
    ),
    "bare_php": Wire(
        amount=_plain, number=int, text_number=str, flag=bool,
        description_key="description", pending_remains=None,
        content_type="text/html", balance_currency=False,
    ),
}


def wire_for(variant: str, untranslated: bool = False) -> Wire:
    """The converters of a variant (KeyError if there is no such variant)."""
    return replace(VARIANTS[variant], untranslated=untranslated)
