"""falco_sdk: consume Falco's alerts over its gRPC outputs API (Falco 0.24 to 0.43.x).

    from falco_sdk import FalcoClient
    with FalcoClient() as falco, falco.subscribe() as alerts:
        for alert in alerts:
            print(alert.json_line())

`falco_sdk.aio` has the same client for asyncio.
"""

from .alert import PRIORITIES, Alert
from .backoff import Backoff
from .client import FalcoClient
from .endpoint import DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH, Endpoint, resolve_endpoint
from .errors import (
    ConfigurationError,
    FalcoConnectionError,
    FalcoError,
    FalcoUnavailableError,
    LivenessError,
    SubscriptionStarvedError,
    TLSError,
)
from .status import (
    Closed,
    Connected,
    Connecting,
    Disconnected,
    Dropped,
    Reconnecting,
    StatusEvent,
    StatusFeed,
    Starved,
)
from .subscription import Subscription
from .tls import TLS

__all__ = [
    "DEFAULT_SOCKET_PATH",
    "LEGACY_SOCKET_PATH",
    "PRIORITIES",
    "TLS",
    "TLSError",
    "Alert",
    "Backoff",
    "Closed",
    "ConfigurationError",
    "Connected",
    "Connecting",
    "Disconnected",
    "Dropped",
    "Endpoint",
    "FalcoClient",
    "FalcoConnectionError",
    "FalcoError",
    "FalcoUnavailableError",
    "LivenessError",
    "Reconnecting",
    "StatusEvent",
    "StatusFeed",
    "Starved",
    "Subscription",
    "SubscriptionStarvedError",
    "resolve_endpoint",
]
