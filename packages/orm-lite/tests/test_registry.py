"""The public model registry (``registry.get_models``/``get_model``) compared with Django's apps,
and ``Model.from_db`` (the fast path without ``__init__``) compared with the slow one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from manouche import orm_lite as models
from manouche import signals
from manouche.orm_lite import registry


@pytest.fixture(scope="module")
def dj_apps() -> Any:
    from django.apps import apps

    import tests.olparity  # noqa: F401  (registers the orm-lite parity models)

    if "parity" not in apps.app_configs:
        pytest.skip("Django was configured elsewhere in this process without the parity app")
    return apps


def _names(found: list[Any]) -> list[str]:
    return [m._meta.object_name for m in found]


def test_get_models_lists_an_app_as_django(dj_apps: Any) -> None:
    dj = dj_apps.get_app_config("parity")
    assert _names(registry.get_models("parity")) == _names(list(dj.get_models()))
    assert registry.get_models("PARITY") == []  # app labels are case-sensitive, as Django's
    with_through = registry.get_models("parity", include_auto_created=True)
    assert sorted(_names(with_through)) == sorted(
        _names(list(dj.get_models(include_auto_created=True)))
    )
    assert any(m._meta.auto_created for m in with_through)


def test_get_models_without_app_label_lists_every_app() -> None:
    class Gadget(models.Model):
        class Meta:
            app_label = "registry_other"

    everything = registry.get_models()
    assert Gadget in everything
    assert set(registry.get_models("parity")) <= set(everything)
    assert registry.get_models("registry_other") == [Gadget]
    assert registry.get_models("no_such_app") == []


@pytest.mark.parametrize(
    "args",
    [
        ("parity.Book",),
        ("parity.book",),
        ("parity.BOOK",),
        ("parity", "Book"),
        ("parity", "bOOk"),
    ],
)
def test_get_model_case_insensitive_as_django(dj_apps: Any, args: tuple[str, ...]) -> None:
    from tests.olparity import OL

    assert registry.get_model(*args) is OL.Book
    assert dj_apps.get_model(*args)._meta.object_name == "Book"


@pytest.mark.parametrize(
    "args",
    [
        ("parity.Nothing",),
        ("parity", "nothing"),
        ("nope.Book",),
        ("nope", "Book"),
        ("PARITY.Book",),
    ],
)
def test_get_model_errors_as_django(dj_apps: Any, args: tuple[str, ...]) -> None:
    with pytest.raises(LookupError) as dj_err:
        dj_apps.get_model(*args)
    with pytest.raises(LookupError) as ours:
        registry.get_model(*args)
    assert str(ours.value) == str(dj_err.value)


@pytest.mark.parametrize("label", ["Book", "a.b.c", ".Book", "parity."])
def test_get_model_malformed_label(label: str) -> None:
    with pytest.raises(ValueError, match="app_label.ModelName"):
        registry.get_model(label)


# -- from_db -------------------------------------------------------------------------------


class Note(models.Model):
    title = models.CharField(max_length=20)
    when = models.DateField(null=True)
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)

    class Meta:
        app_label = "registry_fromdb"


class CustomInit(models.Model):
    title = models.CharField(max_length=20)

    class Meta:
        app_label = "registry_fromdb"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen = True


NAMES = ["id", "title", "when", "parent_id"]
VALUES = [3, "x", datetime.date(2026, 1, 2), None]


def _slow(names: list[str], values: list[Any]) -> Any:
    """What ``from_db`` returns through ``__init__`` (a receiver forces the slow path)."""
    got = []

    def on_init(sender: Any, **kw: Any) -> None:
        got.append(sender)

    signals.post_init.connect(on_init, sender=Note)
    try:
        obj = Note.from_db(None, names, values)
    finally:
        signals.post_init.disconnect(on_init, sender=Note)
    assert got == [Note]
    return obj


def test_from_db_fast_path_matches_init() -> None:
    fast = Note.from_db("db", NAMES, VALUES)
    slow = _slow(NAMES, VALUES)
    slow._state.db = "db"
    assert vars(fast).keys() == vars(slow).keys()
    for key in ("id", "title", "when", "parent_id"):
        assert getattr(fast, key) == getattr(slow, key)
    assert (fast._state.adding, fast._state.db) == (False, "db")
    assert (slow._state.adding, slow._state.db) == (False, "db")
    assert fast.parent is None and fast.pk == 3


def test_from_db_partial_fields_leaves_the_rest_deferred() -> None:
    fast = Note.from_db(None, ["id", "title"], [4, "y"])
    slow = _slow(["id", "title"], [4, "y"])
    assert vars(fast).keys() == vars(slow).keys()
    assert "when" not in vars(fast)
    assert fast.title == "y" and fast._state.adding is False


def test_from_db_sends_init_signals_when_connected() -> None:
    sent: list[tuple[str, Any]] = []

    def pre(sender: Any, **kw: Any) -> None:
        sent.append(("pre", kw["args"]))

    def post(sender: Any, instance: Any, **kw: Any) -> None:
        sent.append(("post", instance.title))

    signals.pre_init.connect(pre, sender=Note)
    signals.post_init.connect(post, sender=Note)
    try:
        obj = Note.from_db(None, NAMES, VALUES)
    finally:
        signals.pre_init.disconnect(pre, sender=Note)
        signals.post_init.disconnect(post, sender=Note)
    assert sent == [("pre", tuple(VALUES)), ("post", "x")]
    assert obj._state.adding is False
    # A receiver for another model does not slow this one down nor get called.
    signals.post_init.connect(post, sender=CustomInit)
    try:
        Note.from_db(None, NAMES, VALUES)
    finally:
        signals.post_init.disconnect(post, sender=CustomInit)
    assert len(sent) == 2


def test_from_db_runs_an_overridden_init() -> None:
    obj = CustomInit.from_db(None, ["id", "title"], [1, "t"])
    assert obj.seen is True
    assert obj._state.adding is False


def test_from_db_on_abstract_model_is_an_error() -> None:
    class Base(models.Model):
        class Meta:
            abstract = True
            app_label = "registry_fromdb"

    with pytest.raises(TypeError, match="Abstract models cannot be instantiated"):
        Base.from_db(None, [], [])


def test_querysets_run_an_overridden_init_and_signals(tmp_path: Any) -> None:
    db = models.Database(f"sqlite:///{tmp_path / 'init.sqlite3'}", default=False)
    try:
        db.create_all([CustomInit, Note])
        CustomInit.objects.using(db).create(title="a")
        parent = Note.objects.using(db).create(title="p")
        Note.objects.using(db).create(title="c", parent=parent)
        loaded = list(CustomInit.objects.using(db).all())
        assert [o.seen for o in loaded] == [True]
        assert CustomInit.objects.using(db).get(title="a").seen is True
        assert loaded[0]._state.adding is False and loaded[0]._state.db is db
        got: list[Any] = []

        def on_init(sender: Any, instance: Any, **kw: Any) -> None:
            got.append(instance.title)

        signals.post_init.connect(on_init, sender=Note)
        try:
            child = Note.objects.using(db).select_related("parent").get(title="c")
        finally:
            signals.post_init.disconnect(on_init, sender=Note)
        assert got == ["c", "p"]
        assert child.parent.title == "p" and child.parent._state.adding is False
        # Without receivers the same query builds the same instances.
        again = Note.objects.using(db).select_related("parent").get(title="c")
        assert vars(again.parent).keys() == vars(child.parent).keys()
    finally:
        db.dispose()


def test_a_proxy_with_its_own_init_runs_it(tmp_path: Any) -> None:
    class NoteProxy(Note):
        class Meta:
            proxy = True
            app_label = "registry_fromdb"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.seen = True

    obj = NoteProxy.from_db(None, NAMES, VALUES)
    assert obj.seen is True and obj._state.adding is False
    db = models.Database(f"sqlite:///{tmp_path / 'proxy.sqlite3'}", default=False)
    try:
        db.create_all([Note])
        Note.objects.using(db).create(title="n")
        assert [o.seen for o in NoteProxy.objects.using(db).all()] == [True]
        assert not hasattr(Note.objects.using(db).get(title="n"), "seen")
    finally:
        db.dispose()
