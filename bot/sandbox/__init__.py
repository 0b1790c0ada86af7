"""A fake SMM panel speaking API v2, for tests and for trying the bot without money.

`SandboxPanel` serves the actions on 127.0.0.1; `python -m bot.sandbox` runs one standalone.
"""

from bot.sandbox.catalog import Service
from bot.sandbox.faults import Fault
from bot.sandbox.server import RecordedRequest, SandboxPanel
from bot.sandbox.state import Account, Order, Refill

__all__ = [
    "Account",
    "Fault",
    "Order",
    "RecordedRequest",
    "Refill",
    "SandboxPanel",
    "Service",
]
