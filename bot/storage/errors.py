"""Errors the storage layer raises on purpose; none of them carries a secret."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.models import Order, SubmitState


class StorageError(Exception):
    """Base of the errors raised by `bot.storage`."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer smm-bot; starting would risk damaging it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"Database {path} has schema version {found}, but this smm-bot supports up to "
            f"{supported}. Upgrade smm-bot, or restore a backup made by this version."
        )
        self.found = found
        self.supported = supported


class SecretFileError(StorageError):
    """The key-encryption secret file exists but cannot be used."""


class DatabaseUnavailable(StorageError):
    """The database (or its folder) cannot be created or opened: a file in the way, no rights."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error.strerror or error}")


class DatabaseInUse(StorageError):
    """Another bot process holds the database; running beside it would repeat its work."""

    def __init__(self, path: Path, holder: str) -> None:
        by = f" (process {holder})" if holder else ""
        super().__init__(f"Database {path} is in use by another smm-bot{by}. Stop that one first.")


class DuplicateSubmit(StorageError):
    """The submit token was used before: this confirmation already created `order`."""

    def __init__(self, order: Order) -> None:
        super().__init__(f"submit token already used by order {order.id}")
        self.order = order


class DuplicatePanelOrder(StorageError):
    """Another order of the same account already has this panel order id."""

    def __init__(self, panel_order_id: int, existing_order_id: int) -> None:
        super().__init__(f"panel order {panel_order_id} is already order {existing_order_id}")
        self.existing_order_id = existing_order_id


class OrderStateError(StorageError):
    """An order is not in the submit state a transition starts from."""

    def __init__(self, order_id: int, state: SubmitState, expected: SubmitState) -> None:
        super().__init__(f"order {order_id} is {state.value}, expected {expected.value}")
        self.order_id = order_id
        self.state = state


class NotFoundError(StorageError):
    """The row a method was asked to change does not exist."""


class KeyUnavailableError(StorageError):
    """An account has no usable stored key: shared, disconnected, or under another secret."""
