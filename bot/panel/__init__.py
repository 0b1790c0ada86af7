"""API v2 panel client: `PanelClient`, its models and errors. No Telegram here.

    async with PanelClient("https://smm.plus/api/v2") as client:
        services = await client.services(key)          # key: pydantic SecretStr
        order_id = await client.add(key, 1, {"link": url, "quantity": 100})

`SERVICE_TYPES` / `order_fields(service)` say which `add` fields each service type takes.
"""

from bot.panel.client import MAX_IDS_PER_REQUEST, PanelClient
from bot.panel.errors import (
    OrderOutcomeUnknown,
    PanelAuthError,
    PanelError,
    PanelRejected,
    PanelUnavailable,
)
from bot.panel.health import PanelHealth
from bot.panel.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderState,
    OrderStatus,
    RefillState,
    RefillStatus,
    Service,
    ServiceType,
)
from bot.panel.service_types import (
    SERVICE_TYPES,
    FieldKind,
    FormField,
    QuantityMode,
    TypeSpec,
    order_fields,
)

__all__ = [
    "MAX_IDS_PER_REQUEST",
    "SERVICE_TYPES",
    "Balance",
    "CancelResult",
    "FieldKind",
    "FormField",
    "ItemError",
    "OrderOutcomeUnknown",
    "OrderState",
    "OrderStatus",
    "PanelAuthError",
    "PanelClient",
    "PanelError",
    "PanelHealth",
    "PanelRejected",
    "PanelUnavailable",
    "QuantityMode",
    "RefillState",
    "RefillStatus",
    "Service",
    "ServiceType",
    "TypeSpec",
    "order_fields",
]
