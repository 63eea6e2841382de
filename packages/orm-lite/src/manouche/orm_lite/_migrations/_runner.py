"""``Migrations``: Django's migration commands, done by Alembic on the models' metadata.

Each app keeps its revisions in its own folder (``blog/migrations/`` beside
``blog/models.py``) as one Alembic branch labelled with the app label; all
apps share one version table, so several apps live in one database and a
revision that adds a foreign key to another app's table depends on that
app's latest revision. Revision ids are ``<app>_<number>`` and files
``<number>_<name>.py``, as Django numbers them.

``makemigrations`` compares the models with the schema their revisions build,
replayed on a scratch database (in-memory SQLite unless told otherwise), so,
as in Django, it needs no access to the real database.
"""

from __future__ import annotations

import datetime
import decimal
import io
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import StaticPool

from manouche.orm_lite import _database
from manouche.orm_lite._constraints import AUTO_NAMED
from manouche.orm_lite._migrations._autogen import (
    DefaultAsker,
    Questioner,
    apply_renames,
    apply_table_renames,
    compare_type,
    describe,
    fill_not_null,
    generalize,
    include_object_for,
    keep_equivalent_names,
    order_drops,
    referred_tables,
    strip_fills,
    strip_index_drops,
)
from manouche.orm_lite._migrations._env import AUTOGENERATE_PLUGINS, STATE_KEY, EnvState
from manouche.orm_lite._options import metadata as default_metadata

if TYPE_CHECKING:
    from alembic.script import Script

    from manouche.orm_lite._database import Database

TEMPLATE_DIR = Path(__file__).with_name("template")
DEFAULT_VERSION_TABLE = "alembic_version"
_REV_RE = re.compile(r"^(?P<app>.+)_(?P<num>\d{4})$")


class MigrationError(Exception):
    """A migration command cannot do what was asked (unknown app, revision...)."""


@dataclass(frozen=True)
class MigrationInfo:
    """One revision as ``showmigrations`` lists it."""

    app: str
    revision: str
    name: str
    applied: bool

    def __str__(self) -> str:
        return f" [{'X' if self.applied else ' '}] {self.name}"


def never_rename(table: str, old: str, new: str) -> bool:
    """The answer "not a rename" to every question: a possible rename is a drop and an add."""
    return False


def rename_key(table: str, old: str, new: str) -> str:
    """How a rename is named on the command line: ``table.old=new``, or ``old=new`` for a table."""
    return f"{old}={new}" if not table else f"{table}.{old}={new}"


def _rename_question(table: str, old: str, new: str) -> str:
    return (
        f"Was the table {old} renamed to {new}?"
        if not table
        else f"Was {table}.{old} renamed to {table}.{new}?"
    )


def refuse_rename(table: str, old: str, new: str) -> bool:
    """Without a terminal nobody can answer: stop, naming the option that answers.

    A dropped and an added column (or table) alike may be a rename; guessing "drop and
    add" would lose the column's data, so the question must be answered explicitly.
    """
    raise MigrationError(
        f"{_rename_question(table, old, new)} Cannot ask without a terminal: "
        f"pass --rename {rename_key(table, old, new)} to keep the data (a rename), "
        "or --no-rename to drop and add (from code: Migrations(questioner=...))"
    )


def ask_rename(table: str, old: str, new: str) -> bool:
    """Ask on the terminal, as Django's makemigrations does; no terminal: :func:`refuse_rename`.

    ``table`` is empty when the question is whether table ``old`` was renamed ``new``.
    """
    if not sys.stdin.isatty():
        return refuse_rename(table, old, new)
    while True:
        answer = input(f"{_rename_question(table, old, new)} [y/N] ").strip().lower()
        if answer in ("", "n", "no"):
            return False
        if answer in ("y", "yes"):
            return True
        print("Please answer y or n.")


def refuse_default(table: str, column: sa.Column[Any]) -> Any:
    """Without a terminal nobody can give the one-off value: stop, naming the option."""
    raise MigrationError(
        f"{table}.{column.name} becomes NOT NULL and has no default for the rows that "
        f"exist: give the field a default, or pass --default {table}.{column.name}=VALUE "
        f"(from code: Migrations(defaults={{'{table}.{column.name}': value}}))"
    )


