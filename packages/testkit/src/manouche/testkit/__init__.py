"""manouche.testkit: the test interface, as a pytest plugin.

``Client`` and ``Response`` need WebTest (the ``web`` extra); they are
imported on first use, so that the rest of the package, and the pytest
plugin that every Manouche package loads, work without it.
"""

from typing import TYPE_CHECKING, Any

from manouche.testkit.blocking import DatabaseAccessBlocked
from manouche.testkit.databases import (
    DatabaseFixture,
    TestTransactionCommitted,
    engine_of,
    flush_tables,
    rolled_back,
    transactional,
)
from manouche.testkit.queries import CapturedQueries, Query, assert_num_queries, capture_queries
from manouche.testkit.readme import ReadmeBlock, ReadmeBlockError, readme_blocks, run_readme
from manouche.testkit.servers import LiveServer
from manouche.testkit.services import (
    SERVICES,
    Service,
    fresh_database,
    require_service,
    service_answers,
    services_required,
)
from manouche.testkit.signals import CapturedSignals, SentSignal, capture_signals

if TYPE_CHECKING:
    from manouche.testkit.client import Client, Response

__all__ = [
    "SERVICES",
    "CapturedQueries",
    "CapturedSignals",
    "Client",
    "DatabaseAccessBlocked",
    "DatabaseFixture",
    "LiveServer",
    "Query",
    "ReadmeBlock",
    "ReadmeBlockError",
    "Response",
    "SentSignal",
    "Service",
    "TestTransactionCommitted",
    "assert_num_queries",
    "capture_queries",
    "capture_signals",
    "engine_of",
    "flush_tables",
    "fresh_database",
    "readme_blocks",
    "require_service",
    "rolled_back",
    "run_readme",
    "service_answers",
    "services_required",
    "transactional",
]

_NEED_WEBTEST = frozenset({"Client", "Response"})


def __getattr__(name: str) -> Any:
    # The one piece of logic here: the WebTest-based names load lazily.
    if name in _NEED_WEBTEST:
        try:
            from manouche.testkit import client
        except ImportError as exc:
            raise ImportError(
                f"manouche.testkit.{name} needs WebTest: pip install 'manouche-testkit[web]'"
            ) from exc
        return getattr(client, name)
    raise AttributeError(f"module 'manouche.testkit' has no attribute {name!r}")
