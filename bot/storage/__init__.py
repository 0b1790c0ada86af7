"""SQLite storage: versioned schema, repositories returning frozen records, key encryption.

All SQL of the project lives in this package.
"""

from bot.storage.crypto import KeyVault
from bot.storage.database import Database
from bot.storage.errors import (
    DatabaseInUse,
    DatabaseUnavailable,
    DuplicatePanelOrder,
    DuplicateSubmit,
    KeyUnavailableError,
    NotFoundError,
    OrderStateError,
    SchemaTooNewError,
    SecretFileError,
    StorageError,
)
from bot.storage.instance_lock import InstanceLock
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
    "DatabaseInUse",
    "DatabaseUnavailable",
    "Draft",
    "DuplicatePanelOrder",
    "DuplicateSubmit",
    "KeyUnavailableError",
    "InstanceLock",
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