def coerce_default(text: str, column: sa.Column[Any]) -> Any:
    """A one-off value typed on the command line, as the column's Python type."""
    try:
        kind: Any = column.type.python_type
    except NotImplementedError:
        kind = str
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    try:
        if kind is bool:
            low = text.lower()
            if low in ("1", "true", "yes", "y", "t"):
                return True
            if low in ("0", "false", "no", "n", "f"):
                return False
            raise ValueError(text)
        if kind in (datetime.datetime, datetime.date, datetime.time):
            return kind.fromisoformat(text)
        if kind in (int, float, decimal.Decimal, str):
            return kind(text)
    except (ValueError, decimal.InvalidOperation):
        raise MigrationError(
            f"{text!r} is not a valid {kind.__name__} for {column.table.name}.{column.name}"
        ) from None
    raise MigrationError(
        f"No one-off value can be given for {column.table.name}.{column.name} "
        f"({kind.__name__}): give the field a default"
    )


def ask_default(table: str, column: sa.Column[Any]) -> Any:
    """Ask for a one-off value on the terminal, as Django's questioner does."""
    if not sys.stdin.isatty():
        return refuse_default(table, column)
    print(
        f"{table}.{column.name} becomes NOT NULL without a default; the rows that exist "
        "need a value.\nType a one-off value for them (it is not kept as the field's "
        "default), or an empty line to stop and give the field a default."
    )
    while True:
        text = input(">>> ")
        if not text.strip():
            raise MigrationError(f"Stopped: give {table}.{column.name} a default")
        try:
            return coerce_default(text, column)
        except MigrationError as exc:
            print(exc)


