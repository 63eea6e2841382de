"""``django.test.utils`` for Django's ORM tests: query capture and lookups on orm-lite.

Everything is Django's but ``CaptureQueriesContext`` (the statements orm-lite
runs on the suite's database), ``register_lookup`` (registers on orm-lite's
fields and transforms) and ``isolate_apps``: Django's, without importing the
apps named (their models are orm-lite's, which Django's registry cannot load);
the models a test defines under it are orm-lite models all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import _ormlite_suite
from django.test.utils import *  # noqa: F403 - the names orm-lite does not replace
from django.test.utils import isolate_apps as _django_isolate_apps

from manouche.orm_lite import watch


class CaptureQueriesContext:
    """``captured_queries``: ``{"sql": ..., "time": ...}`` of each statement orm-lite ran."""

    def __init__(self, connection: Any = None) -> None:
        self.connection = connection
        self.captured_queries: list[dict[str, str]] = []

    def _seen(self, event: Any) -> None:
        self.captured_queries.append({"sql": event.sql, "time": f"{event.duration:.3f}"})

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(self.captured_queries)

    def __getitem__(self, index: int) -> dict[str, str]:
        return self.captured_queries[index]

    def __len__(self) -> int:
        return len(self.captured_queries)

    def __enter__(self) -> CaptureQueriesContext:
        self.captured_queries = []
        self._watch = watch(_ormlite_suite.database(), self._seen)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._watch.remove()


@contextmanager
def register_lookup(field: Any, *lookups: Any, lookup_name: str | None = None) -> Iterator[None]:
    """Register ``lookups`` on ``field`` (an orm-lite class) for the block."""
    try:
        for lookup in lookups:
            field.register_lookup(lookup, lookup_name)
        yield
    finally:
        for lookup in lookups:
            try:
                field.unregister_lookup(lookup, lookup_name)
            except KeyError:
                pass


def isolate_apps(*installed_apps: str, **kwargs: Any) -> Any:
    """Django's ``isolate_apps`` with an empty app registry (the apps' models are orm-lite's)."""
    return _django_isolate_apps(**kwargs)
