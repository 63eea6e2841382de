"""``manouche-orm``: Django's migration commands for orm-lite models.

::

    manouche-orm --database sqlite:///app.db --models blog.models makemigrations
    manouche-orm migrate                 # every app to its latest revision
    manouche-orm migrate blog 0002       # forwards or backwards to 0002
    manouche-orm migrate blog zero       # unapply all of blog's revisions
    manouche-orm showmigrations
    manouche-orm sqlmigrate blog 0001
    manouche-orm stamp                   # adopt a database whose tables exist

Options may also come from the environment (``MANOUCHE_DATABASE_URL``, the
name every Manouche command reads; ``MANOUCHE_ORM_DATABASE`` still works, with a
deprecation warning;
``MANOUCHE_ORM_MODELS`` comma-separated) or from ``[tool.manouche-orm]`` in
the ``pyproject.toml`` of the current directory (``database``, ``models``,
``apps`` as a table of app label to folder, ``version_table``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tomllib
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from manouche.orm_lite._migrations import MigrationError, Migrations
from manouche.orm_lite._migrations._runner import (
    ask_default,
    ask_rename,
    one_line,
    refuse_default,
    refuse_rename,
    rename_key,
)


def _project_settings(cwd: Path) -> dict[str, Any]:
    path = cwd / "pyproject.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    section = data.get("tool", {}).get("manouche-orm", {})
    return section if isinstance(section, dict) else {}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manouche-orm", description="Migrations for orm-lite models."
    )
    parser.add_argument(
        "--database", help="SQLAlchemy URL of the database (env MANOUCHE_DATABASE_URL)"
    )
    parser.add_argument(
        "--models",
        action="append",
        default=None,
        help="module defining models; repeatable (env MANOUCHE_ORM_MODELS)",
    )
    parser.add_argument(
        "--app",
        action="append",
        default=None,
        metavar="LABEL=FOLDER",
        help="where an app keeps its migrations",
    )
    parser.add_argument(
        "--version-table", default=None, help="table recording applied revisions (alembic_version)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("makemigrations", help="write revisions for changed models")
    p.add_argument("app_label", nargs="?")
    p.add_argument("--name", "-n", help="name of the revision")
    p.add_argument("--empty", action="store_true", help="an empty revision (for a data migration)")
    p.add_argument(
        "--check", action="store_true", help="exit 1 when models have changes without revisions"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be written, write nothing"
    )
    p.add_argument(
        "--noinput",
        "--no-input",
        action="store_true",
        help="never ask: a question with no answer below stops with an error",
    )
    p.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="TABLE.OLD=NEW",
        help="answer yes to 'was this column renamed?' (OLD_TABLE=NEW_TABLE for a model)",
    )
    p.add_argument(
        "--no-rename",
        action="store_true",
        help="answer no to every other rename question: drop and add (the data is lost)",
    )
    p.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="TABLE.COLUMN=VALUE",
        help="one-off value for the rows of a column that becomes NOT NULL without a default",
    )

    p = sub.add_parser("migrate", help="apply or unapply revisions")
    p.add_argument("app_label", nargs="?")
    p.add_argument(
        "migration_name", nargs="?", help="revision number or name, 'zero', or -N to step back"
    )

    p = sub.add_parser("showmigrations", help="list revisions and whether they are applied")
    p.add_argument("app_label", nargs="*")

    p = sub.add_parser("sqlmigrate", help="print the SQL of a revision")
    p.add_argument("app_label")
    p.add_argument("migration_name")
    p.add_argument("--backwards", action="store_true")

    p = sub.add_parser("stamp", help="mark revisions applied without running them")
    p.add_argument("app_label", nargs="?")
    p.add_argument("migration_name", nargs="?")
    return parser


def _database_from_environment() -> str | None:
    """``MANOUCHE_DATABASE_URL`` (serial's commands read it too), else the old name, warned."""
    url = os.environ.get("MANOUCHE_DATABASE_URL")
    if url:
        return url
    old = os.environ.get("MANOUCHE_ORM_DATABASE")
    if old:
        warnings.warn(
            "MANOUCHE_ORM_DATABASE is deprecated: set MANOUCHE_DATABASE_URL instead "
            "(the name every Manouche command reads)",
            FutureWarning,  # shown by default: the person running the command must see it
            stacklevel=2,
        )
    return old or None


def _migrations(args: argparse.Namespace, cwd: Path) -> Migrations:
    settings = _project_settings(cwd)
    database = args.database or _database_from_environment() or settings.get("database")
    modules: list[str] = list(args.models or [])
    if not modules and os.environ.get("MANOUCHE_ORM_MODELS"):
        modules = [m.strip() for m in os.environ["MANOUCHE_ORM_MODELS"].split(",") if m.strip()]
    if not modules:
        configured = settings.get("models", [])
        modules = [configured] if isinstance(configured, str) else list(configured)
    if not modules:
        raise MigrationError("No models: pass --models MODULE (or set MANOUCHE_ORM_MODELS)")
    if str(cwd) not in sys.path:
        sys.path.insert(0, str(cwd))
    for module in modules:
        importlib.import_module(module)
    apps: dict[str, str] = {k: str(cwd / v) for k, v in dict(settings.get("apps", {})).items()}
    for item in args.app or []:
        label, sep, folder = item.partition("=")
        if not sep or not label or not folder:
            raise MigrationError(f"--app takes LABEL=FOLDER, got {item!r}")
        apps[label] = str(cwd / folder)
    if database is None and args.command != "makemigrations":
        raise MigrationError("No database: pass --database URL (or set MANOUCHE_DATABASE_URL)")
    version_table = args.version_table or settings.get("version_table") or "alembic_version"
    if args.command != "makemigrations":
        return Migrations(database, apps=apps, version_table=version_table)
    interactive = not args.noinput and sys.stdin.isatty()
    renames = {_rename_answer(item) for item in args.rename}
    defaults: dict[str, str] = {}
    for item in args.default:
        key, sep, value = item.partition("=")
        if not sep or "." not in key:
            raise MigrationError(f"--default takes TABLE.COLUMN=VALUE, got {item!r}")
        defaults[key.strip()] = value

    def questioner(table: str, old: str, new: str) -> bool:
        if rename_key(table, old, new) in renames:
            return True
        if args.no_rename:
            return False
        return (ask_rename if interactive else refuse_rename)(table, old, new)

    return Migrations(
        database,
        apps=apps,
        version_table=version_table,
        questioner=questioner,
        ask_default=ask_default if interactive else refuse_default,
        defaults=defaults,
    )


def _rename_answer(item: str) -> str:
    """``table.old=new`` (``table.old=table.new`` too) or ``old_table=new_table``."""
    old, sep, new = item.partition("=")
    old, new = old.strip(), new.strip()
    if not sep or not old or not new:
        raise MigrationError(f"--rename takes TABLE.OLD=NEW or OLD_TABLE=NEW_TABLE, got {item!r}")
    table, dot, column = old.rpartition(".")
    if dot and new.startswith(f"{table}."):
        new = new[len(table) + 1 :]
    return f"{old}={new}"


def main(argv: Sequence[str] | None = None, cwd: Path | None = None) -> int:
    """Run one command; the exit status is 0 on success, 1 on ``--check`` changes, 2 on errors."""
    args = build_parser().parse_args(argv)
    here = cwd or Path.cwd()
    try:
        mig = _migrations(args, here)
        return _run(mig, args)
    except (MigrationError, LookupError) as exc:
        print(f"manouche-orm: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"manouche-orm: error: cannot import the models: {one_line(exc)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\nmanouche-orm: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the command line answers in one line
        print(f"manouche-orm: error: {one_line(exc)}", file=sys.stderr)
        return 2


def _run(mig: Migrations, args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "makemigrations":
        dry = args.check or args.dry_run
        written = mig.makemigrations(args.app_label, name=args.name, empty=args.empty, dry_run=dry)
        if not written:
            print("No changes detected")
            return 0
        for path in written:
            print(f"  {path}")
        return 1 if args.check else 0
    if cmd == "migrate":
        mig.migrate(args.app_label, args.migration_name)
        print(
            "Migrations applied"
            if args.migration_name is None
            else f"Migrated to {args.migration_name}"
        )
        return 0
    if cmd == "showmigrations":
        infos = [i for label in (args.app_label or [None]) for i in mig.showmigrations(label)]
        current = None
        for info in infos:
            if info.app != current:
                print(info.app)
                current = info.app
            print(str(info))
        return 0
    if cmd == "sqlmigrate":
        print(mig.sqlmigrate(args.app_label, args.migration_name, backwards=args.backwards), end="")
        return 0
    mig.stamp(args.app_label, args.migration_name)
    print("Stamped")
    return 0


def console() -> None:  # pragma: no cover - the console script
    sys.exit(main())
