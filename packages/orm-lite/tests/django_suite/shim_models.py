"""``django.db.models`` and its submodules for Django's ORM tests: orm-lite's names.

``functions``, ``lookups``, ``expressions``, ``query``, ``query_utils``,
``manager``, ``deletion``, ``aggregates``, ``fields`` and the rest of
Django's model modules are all this one module: every name orm-lite exports,
``signals`` (orm-lite's model signals) and, for a Django name orm-lite does
not have, a placeholder that raises ``NotImplementedError`` when used.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import _ormlite_suite

from manouche import orm_lite
from manouche.orm_lite import *  # noqa: F403 - Django's names, from orm-lite
from manouche.orm_lite import _signals

signals = types.ModuleType("django.db.models.signals")
signals.__dict__.update({name: getattr(_signals, name) for name in _signals.__all__})

# Django's module-level names that are plain values, not classes.
LOOKUP_SEP = "__"
MAX_GET_RESULTS = 21
DEFERRED = getattr(orm_lite, "DEFERRED", object())

# A missing QuerySet method used in a model's class body (``CustomQuerySet.as_manager()``):
# the placeholder leaves the model without that manager instead of failing the module.
if not hasattr(orm_lite.QuerySet, "as_manager"):
    orm_lite.QuerySet.as_manager = classmethod(  # type: ignore[attr-defined]
        lambda cls, *args, **kwargs: _ormlite_suite.inert(
            _ormlite_suite.missing("QuerySet.as_manager"), 2
        )
    )

_self = sys.modules[__name__]
functions = lookups = expressions = query = query_utils = manager = _self
deletion = aggregates = fields = constraints = indexes = enums = base = _self


def __getattr__(name: str) -> Any:
    if name.startswith("_") or name == "install":
        raise AttributeError(name)
    return _ormlite_suite.missing(name)
