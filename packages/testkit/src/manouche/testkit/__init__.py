"""manouche.testkit: the test interface, as a pytest plugin."""

from manouche.testkit.services import (
    SERVICES,
    Service,
    fresh_database,
    require_service,
    service_answers,
    services_required,
)

__all__ = [
    "SERVICES",
    "Service",
    "fresh_database",
    "require_service",
    "service_answers",
    "services_required",
]
