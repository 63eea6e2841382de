"""``django.db.transaction`` for Django's ORM tests: orm-lite's atomic() and on_commit()."""

from __future__ import annotations

from typing import Any

import _ormlite_suite

from manouche import orm_lite
from manouche.orm_lite import TransactionManagementError

__all__ = ["TransactionManagementError", "atomic", "on_commit"]


def atomic(using: Any = None, savepoint: bool = True, durable: bool = False) -> Any:
    if callable(using) and not isinstance(using, orm_lite.Database):
        return orm_lite.atomic(_ormlite_suite.database())(using)
    return orm_lite.atomic(_ormlite_suite.resolve(using), savepoint=savepoint, durable=durable)


def on_commit(func: Any, using: Any = None, robust: bool = False) -> None:
    orm_lite.on_commit(func, using=_ormlite_suite.resolve(using), robust=robust)


def __getattr__(name: str) -> Any:
    if name.startswith("_") or name == "install":
        raise AttributeError(name)
    return _ormlite_suite.missing(f"transaction.{name}")
