"""Every add, change and delete, logged in Django's ``django_admin_log`` table.

The table is declared here in SQLAlchemy Core with Django's columns, so a
database Django created is read and written as is. Who did it is the user's
primary key (authkit's ``auth_user``) or, without authkit, whatever
``AdminSite(user_id=...)`` returns for the request; the content type is the
row of ``django_content_type`` when that table exists (authkit creates it).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from manouche.adminkit._meta import Opts
    from manouche.adminkit._store import Store

__all__ = ["ADDITION", "CHANGE", "DELETION", "LogEntry", "log_table", "metadata"]

#: ``LogEntry.action_flag`` of an object added (1, as Django's).
ADDITION = 1
#: ``LogEntry.action_flag`` of an object changed (2, as Django's).
CHANGE = 2
#: ``LogEntry.action_flag`` of an object deleted (3, as Django's).
DELETION = 3

metadata = sa.MetaData()

log_table = sa.Table(
    "django_admin_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action_time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("object_id", sa.Text, nullable=True),
    sa.Column("object_repr", sa.String(200), nullable=False),
    sa.Column("action_flag", sa.SmallInteger, nullable=False),
    sa.Column("change_message", sa.Text, nullable=False),
    sa.Column("content_type_id", sa.Integer, nullable=True, index=True),
    sa.Column("user_id", sa.Integer, nullable=True, index=True),
)

_content_types = sa.Table(
    "django_content_type",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("app_label", sa.String(100)),
    sa.Column("model", sa.String(100)),
)


@dataclass
class LogEntry:
    """One line of an object's history."""

    id: int
    action_time: dt.datetime
    object_id: str | None
    object_repr: str
    action_flag: int
    change_message: str
    user_id: Any
    user_name: str = ""

    def is_addition(self) -> bool:
        return self.action_flag == ADDITION

    def is_change(self) -> bool:
        return self.action_flag == CHANGE

    def is_deletion(self) -> bool:
        return self.action_flag == DELETION

    def get_change_message(self) -> str:
        """Django's JSON change message in words (``Changed Title and Votes.``)."""
        from manouche.adminkit._i18n import gettext

        try:
            parts = json.loads(self.change_message or "[]")
        except ValueError:
            return self.change_message
        if not isinstance(parts, list):
            return self.change_message
        words = []
        for part in parts:
            if not isinstance(part, dict):
                continue
            if "added" in part:
                added = part["added"] or {}
                if added.get("name"):
                    words.append(
                        gettext("Added {name} “{object}”.").format(
                            name=added["name"], object=added.get("object", "")
                        )
                    )
                else:
                    words.append(gettext("Added."))
            elif "changed" in part:
                changed = part["changed"] or {}
                fields = ", ".join(str(f) for f in changed.get("fields", []))
                if changed.get("name"):
                    words.append(
                        gettext("Changed {fields} for {name} “{object}”.").format(
                            fields=fields, name=changed["name"], object=changed.get("object", "")
                        )
                    )
                else:
                    words.append(gettext("Changed {fields}.").format(fields=fields))
            elif "deleted" in part:
                deleted = part["deleted"] or {}
                words.append(
                    gettext("Deleted {name} “{object}”.").format(
                        name=deleted.get("name", ""), object=deleted.get("object", "")
                    )
                )
        return " ".join(words) or gettext("No fields changed.")


def create_table(engine: Any) -> None:
    """Create ``django_admin_log`` when it does not exist."""
    metadata.create_all(engine, tables=[log_table])


class History:
    """Writes and reads the log for one site."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._content_type_ids: dict[tuple[str, str], int | None] = {}
        self._ready: set[int] = set()
        self._has_content_types: dict[int, bool] = {}

    def prepare(self, model: Any) -> None:
        """Create the log table when missing; called before a request's transaction opens
        (schema statements on another connection must not meet an open write)."""
        engine = self.store.engine_of(model)
        if id(engine) not in self._ready:
            create_table(engine)
            self._has_content_types[id(engine)] = sa.inspect(engine).has_table(
                "django_content_type"
            )
            self._ready.add(id(engine))

    _ensure = prepare

    def content_type_id(self, opts: Opts) -> int | None:
        key = (opts.app_label, opts.model_name)
        if key in self._content_type_ids:
            return self._content_type_ids[key]
        engine = self.store.engine_of(opts.model)
        found: int | None = None
        if self._has_content_types.get(id(engine)):
            where = sa.and_(_content_types.c.app_label == key[0], _content_types.c.model == key[1])
            found = self.store.scalar(opts.model, sa.select(_content_types.c.id).where(where))
            if found is None:
                self.store.run(
                    opts.model, _content_types.insert().values(app_label=key[0], model=key[1])
                )
                found = self.store.scalar(opts.model, sa.select(_content_types.c.id).where(where))
        self._content_type_ids[key] = found
        return found

    def log(
        self,
        opts: Opts,
        user_id: Any,
        object_id: Any,
        object_repr: str,
        action_flag: int,
        message: list[dict[str, Any]] | str = "",
    ) -> None:
        self._ensure(opts.model)
        if isinstance(message, list):
            message = json.dumps(message)
        self.store.run(
            opts.model,
            log_table.insert().values(
                action_time=dt.datetime.now(dt.UTC),
                object_id=None if object_id is None else str(object_id),
                object_repr=str(object_repr)[:200],
                action_flag=action_flag,
                change_message=message,
                content_type_id=self.content_type_id(opts),
                user_id=user_id,
            ),
        )

    def for_object(self, opts: Opts, object_id: Any, limit: int = 500) -> list[LogEntry]:
        self._ensure(opts.model)
        ct = self.content_type_id(opts)
        where = [log_table.c.object_id == str(object_id)]
        if ct is not None:
            where.append(log_table.c.content_type_id == ct)
        else:
            where.append(log_table.c.content_type_id.is_(None))
        statement = (
            sa.select(log_table)
            .where(*where)
            .order_by(log_table.c.action_time, log_table.c.id)
            .limit(limit)
        )
        return [self._entry(opts.model, row) for row in self.store.execute(opts.model, statement)]

    def recent(self, model: Any, user_id: Any, limit: int = 10) -> list[LogEntry]:
        self._ensure(model)
        statement = sa.select(log_table).order_by(log_table.c.id.desc()).limit(limit)
        if user_id is not None:
            statement = statement.where(log_table.c.user_id == user_id)
        return [self._entry(model, row) for row in self.store.execute(model, statement)]

    def _entry(self, model: Any, row: Any) -> LogEntry:
        m = row._mapping
        return LogEntry(
            id=m["id"],
            action_time=m["action_time"],
            object_id=m["object_id"],
            object_repr=m["object_repr"],
            action_flag=m["action_flag"],
            change_message=m["change_message"],
            user_id=m["user_id"],
        )