class Migrations:
    """Migrations for the apps of a ``MetaData``, on one database.

    :param database: a :class:`Database`, an ``Engine`` or a URL (needed by
        ``migrate``/``showmigrations``/``stamp``/``sqlmigrate``).
    :param metadata: the models' ``MetaData`` (the default one of orm-lite).
    :param apps: ``{app_label: folder}`` where revisions live; an app not listed
        keeps them in ``migrations/`` beside its models module.
    :param version_table: the table recording the applied revisions.
    :param questioner: asked whether a dropped-and-added column (or a dropped and a
        created table) was renamed; the default, :func:`refuse_rename`, raises
        :class:`MigrationError` rather than guess. :func:`ask_rename` asks on the
        terminal; :func:`never_rename` answers no (drop and add).
    :param ask_default: asked for a one-off value for the existing rows of a column
        that becomes NOT NULL without a default; the default, :func:`refuse_default`,
        raises :class:`MigrationError`; :func:`ask_default` asks on the terminal.
    :param defaults: one-off values given beforehand, ``{"table.column": value}``.
    :param scratch_url: the empty database ``makemigrations`` replays the
        revisions on (in-memory SQLite by default).
    """

    def __init__(
        self,
        database: Database | sa.Engine | str | None = None,
        *,
        metadata: sa.MetaData | None = None,
        apps: Mapping[str, str | os.PathLike[str]] | None = None,
        version_table: str = DEFAULT_VERSION_TABLE,
        questioner: Questioner = refuse_rename,
        ask_default: DefaultAsker = refuse_default,
        defaults: Mapping[str, Any] | None = None,
        scratch_url: str = "sqlite://",
    ) -> None:
        self._database = database
        self.metadata = metadata if metadata is not None else default_metadata
        self._folders = {label: Path(path) for label, path in (apps or {}).items()}
        self.version_table = version_table
        self.questioner = questioner
        self.ask_default = ask_default
        self.defaults = dict(defaults or {})
        self.scratch_url = scratch_url

    # -- apps and folders ----------------------------------------------------------------

    def table_apps(self) -> dict[str, str]:
        """Every model table of the metadata, with its app label."""
        out: dict[str, str] = {}
        for name, table in self.metadata.tables.items():
            label = table.info.get("app_label")
            if label:
                out[name] = label
        return out

    @property
    def apps(self) -> list[str]:
        """App labels: those with models and those given a folder."""
        return sorted({*self.table_apps().values(), *self._folders})

    def folder(self, app: str) -> Path:
        """Where ``app`` keeps its revisions."""
        if app in self._folders:
            return self._folders[app]
        for table in self.metadata.tables.values():
            model = table.info.get("_model")
            if (
                table.info.get("app_label") == app
                and model is not None
                and not model._meta.auto_created
            ):
                module = sys.modules.get(model.__module__)
                path = getattr(module, "__file__", None)
                if path:
                    return Path(path).parent / "migrations"
        raise MigrationError(
            f"No folder for the migrations of app {app!r}: "
            f"pass apps={{{app!r}: 'path/to/migrations'}}"
        )

    def _check_app(self, app: str) -> None:
        if app not in self.apps:
            raise MigrationError(
                f"No app with the label {app!r}. Apps: {', '.join(self.apps) or '(none)'}"
            )

    # -- Alembic plumbing ----------------------------------------------------------------

    def _config(self, state: EnvState, create: Iterable[str] = ()) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(TEMPLATE_DIR))
        cfg.set_main_option("path_separator", "os")
        folders = []
        for app in self.apps:
            try:
                path = self.folder(app)
            except MigrationError:
                continue
            if app in create:
                path.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                folders.append(str(path))
        cfg.set_main_option(
            "version_locations", os.pathsep.join(folders) if folders else str(TEMPLATE_DIR / "none")
        )
        cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        cfg.set_main_option("truncate_slug_length", "60")
        cfg.set_main_option("revision_environment", "true")
        cfg.attributes[STATE_KEY] = state
        return cfg

    def _state(self, **kw: Any) -> EnvState:
        return EnvState(
            metadata=self.metadata,
            version_table=self.version_table,
            table_apps=self.table_apps(),
            **kw,
        )

    def _script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self._config(self._state()))

    @property
    def database(self) -> Database:
        db = self._database
        if db is None:
            return _database.get_default_database()
        if isinstance(db, str | sa.Engine):
            db = _database.Database(db, default=False)
            self._database = db
        return db

    @contextmanager
    def _connect(self, db: Database, *, atomic: bool = False) -> Iterator[sa.Connection]:
        """A connection for a run; SQLite gets foreign keys off while tables are rebuilt.

        With ``atomic``, SQLite and PostgreSQL run everything in one transaction that
        the caller commits (their DDL is transactional: a failure undoes it all).
        SQLite's driver does not begin a transaction before DDL, so it is begun here.
        """
        engine = db.engine
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            _reflect_autoincrement(engine.dialect)
        with engine.connect() as conn:
            raw: Any = conn.connection.driver_connection if sqlite else None
            isolation = raw.isolation_level if sqlite else None
            if sqlite:
                _pragma(conn, "foreign_keys=OFF")
            try:
                if atomic and engine.dialect.name in TRANSACTIONAL_DDL:
                    if sqlite:
                        raw.isolation_level = None  # BEGIN and COMMIT are ours to send
                    conn.begin()
                    if sqlite and not raw.in_transaction:  # (unless a "begin" hook sent it)
                        conn.exec_driver_sql("BEGIN")
                yield conn
            finally:
                conn.rollback()
                if sqlite:
                    raw.isolation_level = isolation
                    _pragma(conn, "foreign_keys=ON")

    @staticmethod
    def _check_foreign_keys(conn: sa.Connection) -> None:
        """SQLite checks no foreign key while they are off: check them before committing."""
        if conn.dialect.name == "sqlite":
            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if bad:
                raise MigrationError(f"Foreign keys broken after migrating: {bad[:5]!r}")

    @staticmethod
    def _wrapper(db: Database) -> Callable[[sa.Connection, Callable[[], None]], None]:
        def wrap(conn: sa.Connection, run: Callable[[], None]) -> None:
            # Data migrations may use the models: they run on this connection.
            previous = _database._default
            _database._default = db
            try:
                with db.bind_connection(conn):
                    run()
            finally:
                _database._default = previous

        return wrap

    def _run(self, db: Database, fn: Callable[[Config], Any]) -> Any:
        """Run an Alembic command on ``db``: all or nothing where the DDL is transactional.

        A failure raises :class:`MigrationError` naming the revision that failed, why,
        and where the history stands; on MariaDB/MySQL, which commit each schema
        change at once, it also lists the statements of that revision that were kept.
        """
        with self._connect(db, atomic=True) as conn:
            journal = _Journal()
            sa.event.listen(conn, "after_cursor_execute", journal.executed)
            state = self._state(
                connection=conn, wrap=self._wrapper(db), on_version_apply=journal.applied
            )
            cfg = self._config(state)
            try:
                result = fn(cfg)
                self._check_foreign_keys(conn)
                conn.commit()
            except Exception as exc:
                conn.rollback()
                raise self._failure(db, exc, journal) from exc
            finally:
                sa.event.remove(conn, "after_cursor_execute", journal.executed)
            return result

    def _failure(self, db: Database, exc: Exception, journal: _Journal) -> MigrationError:
        """The error to raise when a run failed: what failed, what is left, where history is."""
        failed = self._failed_revision(exc)
        what = f"Migration {failed}" if failed else "The migration"
        reason = one_line(exc)
        where = self._history(db)
        if db.engine.dialect.name in TRANSACTIONAL_DDL:
            return MigrationError(
                f"{what} failed: {reason}. Rolled back: the schema and the migration "
                f"history are as they were ({where})"
            )
        kept = "; ".join(journal.statements) or "none"
        done = ", ".join(journal.done)
        vendor = "MariaDB" if getattr(db.engine.dialect, "is_mariadb", False) else "MySQL"
        failed = failed or "the failed migration"
        return MigrationError(
            f"{what} failed: {reason}. {vendor} cannot roll back schema changes: "
            f"{'before it, this run ' + done + ' (recorded). ' if done else ''}"
            f"Statements of {failed} that ran and were kept: {kept}. "
            f"History: {where} ({failed} is not recorded). Undo those statements by hand "
            "and migrate again, or finish them by hand and stamp the migration"
        )

    def _failed_revision(self, exc: BaseException) -> str | None:
        """The revision file (``0003_name``) in whose code ``exc`` was raised."""
        folders = {self.folder(a).resolve() for a in self.apps if self._has_folder(a)}
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            path = Path(frame.filename).resolve()
            if path.parent in folders:
                return path.stem
        return None

    def _has_folder(self, app: str) -> bool:
        try:
            self.folder(app)
        except MigrationError:
            return False
        return True

    def _history(self, db: Database) -> str:
        """Where each app's history stands, as ``app: 0003_name`` (``zero``: none applied)."""
        try:
            script = self._script()
            with db.engine.connect() as conn:
                applied = self._applied(conn, script)
        except Exception as exc:  # noqa: BLE001 - the first error is the one to report
            return f"unknown: {one_line(exc)}"
        parts = []
        for app in self.apps:
            revisions = self.app_revisions(app, script)
            if not revisions:
                continue
            done = [Path(s.path).stem for s in revisions if s.revision in applied]
            parts.append(f"{app} at {done[-1] if done else 'zero'}")
        return ", ".join(parts) or "no revisions"

    # -- revisions -------------------------------------------------------------------------

    def app_revisions(self, app: str, script: ScriptDirectory | None = None) -> list[Script]:
        """The revisions of ``app``, oldest first."""
        script = script or self._script()
        revs = [s for s in script.walk_revisions() if _app_of(s.revision) == app]
        return list(reversed(revs))

    def _resolve(self, app: str, target: str, script: ScriptDirectory) -> str:
        revs = self.app_revisions(app, script)
        for s in revs:
            number = s.revision.rsplit("_", 1)[-1]
            name = Path(s.path).stem
            if (
                target in (s.revision, number, name)
                or name.startswith(f"{target}_")
                or (target.isdigit() and int(target) == int(number))
            ):
                return s.revision
        raise MigrationError(
            f"Cannot find a migration matching {target!r} from app {app!r}. "
            f"Known: {', '.join(Path(s.path).stem for s in revs) or '(none)'}"
        )

    def _applied(self, conn: sa.Connection, script: ScriptDirectory) -> set[str]:
        ctx = MigrationContext.configure(conn, opts={"version_table": self.version_table})
        applied: set[str] = set()
        for head in ctx.get_current_heads():
            for s in script.iterate_revisions(head, "base"):
                if s is not None:
                    applied.add(s.revision)
        return applied

    # -- commands ----------------------------------------------------------------------------

    def makemigrations(
        self,
        app: str | None = None,
        *,
        name: str | None = None,
        empty: bool = False,
        dry_run: bool = False,
    ) -> list[str]:
        """Write a revision for each app whose models changed; return what was written.

        With ``dry_run`` nothing is written and the list says what would be
        (``makemigrations --check`` fails when it is not empty).
        """
        apps = [app] if app is not None else self.apps
        for a in apps:
            self._check_app(a)
        engine = (
            sa.create_engine(self.scratch_url, poolclass=StaticPool)
            if self.scratch_url.startswith("sqlite")
            else sa.create_engine(self.scratch_url)
        )
        scratch = _database.Database(engine, default=False)
        previous_default = _database._default
        written: list[str] = []
        try:
            _database._default = scratch
            for a in self._ordered(apps):
                made = self._make_one(scratch, a, name=name, empty=empty, dry_run=dry_run)
                if made:
                    written.append(made)
        finally:
            _database._default = previous_default
            if not self.scratch_url.startswith("sqlite"):
                # Leave the scratch database as empty as it was given.
                leftover = sa.MetaData()
                with engine.begin() as conn:
                    leftover.reflect(conn)
                    leftover.drop_all(conn)
            engine.dispose()
        return written

    def _ordered(self, apps: list[str]) -> list[str]:
        """Apps in foreign-key order (an app after those it points at)."""
        table_apps = self.table_apps()
        deps: dict[str, set[str]] = {a: set() for a in apps}
        for table in self.metadata.tables.values():
            src = table_apps.get(table.name)
            if src not in deps:
                continue
            for fk in table.foreign_keys:
                dst = table_apps.get(fk.column.table.name)
                if dst is not None and dst != src and dst in deps:
                    deps[src].add(dst)
        out: list[str] = []
        while deps:
            ready = sorted(a for a, d in deps.items() if not d - set(out))
            if not ready:  # a cycle: keep the given order for the rest
                ready = sorted(deps)
            for a in ready:
                out.append(a)
                del deps[a]
        return out

    def _make_one(
        self, scratch: Database, app: str, *, name: str | None, empty: bool, dry_run: bool
    ) -> str | None:
        with self._connect(scratch) as conn:
            cfg = self._config(
                self._state(connection=conn, wrap=self._wrapper(scratch)),
                create=() if dry_run else (app,),
            )
            try:
                command.upgrade(cfg, "heads")
            except Exception as exc:
                failed = self._failed_revision(exc) or "a revision"
                raise MigrationError(
                    f"makemigrations replays the revisions on an empty database to compare "
                    f"them with the models, and {failed} fails there: {one_line(exc)}. "
                    "Fix that revision (a constraint it makes or drops needs a name)"
                    if "name" in str(exc)
                    else f"makemigrations replays the revisions on an empty database to "
                    f"compare them with the models, and {failed} fails there: "
                    f"{one_line(exc)}. Fix that revision"
                ) from exc
            conn.commit()
            script = ScriptDirectory.from_config(cfg)
            revs = self.app_revisions(app, script)
            numbers = [int(r.revision.rsplit("_", 1)[-1]) for r in revs]
            number = max(numbers, default=0) + 1
            table_apps = self.table_apps()
            heads: dict[str, str] = {}
            for other in self.apps:
                other_revs = self.app_revisions(other, script)
                if other_revs:
                    heads[other] = other_revs[-1].revision
            outcome: dict[str, Any] = {}
            terminal = sys.stdout  # questions go there, not to Alembic's silenced output

            def rename(table: str, old: str, new: str) -> bool:
                with redirect_stdout(terminal):
                    return self.questioner(table, old, new)

            def one_off(table: str, column: sa.Column[Any]) -> Any:
                key = f"{table}.{column.name}"
                if key in self.defaults:
                    value = self.defaults[key]
                    return coerce_default(value, column) if isinstance(value, str) else value
                with redirect_stdout(terminal):
                    return self.ask_default(table, column)

            def process(context: Any, revision: Any, directives: list[Any]) -> None:
                migration = directives[0]
                upgrade = migration.upgrade_ops
                if upgrade.is_empty() and not empty:
                    directives[:] = []
                    return
                keep_equivalent_names(
                    upgrade,
                    lambda table: _unique_columns(conn, table),
                    lambda table: _indexes(conn, table),
                    _auto_named(self.metadata),
                )
                if upgrade.is_empty() and not empty:
                    directives[:] = []
                    return
                apply_table_renames(upgrade, rename)
                for op in upgrade.ops:
                    if isinstance(op, ops.ModifyTableOps):
                        apply_renames(op, rename)
                    elif isinstance(op, ops.CreateTableOp):
                        op.info = {}  # labels and the model class are the models' business
                fill_not_null(upgrade, self.metadata, one_off)
                generalize(upgrade)
                order_drops(upgrade)
                down = ops.DowngradeOps(ops=[])
                upgrade.reverse_into(down)
                strip_fills(down)
                migration.downgrade_ops = down
                strip_index_drops(upgrade)
                strip_index_drops(down)
                needs = sorted(
                    heads[table_apps[t]]
                    for t in referred_tables(upgrade)
                    if t in table_apps and table_apps[t] != app and table_apps[t] in heads
                )
                if needs:
                    migration.depends_on = needs
                message = name or ("initial" if not revs else _auto_name(describe(upgrade, app)))
                migration.message = message
                outcome["message"] = message
                if dry_run:
                    directives[:] = []

            state = self._state(connection=conn, app=app, wrap=self._wrapper(scratch))
            cfg.attributes[STATE_KEY] = state
            with redirect_stdout(io.StringIO()):
                result = command.revision(
                    cfg,
                    message=name or "auto",
                    autogenerate=not empty,
                    head=f"{app}@head" if revs else "base",
                    branch_label=None if revs else app,
                    version_path=str(self.folder(app)) if not revs else None,
                    rev_id=f"{app}_{number:04d}",
                    process_revision_directives=process,
                )
            conn.rollback()
        if "message" not in outcome:
            return None
        if dry_run:
            return f"{app}: {number:04d}_{_slug(outcome['message'])} (not written)"
        scripts = result if isinstance(result, list) else [result]
        for s in scripts:
            if s is None:
                continue
            path = Path(s.path)
            target = path.with_name(path.name[len(app) + 1 :])
            path.rename(target)
            return str(target)
        return None

    def migrate(self, app: str | None = None, target: str | None = None) -> None:
        """Apply (or unapply) revisions: every app to its latest, ``app`` to ``target``.

        ``target`` is a revision number or name (``"0002"``), ``"zero"`` to
        unapply all of the app's revisions, or ``"-1"`` to step back one.
        """
        if app is None:
            if target is not None:
                raise MigrationError("migrate: a target revision needs an app label")
            self._run(self.database, lambda cfg: command.upgrade(cfg, "heads"))
            return
        self._check_app(app)
        db = self.database
        script = self._script()
        if target is None:
            if self.app_revisions(app, script):
                self._run(db, lambda cfg: command.upgrade(cfg, f"{app}@head"))
            return
        if target == "zero":
            self._run(db, lambda cfg: command.downgrade(cfg, f"{app}@base"))
            return
        if re.fullmatch(r"-\d+", target):
            self._run(db, lambda cfg: command.downgrade(cfg, f"{app}@{target}"))
            return
        rev = self._resolve(app, target, script)
        with db.engine.connect() as conn:
            applied = self._applied(conn, script)
        app_applied = [s.revision for s in self.app_revisions(app, script) if s.revision in applied]
        if rev in applied and app_applied and app_applied[-1] != rev:
            self._run(db, lambda cfg: command.downgrade(cfg, rev))
        elif rev not in applied:
            self._run(db, lambda cfg: command.upgrade(cfg, rev))

    def showmigrations(self, app: str | None = None) -> list[MigrationInfo]:
        """Every revision of each app (or of ``app``), oldest first, and whether it is applied."""
        apps = [app] if app is not None else self.apps
        for a in apps:
            self._check_app(a)
        script = self._script()
        with self.database.engine.connect() as conn:
            applied = self._applied(conn, script)
        out = []
        for a in apps:
            for s in self.app_revisions(a, script):
                out.append(MigrationInfo(a, s.revision, Path(s.path).stem, s.revision in applied))
        return out

    def sqlmigrate(self, app: str, target: str, *, backwards: bool = False) -> str:
        """The SQL a revision runs on this database's dialect, without running it."""
        self._check_app(app)
        script = self._script()
        rev = self._resolve(app, target, script)
        revision = script.get_revision(rev)
        assert revision is not None
        down = revision.down_revision
        prev = down if isinstance(down, str) else None
        if self.database.engine.dialect.name == "sqlite":
            return self._sqlite_sql(revision, prev, backwards)
        buf = io.StringIO()
        state = self._state(dialect_name=self.database.engine.dialect.name)
        cfg = self._config(state)
        cfg.output_buffer = buf
        with redirect_stdout(io.StringIO()):
            if backwards:
                command.downgrade(cfg, f"{rev}:{prev or 'base'}", sql=True)
            else:
                command.upgrade(cfg, f"{prev}:{rev}" if prev else rev, sql=True)
        return buf.getvalue()

    def _sqlite_sql(self, revision: Script, prev: str | None, backwards: bool) -> str:
        """SQLite rebuilds tables in batch mode, which needs the live schema: run the revision
        on an in-memory copy of the schema its predecessors build, and record the SQL."""
        engine = sa.create_engine("sqlite://", poolclass=StaticPool)
        scratch = _database.Database(engine, default=False)
        before = [prev] if prev else []
        deps = revision.dependencies
        before += [deps] if isinstance(deps, str) else list(deps or ())
        recorded: list[str] = []

        def record(
            conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
        ) -> None:
            text = statement.strip()
            if params:
                text += f"  -- params: {params!r}"
            recorded.append(text)

        try:
            with self._connect(scratch) as conn:
                cfg = self._config(self._state(connection=conn, wrap=self._wrapper(scratch)))
                with redirect_stdout(io.StringIO()):
                    for target in before:
                        command.upgrade(cfg, target)
                    if backwards:
                        command.upgrade(cfg, revision.revision)
                    sa.event.listen(engine, "before_cursor_execute", record)
                    if backwards:
                        command.downgrade(cfg, prev or f"{_app_of(revision.revision)}@base")
                    else:
                        command.upgrade(cfg, revision.revision)
                conn.rollback()
        finally:
            engine.dispose()
        skip = ("PRAGMA", "SELECT")  # reflection and version lookups, not the revision's work
        return "".join(f"{sql};\n\n" for sql in recorded if not sql.upper().startswith(skip))

    def diff(self, app: str | None = None) -> list[str]:
        """How the database differs from the models (empty when they agree), app by app."""
        from alembic.autogenerate import compare_metadata

        apps = [app] if app is not None else self.apps
        out: list[str] = []
        with self.database.engine.connect() as conn:
            for a in apps:
                self._check_app(a)
                state = self._state(app=a)
                ctx = MigrationContext.configure(
                    conn,
                    opts={
                        "version_table": self.version_table,
                        "compare_type": compare_type,
                        "include_object": include_object_for(
                            a, state.table_apps, self.version_table
                        ),
                        "autogenerate_plugins": AUTOGENERATE_PLUGINS,
                    },
                )
                out.extend(
                    f"{a}: {d!r}"
                    for d in compare_metadata(ctx, self.metadata)
                    if not self._only_renamed(conn, d)
                )
        return out

    def _only_renamed(self, conn: sa.Connection, diff: Any) -> bool:
        """An index or unique constraint that differs only by its name (see
        ``keep_equivalent_names``): not a difference."""
        if not isinstance(diff, tuple) or len(diff) < 2:
            return False
        kind, obj = diff[0], diff[1]
        if kind not in ("add_constraint", "remove_constraint", "add_index", "remove_index"):
            return False
        if not isinstance(obj, sa.UniqueConstraint | sa.Index) or obj.table is None:
            return False
        cols = tuple(str(c.name) for c in obj.columns)
        unique = isinstance(obj, sa.UniqueConstraint) or bool(obj.unique)
        table = obj.table.name
        if kind.startswith("add"):
            if str(obj.name) not in _auto_named(self.metadata):  # (Alembic copies lose info)
                return False
            if unique and cols in _unique_columns(conn, table):
                return True
            return (cols, unique) in _indexes(conn, table)
        model_table = self.metadata.tables.get(table)
        if model_table is None:
            return False
        same_uniques = {
            tuple(str(c.name) for c in u.columns)
            for u in model_table.constraints
            if isinstance(u, sa.UniqueConstraint)
        }
        same_indexes = {
            (tuple(str(c.name) for c in i.columns), bool(i.unique)) for i in model_table.indexes
        }
        return (unique and cols in same_uniques) or (cols, unique) in same_indexes

    def stamp(self, app: str | None = None, target: str | None = None) -> None:
        """Record revisions as applied without running them (adopt an existing database)."""
        if app is None:
            self._run(self.database, lambda cfg: command.stamp(cfg, "heads"))
            return
        self._check_app(app)
        rev = f"{app}@head" if target is None else self._resolve(app, target, self._script())
        self._run(self.database, lambda cfg: command.stamp(cfg, rev))


