"""Every common model field type, orm-lite against Django: form fields, HTML, cleaning."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal, form_profile_model

models = pytest.importorskip("manouche.orm_lite")


@pytest.fixture(scope="module")
def pair(dj: Any, tmp_path_factory: Any) -> Iterator[tuple[Any, Any, Any]]:
    from django.db import connection

    try:
        from formkit_ref.models import Profile as DjangoProfile
    except RuntimeError:
        pytest.skip("Django was configured without the formkit_ref reference app")

    Profile = form_profile_model(models, app_label="fktypes")["Profile"]

    with connection.schema_editor() as editor:
        editor.create_model(DjangoProfile)
    DjangoProfile.objects.create(user_name="root")
    db = models.Database(f"sqlite:///{tmp_path_factory.mktemp('types') / 'db.sqlite3'}")
    db.create_all(Profile.__table__.metadata)
    Profile(user_name="root").save(using=db)
    yield Profile, DjangoProfile, db
    db.close()
    db.dispose()


def _forms(dj: Any, pair: Any) -> tuple[type, type]:
    ours_model, theirs_model, _db = pair

    class Ours(formkit.ModelForm):
        class Meta:
            model = ours_model
            fields = "__all__"

    class Theirs(dj.ModelForm):
        class Meta:
            model = theirs_model
            fields = "__all__"

    return Ours, Theirs


def test_form_fields_like_django(dj: Any, pair: Any) -> None:
    Ours, Theirs = _forms(dj, pair)
    assert list(Ours.base_fields) == list(Theirs.base_fields)
    for name, theirs in Theirs.base_fields.items():
        ours = Ours.base_fields[name]
        assert type(ours).__name__ == type(theirs).__name__, name
        assert ours.required == theirs.required, name
        assert type(ours.widget).__name__ == type(theirs.widget).__name__, name
        assert getattr(ours, "empty_value", None) == getattr(theirs, "empty_value", None), name
    assert_html_equal(Ours(db=pair[2]).as_div(), Theirs().as_div())


DATA = [
    {"user_name": "ada", "score": "1.5", "level": "2", "data": "{}"},
    {"user_name": "root", "score": "x", "level": "3", "data": "[1"},
    {
        "user_name": "bob",
        "nickname": "",
        "age": "700",
        "score": "0",
        "verified": "false",
        "level": "1",
        "joined": "2024-02-30",
        "last_seen": "2024-01-01 10:00",
        "website": "example.com",
        "slug": "a b",
        "token": "nope",
        "ip": "::ffff:1.2.3.4",
        "data": '{"a": 1}',
        "mentor": "1",
        "idle": "1 02:00:00",
    },
    {
        "user_name": "cy",
        "nickname": "  C  ",
        "age": "-1",
        "score": "2",
        "active": "on",
        "verified": "true",
        "level": "2",
        "joined": "2024-02-29",
        "website": "https://x.org",
        "slug": "ok-slug",
        "token": "12345678123456781234567812345678",
        "ip": "10.0.0.1",
        "data": "null",
        "mentor": "77",
        "idle": "bad",
    },
]


@pytest.mark.parametrize("index", range(len(DATA)))
def test_cleaning_like_django(dj: Any, pair: Any, index: int) -> None:
    Ours, Theirs = _forms(dj, pair)
    data = DATA[index]
    ours, theirs = Ours(data, db=pair[2]), Theirs(data)
    codes_o = {k: [e.code for e in v] for k, v in ours.errors.as_data().items()}
    codes_t = {k: [e.code for e in v] for k, v in theirs.errors.as_data().items()}
    assert codes_o == codes_t
    if theirs.is_valid():
        for name, value in theirs.cleaned_data.items():
            mine = ours.cleaned_data[name]
            if hasattr(value, "pk"):
                assert mine.pk == value.pk, name
            else:
                assert mine == value and type(mine) is type(value), name
    assert_html_equal(ours.as_div(), theirs.as_div())


def test_editing_a_full_instance_like_django(dj: Any, pair: Any) -> None:
    import datetime
    import uuid

    ours_model, theirs_model, db = pair
    values = {
        "nickname": "Rooty <r>",
        "age": 42,
        "score": 2.25,
        "active": False,
        "verified": True,
        "level": 2,
        "joined": datetime.date(2020, 2, 29),
        "last_seen": datetime.datetime(2024, 1, 2, 3, 4, 5, 678),
        "website": "https://example.com/?a=1&b=2",
        "slug": "root-slug",
        "token": uuid.UUID(int=7),
        "ip": "10.1.2.3",
        "data": {"k": ["v", 1, None]},
        "idle": datetime.timedelta(days=1, seconds=5, microseconds=7),
    }
    theirs_model.objects.filter(user_name="root").update(**values)
    ours_model.objects.using(db).filter(user_name="root").update(**values)
    Ours, Theirs = _forms(dj, pair)
    theirs = Theirs(instance=theirs_model.objects.get(user_name="root"))
    ours = Ours(instance=ours_model.objects.using(db).get(user_name="root"), db=db)
    for name in Theirs.base_fields:
        assert ours[name].value() == theirs[name].value(), name
    assert_html_equal(ours.as_div(), theirs.as_div())
    assert ours.changed_data == theirs.changed_data
