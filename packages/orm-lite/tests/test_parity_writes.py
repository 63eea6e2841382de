"""Django parity for writes and signals: the same operations through Django and through
orm-lite on the same SQLite file (each rolled back after), comparing the signals sent,
the counts returned and every table's rows afterwards, byte for byte as stored."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import signals as dj_signals

from manouche import signals as ol_signals

TABLES = [
    "parity_publisher",
    "parity_author",
    "parity_tag",
    "parity_book",
    "parity_book_tags",
    "parity_profile",
    "parity_club",
    "parity_membership",
]
SIGNALS = [
    "pre_init",
    "post_init",
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "m2m_changed",
]


class _Rollback(Exception):
    pass


def _ident(obj: Any) -> Any:
    if obj is None:
        return None
    if hasattr(obj, "_meta"):
        return (type(obj).__name__, obj.pk)
    if hasattr(obj, "query"):
        return ("QuerySet", obj.model.__name__)
    return repr(obj)


def _record(log: list[Any], name: str) -> Callable[..., None]:
    def receiver(sender: Any, **kw: Any) -> None:
        if name in ("pre_init", "post_init"):
            log.append((name, sender.__name__))
            return
        entry: dict[str, Any] = {"signal": name, "sender": sender.__name__}
        instance = kw.get("instance")
        entry["instance"] = _ident(instance)
        for key in ("created", "action", "reverse"):
            if key in kw:
                entry[key] = kw[key]
        if "update_fields" in kw:
            uf = kw["update_fields"]
            entry["update_fields"] = None if uf is None else sorted(uf)
        if "pk_set" in kw:
            entry["pk_set"] = None if kw["pk_set"] is None else sorted(kw["pk_set"])
        if "model" in kw:
            entry["model"] = kw["model"].__name__
        if "origin" in kw:
            entry["origin"] = _ident(kw["origin"])
        log.append(tuple(sorted(entry.items())))

    return receiver


def _stored(value: Any) -> Any:
    """The value as SQLite stores it (Django's raw cursor converts dates and booleans back)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.date | datetime.time):
        return str(value)
    return value


def _dump(execute: Callable[[str], list[Any]]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: [tuple(_stored(v) for v in r) for r in execute(f"SELECT * FROM {t} ORDER BY 1")]
        for t in TABLES
    }


def run_django(dj: Any, scenario: Callable[[Any], Any]) -> tuple[Any, list[Any], Any]:
    log: list[Any] = []
    receivers = []
    for name in SIGNALS:
        fn = _record(log, name)
        receivers.append((getattr(dj_signals, name), fn))
        getattr(dj_signals, name).connect(fn, weak=False)
    try:
        with transaction.atomic():
            try:
                result = scenario(dj)
            except Exception as exc:  # noqa: BLE001 - compared with orm-lite's
                result = ("error", type(exc).__name__)

            def execute(sql: str) -> list[Any]:
                with connection.cursor() as cur:
                    cur.execute(sql)
                    return list(cur.fetchall())

            dump = _dump(execute)
            transaction.set_rollback(True)
    finally:
        for sig, fn in receivers:
            sig.disconnect(fn)
    connection.close()
    return result, log, dump


def run_orm_lite(ol: Any, db: Any, scenario: Callable[[Any], Any]) -> tuple[Any, list[Any], Any]:
    log: list[Any] = []
    receivers = []
    for name in SIGNALS:
        fn = _record(log, name)
        receivers.append((getattr(ol_signals, name), fn))
        getattr(ol_signals, name).connect(fn, weak=False)
    db.make_default()
    out: dict[str, Any] = {}
    try:
        with db.atomic():
            try:
                out["result"] = scenario(ol)
            except Exception as exc:  # noqa: BLE001
                out["result"] = ("error", type(exc).__name__)
            conn = db.connection()
            out["dump"] = _dump(lambda sql: list(conn.exec_driver_sql(sql).all()))
            raise _Rollback
    except _Rollback:
        pass
    finally:
        for sig, fn in receivers:
            sig.disconnect(fn)
        db.close()
    return out["result"], log, out["dump"]


def _norm(result: Any) -> Any:
    if hasattr(result, "_meta"):
        return _ident(result)
    if isinstance(result, list | tuple):
        return [_norm(r) for r in result]
    if isinstance(result, dict):
        return {k: _norm(v) for k, v in result.items()}
    return result


SCENARIOS: dict[str, Callable[[Any], Any]] = {}


def scenario(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    SCENARIOS[fn.__name__] = fn
    return fn


@scenario
def create_and_save(m: Any) -> Any:
    p = m.Publisher.objects.create(name="New House", country="FR")
    p.country = "BE"
    p.save()
    p.save(update_fields=["name"])
    a = m.Author(name="Zoe", age=33)
    a.save()
    return [p.pk, a.pk]


@scenario
def delete_author_cascades(m: Any) -> Any:
    # books (CASCADE), their tag rows, edited books (SET_NULL), profile (CASCADE),
    # memberships (CASCADE), mentees (SET_NULL)
    return m.Author.objects.get(pk=2).delete()


@scenario
def delete_queryset(m: Any) -> Any:
    return m.Author.objects.filter(age__gt=60).delete()


@scenario
def delete_publisher_set_null(m: Any) -> Any:
    return m.Publisher.objects.filter(country="US").delete()


@scenario
def m2m_add_remove_set_clear(m: Any) -> Any:
    b = m.Book.objects.get(pk=5)
    tags = list(m.Tag.objects.order_by("pk"))
    b.tags.add(tags[0], tags[1].pk)
    b.tags.remove(tags[0])
    b.tags.set([tags[2], tags[3]])
    b.tags.clear()
    tags[4].books.add(b)  # the reverse side
    tags[4].books.remove(b)
    return sorted(t.pk for t in b.tags.all())


@scenario
def related_manager_create(m: Any) -> Any:
    a = m.Author.objects.get(pk=3)
    b = a.books.create(
        title="Made here",
        pages=10,
        price=decimal.Decimal("1.50"),
        published=datetime.date(2020, 1, 1),
        created=datetime.datetime(2020, 1, 1, 12, 0, 0, 250000),
        genre="sci",
    )
    return b.pk


@scenario
def update_with_expressions(m: Any) -> Any:
    n1 = m.Book.objects.filter(author__age__gt=40).update(pages=m.F("pages") + 1)
    n2 = m.Book.objects.filter(rating=None).update(rating=m.Value(0.5))
    n3 = m.Author.objects.filter(books__genre="his").update(age=m.F("age") * 2)
    return [n1, n2, n3]


@scenario
def save_with_expressions(m: Any) -> Any:
    # An expression assigned to a field is computed by the database on save (never bound
    # as a value: its repr was once stored).
    b = m.Book.objects.get(pk=3)
    b.pages = m.F("pages") + 10
    b.title = m.Lower(m.Value("SHOUTED Title"))
    b.save()
    p = m.Publisher(name=m.Upper(m.Value("made upper")), country="FR")
    p.save()
    return list(m.Book.objects.filter(pk=3).values_list("pages", "title")) + [p.pk]


@scenario
def bulk_create_and_update(m: Any) -> Any:
    made = m.Tag.objects.bulk_create([m.Tag(name=f"bulk-{i}") for i in range(5)])
    books = list(m.Book.objects.filter(pk__lte=10).order_by("pk"))
    for b in books:
        b.pages = b.pages * 3
        b.in_print = not b.in_print
    n = m.Book.objects.bulk_update(books, ["pages", "in_print"])
    return [len(made), n]


@scenario
def get_or_create_update_or_create(m: Any) -> Any:
    t1, c1 = m.Tag.objects.get_or_create(name="sf")
    t2, c2 = m.Tag.objects.get_or_create(name="brand-new")
    a, c3 = m.Author.objects.update_or_create(pk=4, defaults={"age": 77})
    return [t1.pk, c1, t2.pk, c2, a.pk, c3]


@scenario
def protect_like_restrict_errors(m: Any) -> Any:
    # Deleting a tag only removes m2m rows; deleting a club removes memberships.
    n_tag = m.Tag.objects.get(name="crime").delete()
    n_club = m.Club.objects.get(name="Readers").delete()
    return [n_tag, n_club]


@scenario
def save_with_update_fields_only(m: Any) -> Any:
    b = m.Book.objects.get(pk=7)
    m.Book.objects.filter(pk=7).update(title="changed behind")
    b.pages = 1
    b.save(update_fields=["pages"])
    return b.pk


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_writes_and_signals_match_django(sides: Any, name: str) -> None:
    dj, ol, db = sides
    fn = SCENARIOS[name]
    dj_result, dj_log, dj_dump = run_django(dj, fn)
    ol_result, ol_log, ol_dump = run_orm_lite(ol, db, fn)
    assert _norm(ol_result) == _norm(dj_result)
    for table in TABLES:
        assert ol_dump[table] == dj_dump[table], table
    # the same signals; the order of rows within one cascade is not part of the contract
    from collections import Counter

    ours, theirs = Counter(map(repr, ol_log)), Counter(map(repr, dj_log))
    extra, missing = sorted((ours - theirs).elements()), sorted((theirs - ours).elements())
    assert (extra[:5], missing[:5]) == ([], [])
    saves = [e for e in dj_log if isinstance(e, tuple) and ("signal", "pre_save") in e]
    assert len(saves) == len([e for e in ol_log if ("signal", "pre_save") in e])
