"""SQLite storage: versioned schema, repositories returning frozen records, key encryption.

All SQL of the project lives in this package.
"""

from bot.storage.crypto import KeyVault
from bot.storage.database import Database
from bot.storage.errors import (
    DuplicatePanelOrder,
    DuplicateSubmit,
    KeyUnavailableError,
    NotFoundError,
    OrderStateError,
    SchemaTooNewError,
    SecretFileError,
    StorageError,
)
from bot.storage.models import (
    Account,
    AccountKind,
    Draft,
    NewOrder,
    Order,
    Refill,
    ServiceSnapshot,
    StatusUpdate,
    SubmitState,
    User,
    UserSettings,
    parse_id,
)

__all__ = [
    "Account",
    "AccountKind",
    "Database",
    "Draft",
    "DuplicatePanelOrder",
    "DuplicateSubmit",
    "KeyUnavailableError",
    "KeyVault",
    "NewOrder",
    "NotFoundError",
    "Order",
    "OrderStateError",
    "Refill",
    "SchemaTooNewError",
    "SecretFileError",
    "ServiceSnapshot",
    "StatusUpdate",
    "StorageError",
    "SubmitState",
    "User",
    "UserSettings",
    "parse_id",
]
