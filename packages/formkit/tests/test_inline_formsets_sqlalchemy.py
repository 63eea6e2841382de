"""Inline formsets on SQLAlchemy declarative models with relationships, through a Session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche import formkit

sa = pytest.importorskip("sqlalchemy")
orm = pytest.importorskip("sqlalchemy.orm")
MultiDict = pytest.importorskip("webob.multidict").MultiDict


class Base(orm.DeclarativeBase):
    pass


class Album(Base):
    __tablename__ = "inl_album"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    tracks: orm.Mapped[list[Track]] = orm.relationship(back_populates="album")


class Track(Base):
    __tablename__ = "inl_track"
    __table_args__ = (sa.UniqueConstraint("album_id", "title"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    album_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("inl_album.id"))
    album: orm.Mapped[Album] = orm.relationship(back_populates="tracks")


TrackInline = formkit.inlineformset_factory(Album, Track, fields=["title"], extra=2)


@pytest.fixture
def session() -> Iterator[Any]:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with orm.Session(engine) as session:
        album = Album(name="Blue", tracks=[Track(title="One"), Track(title="Two")])
        session.add(album)
        session.commit()
        yield session
    engine.dispose()


def _posted(album_id: Any, rows: list[tuple[str, str]], total: int) -> Any:
    data = {"track_set-TOTAL_FORMS": str(total), "track_set-INITIAL_FORMS": str(len(rows))}
    for i, (pk, title) in enumerate(rows):
        data.update(
            {
                f"track_set-{i}-id": pk,
                f"track_set-{i}-album": album_id,
                f"track_set-{i}-title": title,
            }
        )
    for i in range(len(rows), total):
        data[f"track_set-{i}-title"] = ""
    return MultiDict(data)


def test_extra_rows_stay_out_of_the_parent_and_the_session(session: Any) -> None:
    album = session.scalars(sa.select(Album)).one()
    formset = TrackInline(instance=album, db=session)
    assert len(formset.forms) == 4
    extra = [form.instance for form in formset.extra_forms]
    # The never-saved rows know their parent's key, but are not in its collection...
    assert [t.album_id for t in extra] == [album.id, album.id]
    assert [t.title for t in album.tracks] == ["One", "Two"]
    # ...so the Session does not flush them.
    assert not any(t in session for t in extra)
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(Track)) == 2


def test_unchanged_rows_are_not_saved_again(session: Any) -> None:
    album = session.scalars(sa.select(Album)).one()
    data = _posted(str(album.id), [("1", "One"), ("2", "Two")], 4)
    formset = TrackInline(data, instance=album, db=session)
    assert formset.is_valid(), formset.errors
    assert [form.has_changed() for form in formset.forms] == [False] * 4
    assert formset.save() == []
    assert formset.changed_objects == [] and formset.new_objects == []


def test_a_changed_row_reports_only_its_changed_field(session: Any) -> None:
    album = session.scalars(sa.select(Album)).one()
    data = _posted(str(album.id), [("1", "One"), ("2", "Deux")], 3)
    data["track_set-2-title"] = "Three"
    formset = TrackInline(data, instance=album, db=session)
    assert formset.is_valid(), formset.errors
    saved = formset.save()
    assert [t.title for t in saved] == ["Deux", "Three"]
    assert [(t.title, names) for t, names in formset.changed_objects] == [("Deux", ["title"])]
    session.commit()
    assert sorted(session.scalars(sa.select(Track.title))) == ["Deux", "One", "Three"]


def test_save_as_new_copies_the_rows_to_the_new_parent(session: Any) -> None:
    album = session.scalars(sa.select(Album)).one()
    data = _posted(str(album.id), [("1", "One"), ("2", "Two")], 3)
    copy = Album(name="Blue (copy)")
    formset = TrackInline(data, instance=copy, db=session, save_as_new=True)
    assert formset.initial_form_count() == 0
    assert formset.is_valid(), formset.errors
    # The posted data itself is left alone.
    assert data["track_set-0-id"] == "1"
    session.add(copy)
    saved = formset.save()
    session.commit()
    assert [t.title for t in saved] == ["One", "Two"]
    assert {t.id for t in saved}.isdisjoint({1, 2})
    assert [t.title for t in copy.tracks] == ["One", "Two"]
    assert [t.title for t in album.tracks] == ["One", "Two"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Track)) == 4


def test_save_as_new_still_rejects_a_foreign_parent_key_in_normal_edits(session: Any) -> None:
    album = session.scalars(sa.select(Album)).one()
    data = _posted("999", [("1", "One"), ("2", "Two")], 2)
    formset = TrackInline(data, instance=album, db=session)
    assert not formset.is_valid()
    assert formset.errors[0]["album"] == ["The inline value did not match the parent instance."]
