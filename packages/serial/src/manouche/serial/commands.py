"""Console commands: ``manouche-serial dumpdata|loaddata``, ``manouche-dumpdata``, ``-loaddata``.

There is no settings module, so the commands are told two things:

- where the models are: ``--models mypkg.models`` (repeatable; comma-separated
  in the ``MANOUCHE_MODELS`` environment variable). Each module is imported
  and every model class, ``Table`` and ``MetaData`` at its top level is
  registered (orm-lite models, declarative SQLAlchemy models, bare tables);
- which database: ``--database URL`` (or ``MANOUCHE_DATABASE_URL``), any
  SQLAlchemy URL.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

import sqlalchemy as sa

from manouche.serial._fixtures import dump_data, load_data, open_fixture, split_name
from manouche.serial._models import ModelRegistry
from manouche.serial._registry import formats
from manouche.serial.exceptions import DeserializationError, FixtureError, ModelNotFound

__all__ = ["dumpdata_main", "loaddata_main", "main"]


class _Bar:
    """A one-line progress bar on stderr: ``app.model  1200/10000 [###.......]``."""

    width = 30

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.current: str | None = None

    def __call__(self, label: str, done: int, total: int | None) -> None:
        if total:
            filled = done * self.width // total
            bar = f" [{'#' * filled}{'.' * (self.width - filled)}]"
            text = f"{label}  {done}/{total}{bar}"
        else:
            text = f"{label}  {done}"
        self.out.write("\r" + text.ljust(70))
        if total is not None and done >= total:
            self.out.write("\n")
        self.out.flush()


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--models",
        action="append",
        default=[],
        metavar="MODULE",
        help="import path of a module defining models (repeatable; default: $MANOUCHE_MODELS)",
    )
    p.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy database URL (default: $MANOUCHE_DATABASE_URL)",
    )
    p.add_argument(
        "-e",
        "--exclude",
        action="append",
        default=[],
        metavar="LABEL",
        help="app_label or app_label.model to leave out (repeatable)",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--progress", dest="progress", action="store_true", default=None, help="show a progress bar"
    )
    group.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )


def _dump_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Write the rows of models as a fixture.")
    p.add_argument("labels", nargs="*", metavar="app_label[.model]")
    _common(p)
    p.add_argument(
        "--format", help="json (default), jsonl, xml or yaml; default from --output's name"
    )
    p.add_argument("--indent", type=int, default=None)
    p.add_argument("--pks", help="comma-separated primary keys (one model only)")
    p.add_argument(
        "-o", "--output", help="file to write (.gz/.bz2/.xz/.zst compress); stdout by default"
    )
    p.add_argument("--natural-foreign", action="store_true", help="use natural keys for relations")
    p.add_argument(
        "--natural-primary", action="store_true", help="omit pks of models with natural keys"
    )
    return p


def _load_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Load fixtures in one transaction.")
    p.add_argument(
        "fixtures",
        nargs="+",
        metavar="FIXTURE",
        help="fixture files (- reads stdin, needs --format)",
    )
    _common(p)
    p.add_argument("--format", help="format of stdin or of files whose name does not say it")
    p.add_argument(
        "-i", "--ignorenonexistent", action="store_true", help="skip unknown models and fields"
    )
    return p


def _registry(args: argparse.Namespace) -> ModelRegistry:
    names = list(args.models) or [
        m for m in os.environ.get("MANOUCHE_MODELS", "").split(",") if m.strip()
    ]
    if not names:
        raise FixtureError("Which models? Pass --models mypkg.models or set MANOUCHE_MODELS")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    registry = ModelRegistry()
    for name in names:
        try:
            registry.add(name.strip())
        except ImportError as exc:
            raise FixtureError(f"Cannot import models module {name!r}: {exc}") from None
    if not len(registry):
        raise FixtureError(f"No models found in {', '.join(names)}")
    return registry


def _engine(args: argparse.Namespace) -> sa.Engine:
    url = args.database or os.environ.get("MANOUCHE_DATABASE_URL")
    if not url:
        raise FixtureError("Which database? Pass --database URL or set MANOUCHE_DATABASE_URL")
    return sa.create_engine(url)


def _progress(args: argparse.Namespace) -> _Bar | None:
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    return _Bar(sys.stderr) if show else None


def dumpdata(argv: Sequence[str] | None = None, prog: str = "manouche-dumpdata") -> int:
    args = _dump_parser(prog).parse_args(argv)
    registry = _registry(args)
    engine = _engine(args)
    fmt = args.format
    if fmt is None and args.output:
        fmt = split_name(args.output)[1]
    fmt = fmt or "json"
    if fmt not in formats:
        raise FixtureError(f"Unknown serialization format: {fmt}")
    pks = [p.strip() for p in args.pks.split(",")] if args.pks else None
    kwargs: dict[str, Any] = {
        "models": registry,
        "labels": args.labels,
        "exclude": args.exclude,
        "pks": pks,
        "format": fmt,
        "indent": args.indent,
        "use_natural_foreign_keys": args.natural_foreign,
        "use_natural_primary_keys": args.natural_primary,
        "progress": _progress(args) if args.output else None,
    }
    try:
        if args.output:
            with open_fixture(args.output, "w") as out:
                dump_data(engine, out, **kwargs)
        else:
            dump_data(engine, sys.stdout, **kwargs)
            sys.stdout.flush()
    finally:
        engine.dispose()
    return 0


def loaddata(argv: Sequence[str] | None = None, prog: str = "manouche-loaddata") -> int:
    args = _load_parser(prog).parse_args(argv)
    registry = _registry(args)
    engine = _engine(args)
    try:
        count = load_data(
            engine,
            args.fixtures,
            models=registry,
            format=args.format,
            ignorenonexistent=args.ignorenonexistent,
            exclude=args.exclude,
            progress=_progress(args),
        )
    finally:
        engine.dispose()
    n = len(args.fixtures)
    print(f"Installed {count} object(s) from {n} fixture(s)", file=sys.stderr)
    return 0


def _run(fn: Any, argv: Sequence[str] | None, prog: str) -> int:
    try:
        return int(fn(argv, prog))
    except (FixtureError, DeserializationError, ModelNotFound) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def dumpdata_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``manouche-dumpdata``."""
    return _run(dumpdata, argv, "manouche-dumpdata")


def loaddata_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``manouche-loaddata``."""
    return _run(loaddata, argv, "manouche-loaddata")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``manouche-serial dumpdata|loaddata ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("dumpdata", "loaddata"):
        print("usage: manouche-serial {dumpdata,loaddata} ...", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "dumpdata":
        return _run(dumpdata, rest, "manouche-serial dumpdata")
    return _run(loaddata, rest, "manouche-serial loaddata")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
