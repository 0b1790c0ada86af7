"""The errors the sandbox panel answers with, each as a readable text and a translation key."""

from __future__ import annotations

from enum import Enum


class Problem(Enum):
    """Every error the sandbox can report: (untranslated key, English template)."""

    INVALID_KEY = ("error.incorrect_key", "Invalid API key")
    INCORRECT_REQUEST = ("error.incorrect_request", "Incorrect request")
    TOO_MANY_IDS = ("error.too_many_ids", "Maximum {limit} IDs allowed")
    INCORRECT_SERVICE = ("neworder.error.incorrect_service", "Incorrect service ID")
    INCORRECT_FIELD = ("neworder.error.incorrect_{field}", "Incorrect {label}")
    MIN_QUANTITY = ("neworder.error.min_quantity", "Quantity less than minimal {limit}")
    MAX_QUANTITY = ("neworder.error.max_quantity", "Quantity more than maximum {limit}")
    DRIPFEED_DISABLED = (
        "neworder.error.dripfeed_disabled",
        "Drip-feed is not available for this service",
    )
    NOT_ENOUGH_FUNDS = ("neworder.error.not_enough_funds", "Not enough funds on balance")
    ACTIVE_ORDER = (
        "neworder.error.active_order",
        "You have active order with this link. Please wait until order being completed.",
    )
    INCORRECT_ORDER = ("order.error.incorrect_id", "Incorrect order ID")
    REFILL_DISABLED = ("refill.error.disabled", "Refill is disabled for this service")
    REFILL_NOT_COMPLETED = (
        "refill.error.not_completed",
        "Refill is available only for completed orders",
    )
    REFILL_ACTIVE = ("refill.error.active", "Refill is already in progress for this order")
    REFILL_NOT_FOUND = ("refill.error.incorrect_id", "Refill not found")
    CANCEL_DISABLED = ("cancel.error.disabled", "Cancel is disabled for this service")
    CANCEL_FINAL = ("cancel.error.final", "Order cannot be canceled")
    CANCEL_REQUESTED = ("cancel.error.requested", "Cancel is already requested for this order")


class PanelError(Exception):
    """A refusal the panel answers with `{"error": ...}`; `str()` is the English text."""

    def __init__(self, problem: Problem, **values: object) -> None:
        key_template, text_template = problem.value
        self.problem = problem
        self.key = key_template.format(**values)
        self.text = text_template.format(**values)
        super().__init__(self.text)
