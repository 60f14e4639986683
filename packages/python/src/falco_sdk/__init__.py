"""falco_sdk: consume Falco's alerts over its gRPC outputs API (Falco 0.24 to 0.43.x).

    from falco_sdk import FalcoClient
    with FalcoClient() as falco, falco.subscribe() as alerts:
        for alert in alerts:
            print(alert.json_line())
"""

from .alert import PRIORITIES, Alert
from .backoff import Backoff
from .client import FalcoClient
from .endpoint import DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH, Endpoint, resolve_endpoint
from .errors import ConfigurationError, FalcoError, FalcoUnavailableError
from .subscription import Subscription, SubscriptionStatus
from .tls import Tls

__all__ = [
    "PRIORITIES",
    "Alert",
    "Backoff",
    "ConfigurationError",
    "DEFAULT_SOCKET_PATH",
    "Endpoint",
    "FalcoClient",
    "FalcoError",
    "FalcoUnavailableError",
    "LEGACY_SOCKET_PATH",
    "Subscription",
    "SubscriptionStatus",
    "Tls",
    "resolve_endpoint",
]