#: Databases whose schema changes are transactional: a migration run is all or nothing.
TRANSACTIONAL_DDL = ("sqlite", "postgresql")


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of the driver's message."""
    orig = getattr(exc, "orig", None)
    source = orig if isinstance(orig, BaseException) else exc
    text = str(source).strip().splitlines()
    return f"{type(source).__name__}: {text[0] if text else '(no message)'}"


class _Journal:
    """What a run did: revisions applied, and the statements since the last one."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.statements: list[str] = []

    def applied(self, *, step: Any, **kw: Any) -> None:
        verb = "applied" if step.is_upgrade else "unapplied"
        self.done.append(f"{verb} {', '.join(step.up_revision_ids)}")
        self.statements.clear()

    def executed(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        text = " ".join(statement.split())
        if not text.upper().startswith(("SELECT", "SHOW", "PRAGMA", "BEGIN", "COMMIT")):
            self.statements.append(text)


def _unique_columns(conn: sa.Connection, table: str) -> set[tuple[str, ...]]:
    """The column tuples of ``table``'s unique constraints and unique indexes."""
    insp = sa.inspect(conn)
    if not insp.has_table(table):
        return set()
    found = {tuple(u["column_names"]) for u in insp.get_unique_constraints(table)}
    found.update(cols for cols, unique in _indexes(conn, table) if unique)
    if conn.dialect.name == "sqlite":
        # A column's own UNIQUE (as Django writes it) is an index SQLite names itself.
        for row in conn.exec_driver_sql(f'PRAGMA index_list("{table}")'):
            if row[2] and row[3] == "u":
                info = conn.exec_driver_sql(f'PRAGMA index_info("{row[1]}")').all()
                found.add(tuple(str(r[2]) for r in info))
    return found


