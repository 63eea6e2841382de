"""The model signals from manouche.signals on every backend: init, save (created,
update_fields), delete (also for cascaded rows, with origin) and m2m_changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche import signals
from tests.conf_models import Author, Book, Chapter, Tag


@pytest.fixture
def events() -> Iterator[list[tuple[Any, ...]]]:
    log: list[tuple[Any, ...]] = []

    def on_save(sender: Any, instance: Any, **kw: Any) -> None:
        log.append(
            (
                kw["signal"].name,
                sender.__name__,
                instance.pk,
                kw.get("created"),
                None if kw["update_fields"] is None else sorted(kw["update_fields"]),
            )
        )

    def on_delete(sender: Any, instance: Any, origin: Any, **kw: Any) -> None:
        log.append((kw["signal"].name, sender.__name__, instance.pk, type(origin).__name__))

    def on_m2m(
        sender: Any, action: str, instance: Any, pk_set: Any, reverse: bool, **kw: Any
    ) -> None:
        log.append(
            ("m2m_changed", action, type(instance).__name__, reverse, pk_set and sorted(pk_set))
        )

    pairs = [
        (signals.pre_save, on_save),
        (signals.post_save, on_save),
        (signals.pre_delete, on_delete),
        (signals.post_delete, on_delete),
        (signals.m2m_changed, on_m2m),
    ]
    for sig, fn in pairs:
        sig.connect(fn)
    yield log
    for sig, fn in pairs:
        sig.disconnect(fn)


def test_save_signals(backend_db: Any, events: list[Any]) -> None:
    a = Author.objects.create(name="A")
    a.age = 3
    a.save(update_fields=["age"])
    assert events == [
        ("pre_save", "Author", None, None, None),
        ("post_save", "Author", a.pk, True, None),
        ("pre_save", "Author", a.pk, None, ["age"]),
        ("post_save", "Author", a.pk, False, ["age"]),
    ]


def test_delete_signals_for_cascaded_rows(backend_db: Any, events: list[Any]) -> None:
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="t", author=a)
    c = Chapter.objects.create(book=b, number=1)
    events.clear()
    expected = {("Author", a.pk), ("Book", b.pk), ("Chapter", c.pk)}
    a.delete()
    assert a.pk is None  # after the signals, as Django
    pre = {e[1:3] for e in events if e[0] == "pre_delete"}
    post = {e[1:3] for e in events if e[0] == "post_delete"}
    assert pre == post == expected
    assert all(e[3] == "Author" for e in events)  # origin: the instance delete() was called on
    assert events.index(next(e for e in events if e[0] == "pre_delete")) < events.index(
        next(e for e in events if e[0] == "post_delete")
    )
    Author.objects.create(name="B")
    events.clear()
    Author.objects.all().delete()
    assert [e[3] for e in events] == ["QuerySet", "QuerySet"]


def test_m2m_changed(backend_db: Any, events: list[Any]) -> None:
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="t", author=a)
    t1, t2 = Tag.objects.create(name="x"), Tag.objects.create(name="y")
    events.clear()
    b.tags.add(t1, t2)
    b.tags.remove(t1)
    b.tags.clear()
    t1.books.add(b)
    m2m = [e for e in events if e[0] == "m2m_changed"]
    assert m2m == [
        ("m2m_changed", "pre_add", "Book", False, sorted([t1.pk, t2.pk])),
        ("m2m_changed", "post_add", "Book", False, sorted([t1.pk, t2.pk])),
        ("m2m_changed", "pre_remove", "Book", False, [t1.pk]),
        ("m2m_changed", "post_remove", "Book", False, [t1.pk]),
        ("m2m_changed", "pre_clear", "Book", False, None),
        ("m2m_changed", "post_clear", "Book", False, None),
        ("m2m_changed", "pre_add", "Tag", True, [b.pk]),
        ("m2m_changed", "post_add", "Tag", True, [b.pk]),
    ]


def test_receiver_for_one_sender_and_blinker_style(backend_db: Any) -> None:
    seen: list[str] = []

    def only_tags(sender: Any, **kw: Any) -> None:
        seen.append(sender.__name__)

    signals.post_save.connect(only_tags, sender=Tag)
    try:
        Author.objects.create(name="A")
        Tag.objects.create(name="x")
    finally:
        signals.post_save.disconnect(only_tags, sender=Tag)
    assert seen == ["Tag"]


def test_init_signals(backend_db: Any) -> None:
    seen: list[Any] = []

    def pre(sender: Any, args: Any, kwargs: Any, **kw: Any) -> None:
        seen.append(("pre_init", sender.__name__, dict(kwargs)))

    def post(sender: Any, instance: Any, **kw: Any) -> None:
        seen.append(("post_init", sender.__name__, instance.name))

    signals.pre_init.connect(pre, sender=Tag)
    signals.post_init.connect(post, sender=Tag)
    try:
        Tag(name="x").save()
        list(Tag.objects.all())
    finally:
        signals.pre_init.disconnect(pre, sender=Tag)
        signals.post_init.disconnect(post, sender=Tag)
    assert seen[:2] == [("pre_init", "Tag", {"name": "x"}), ("post_init", "Tag", "x")]
    assert seen[-1] == ("post_init", "Tag", "x")


def test_raw_save_sends_raw_and_keeps_loaded_values(backend_db: Any) -> None:
    """``save_base(raw=True)``: the signals say ``raw=True`` and no field's ``pre_save``
    runs, so ``auto_now``/``auto_now_add`` keep the values the instance carries."""
    import datetime

    seen: list[tuple[str, bool, bool]] = []

    def on_save(sender: Any, instance: Any, raw: bool, **kw: Any) -> None:
        seen.append((kw["signal"].name, raw, kw.get("created", False)))

    signals.pre_save.connect(on_save, sender=Author)
    signals.post_save.connect(on_save, sender=Author)
    try:
        stamp = datetime.datetime(2001, 2, 3, 4, 5, 6)
        a = Author(id=900, name="Raw", created=stamp, updated=stamp)
        a.save_base(raw=True)
        a.name = "Raw again"
        a.save_base(raw=True)
        b = Author.objects.create(name="Cooked")
    finally:
        signals.pre_save.disconnect(on_save, sender=Author)
        signals.post_save.disconnect(on_save, sender=Author)
    assert seen == [
        ("pre_save", True, False),
        ("post_save", True, True),
        ("pre_save", True, False),
        ("post_save", True, False),
        ("pre_save", False, False),
        ("post_save", False, True),
    ]
    got = Author.objects.get(pk=900)
    assert (got.name, got.created, got.updated) == ("Raw again", stamp, stamp)
    assert Author.objects.get(pk=b.pk).updated != stamp