def _indexes(conn: sa.Connection, table: str) -> set[tuple[tuple[str, ...], bool]]:
    """``(columns, unique)`` of ``table``'s indexes."""
    insp = sa.inspect(conn)
    if not insp.has_table(table):
        return set()
    return {
        (tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
        for i in insp.get_indexes(table)
    }


def _auto_named(metadata: sa.MetaData) -> set[str]:
    """Names of the indexes and constraints orm-lite named (not the user)."""
    names: set[str] = set()
    for table in metadata.tables.values():
        for index in table.indexes:
            if index.info.get(AUTO_NAMED) and index.name:
                names.add(str(index.name))
        for constraint in table.constraints:
            if constraint.info.get(AUTO_NAMED) and constraint.name:
                names.add(str(constraint.name))
    return names


def _pragma(conn: sa.Connection, pragma: str) -> None:
    """A PRAGMA outside any transaction (SQLite ignores ``foreign_keys`` inside one)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _reflect_autoincrement(dialect: Any) -> None:
    """SQLite batch mode rebuilds a table from its reflection, which does not report
    AUTOINCREMENT (Django's ids on SQLite): teach this dialect to, so it is kept."""
    if getattr(dialect, "_manouche_autoincrement", False):
        return
    original = dialect.get_table_options

    def get_table_options(
        connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> Any:
        options = dict(original(connection, table_name, schema=schema, **kw) or {})
        sql = dialect._get_table_sql(connection, table_name, schema=schema, **kw)
        if sql is not None and re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE):
            options["sqlite_autoincrement"] = True
        return options

    dialect.get_table_options = get_table_options
    dialect._manouche_autoincrement = True


def _app_of(revision: str) -> str | None:
    m = _REV_RE.match(revision)
    return m.group("app") if m else None


def _slug(message: str) -> str:
    return re.sub(r"\W+", "_", message).strip("_").lower()


def _auto_name(parts: list[str]) -> str:
    """Django's names: the fragments joined, ``_and_more`` when they get long."""
    if not parts:
        import datetime

        return "auto_" + datetime.datetime.now().strftime("%Y%m%d_%H%M")
    name = parts[0]
    for part in parts[1:]:
        if len(name) + len(part) + 1 > 52:
            return f"{name}_and_more"
        name = f"{name}_{part}"
    return name
