"""dumpdata and loaddata as functions: tables to a stream in chunks, fixtures into one transaction.

:func:`dump_data` reads each table in primary-key order a chunk at a time
(keyset pagination: ``WHERE pk > last ORDER BY pk LIMIT n``, which needs no
server-side cursor and works the same on every backend) and writes each
object as it comes, so memory stays flat however large the table.

:func:`load_data` reads fixtures incrementally and writes them in batches
inside one transaction: a bad object rolls everything back and the error
names the fixture, the object's position, model and pk, and the reason.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import sqlalchemy as sa

from manouche.serial._base import (
    BaseSerializer,
    DeserializedObject,
    Plan,
    _related_spec,
    hook_strings,
    resolve_deferred,
)
from manouche.serial._db import Using, transaction
from manouche.serial._models import ModelRegistry, ModelSpec, as_registry
from manouche.serial._registry import formats
from manouche.serial._saving import IN_CHUNK, save_objects
from manouche.serial.exceptions import DeserializationError, FixtureError

__all__ = ["dump_data", "load_data", "open_fixture", "select_models"]

COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")

Progress = Callable[[str, int, int | None], None]


# -- files -----------------------------------------------------------------------------


def split_name(path: str) -> tuple[str, str | None, str | None]:
    """``("data", "json", ".gz")`` for ``data.json.gz``; format/compression ``None`` when absent."""
    base = os.path.basename(path)
    compression = None
    for ext in COMPRESSIONS:
        if base.endswith(ext):
            compression = ext
            base = base[: -len(ext)]
            break
    stem, dot, fmt = base.rpartition(".")
    if dot and fmt in formats:
        return stem, fmt, compression
    return base, None, compression


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise FixtureError(
            '.zst files need zstandard: pip install "manouche-serial[zstd]"'
        ) from None
    return zstandard


@contextmanager
def open_fixture(path: str, mode: str) -> Iterator[IO[str]]:
    """A text stream on ``path`` ("r" or "w"), through its compression; ``-`` is stdin/stdout."""
    import sys

    if path == "-":
        yield sys.stdin if mode == "r" else sys.stdout
        return
    _, _, compression = split_name(path)
    raw: Any
    if compression == ".gz":
        raw = gzip.open(path, mode + "b")
    elif compression == ".bz2":
        raw = bz2.open(path, mode + "b")
    elif compression == ".xz":
        raw = lzma.open(path, mode + "b")
    elif compression == ".zst":
        z = _zstd()
        fh = open(path, mode + "b")  # noqa: SIM115 - closed below through the wrapper
        raw = (
            z.ZstdDecompressor().stream_reader(fh, closefd=True)
            if mode == "r"
            else z.ZstdCompressor().stream_writer(fh, closefd=True)
        )
    else:
        raw = open(path, mode + "b")  # noqa: SIM115
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="" if mode == "w" else None)
    try:
        yield text
    finally:
        text.close()


# -- choosing models ----------------------------------------------------------------------


def select_models(
    registry: ModelRegistry, labels: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[ModelSpec]:
    """The models named by ``app_label`` / ``app_label.model`` labels, minus ``exclude``.

    No labels means every model.

    Automatic many-to-many tables are never dumped on their own (their rows
    travel with the model that declares the relation). Without labels, the
    models come in dependency order (a foreign key's target first).
    """
    everything = [s for s in registry if not registry.is_through(s)]
    chosen: list[ModelSpec] = []
    if labels:
        for label in labels:
            found = _match(everything, registry, label)
            chosen.extend(s for s in found if s not in chosen)
    else:
        chosen = _dependency_order(everything)
    excluded: list[ModelSpec] = []
    for label in exclude:
        excluded.extend(_match(everything, registry, label))
    return [s for s in chosen if s not in excluded]


def _match(everything: list[ModelSpec], registry: ModelRegistry, label: str) -> list[ModelSpec]:
    key = label.lower()
    if "." in key:
        return [registry.get(key)]
    found = [s for s in everything if s.label.split(".")[0] == key]
    if not found:
        raise FixtureError(
            f"Unknown application or model: {label!r}. Known models: {', '.join(registry.labels())}"
        )
    return found


def _dependency_order(specs: list[ModelSpec]) -> list[ModelSpec]:
    by_table = {s.table: s for s in specs}
    done: list[ModelSpec] = []
    seen: set[int] = set()

    def visit(s: ModelSpec, stack: tuple[int, ...]) -> None:
        if id(s) in seen or id(s) in stack:
            return
        for f in s.fields:
            if f.target is not None:
                dep = by_table.get(f.target.table)
                if dep is not None and dep is not s:
                    visit(dep, (*stack, id(s)))
        seen.add(id(s))
        done.append(s)

    for s in specs:
        visit(s, ())
    return done


# -- dumping ----------------------------------------------------------------------------------


class _NaturalKeys:
    """Natural keys of related rows by pk, fetched a chunk at a time and kept in a bounded cache."""

    LIMIT = 50_000

    def __init__(self, conn: sa.Connection, spec: ModelSpec) -> None:
        self.conn = conn
        self.spec = spec
        self.cache: dict[Any, list[Any]] = {}

    def fill(self, pks: Iterable[Any]) -> None:
        missing = list({pk for pk in pks if pk is not None and pk not in self.cache})
        if not missing:
            return
        if len(self.cache) + len(missing) > self.LIMIT:
            self.cache.clear()
        spec = self.spec
        cols = [spec.pk, *spec.fields]
        for i in range(0, len(missing), IN_CHUNK):
            stmt = sa.select(*[f.column for f in cols]).where(
                spec.pk.column.in_(missing[i : i + IN_CHUNK])
            )
            for row in self.conn.execute(stmt):
                data = {f.attr: v for f, v in zip(cols, row, strict=True)}
                if spec.natural_key_fields is not None and spec.model is None:
                    key = [data[spec.fields_by_name[n].attr] for n in spec.natural_key_fields]
                else:
                    key = spec.natural_key_of(spec.build(data))
                self.cache[row[0]] = key

    def __getitem__(self, pk: Any) -> list[Any]:
        return self.cache[pk]


def dump_data(
    using: Using,
    stream: IO[str],
    *,
    models: Any = None,
    labels: Sequence[str] = (),
    exclude: Sequence[str] = (),
    pks: Sequence[Any] | None = None,
    format: str = "json",
    indent: int | None = None,
    use_natural_foreign_keys: bool = False,
    use_natural_primary_keys: bool = False,
    chunk_size: int = 2000,
    progress: Progress | None = None,
) -> int:
    """Write the rows of the chosen models to ``stream``; returns the number of objects.

    :param labels: ``app_label`` or ``app_label.model`` (all models when empty).
    :param pks: only these primary keys (exactly one model label then).
    :param progress: ``progress(label, done, total)`` called after each chunk.
    """
    registry = as_registry(models)
    specs = select_models(registry, labels, exclude)
    if pks is not None and len(specs) != 1:
        raise FixtureError("You can only use pks with one model")
    ser: BaseSerializer = formats.get(format).serializer()
    ser.begin(
        stream=stream,
        indent=indent,
        use_natural_foreign_keys=use_natural_foreign_keys,
        use_natural_primary_keys=use_natural_primary_keys,
        registry=registry,
    )
    count = 0
    conn_cm = _read_connection(using)
    with conn_cm as conn:
        for spec in specs:
            count += _dump_model(conn, ser, spec, registry, pks, chunk_size, progress)
    ser.finish()
    return count


@contextmanager
def _read_connection(using: Using) -> Iterator[sa.Connection]:
    from manouche.serial._db import connection_for

    if isinstance(using, sa.Engine):
        with using.connect() as conn:
            yield conn
        return
    bound = connection_for(using)
    if bound is None:
        raise FixtureError("Nothing to dump from: pass a Connection, an Engine or a Database")
    yield bound


def _dump_model(
    conn: sa.Connection,
    ser: BaseSerializer,
    spec: ModelSpec,
    registry: ModelRegistry,
    pks: Sequence[Any] | None,
    chunk_size: int,
    progress: Progress | None,
) -> int:
    plan: Plan = ser.plan(spec)
    pk_col = spec.pk.column
    cols = [pk_col, *[f.column for f in plan.fields]]
    base = sa.select(*cols).order_by(pk_col)
    if pks is not None:
        wanted = [spec.pk.reader(p, isinstance(p, str)) for p in pks]
        base = base.where(pk_col.in_(wanted))
    total = None
    if progress is not None:
        count_stmt = sa.select(sa.func.count()).select_from(spec.table)
        if pks is not None:
            count_stmt = count_stmt.where(pk_col.in_(wanted))
        total = conn.execute(count_stmt).scalar_one()
        progress(spec.label, 0, total)
    natural = {
        i: _NaturalKeys(conn, _related_spec(registry, f))
        for i, (f, nat) in enumerate(zip(plan.fields, plan.natural, strict=True))
        if nat
    }
    m2m_natural = {
        j: _NaturalKeys(conn, registry.for_table(m.related_table, m.related_model))
        for j, (m, nat) in enumerate(zip(plan.m2m, plan.m2m_natural, strict=True))
        if nat
    }
    done = 0
    last = None
    while True:
        stmt = base if last is None else base.where(pk_col > last)
        rows = conn.execute(stmt.limit(chunk_size)).all()
        if not rows:
            break
        last = rows[-1][0]
        chunk_pks = [r[0] for r in rows]
        for i, nk in natural.items():
            nk.fill(r[i + 1] for r in rows)
        m2m_values = [_m2m_chunk(conn, m, chunk_pks) for m in plan.m2m]
        for j, nk in m2m_natural.items():
            nk.fill(v for vs in m2m_values[j].values() for v in vs)
        empty: list[Any] = []
        write = ser.write_object
        if not natural and not m2m_values and not plan.hooked:
            for r in rows:
                write(plan, r[0], r[1:], empty)
        else:
            for r in rows:
                pk = r[0]
                values = hook_strings(plan, r[1:]) if plan.hooked else list(r[1:])
                for i, nk in natural.items():
                    if values[i] is not None:
                        values[i] = nk[values[i]]
                m2m = [by_pk.get(pk, empty) for by_pk in m2m_values]
                for j, nk in m2m_natural.items():
                    m2m[j] = [nk[v] for v in m2m[j]]
                write(plan, pk, values, m2m)
        ser.first = False
        done += len(rows)
        if progress is not None:
            progress(spec.label, done, total)
        if len(rows) < chunk_size:
            break
    return done


def _m2m_chunk(conn: sa.Connection, m: Any, pks: list[Any]) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for i in range(0, len(pks), IN_CHUNK):
        stmt = (
            sa.select(m.source, m.target)
            .where(m.source.in_(pks[i : i + IN_CHUNK]))
            .order_by(m.source, m.target)
        )
        for src, dst in conn.execute(stmt):
            out.setdefault(src, []).append(dst)
    return out


# -- loading -----------------------------------------------------------------------------------


class _Source:
    """One fixture to load: a name for messages, a stream and its format."""

    def __init__(self, name: str, stream: Any, format: str) -> None:
        self.name = name
        self.stream = stream
        self.format = format


def _defer_constraints(conn: sa.Connection) -> Callable[[], None]:
    name = conn.dialect.name
    if name == "sqlite":
        # The sqlite3 module opens its transaction lazily, at the first write; a
        # SAVEPOINT before that would start (and its RELEASE commit) a transaction
        # of its own. Open the real one now so every batch belongs to it.
        raw = conn.connection.dbapi_connection
        if raw is not None and getattr(raw, "in_transaction", True) is False:
            conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    elif name == "postgresql":
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    elif name in ("mysql", "mariadb"):
        conn.exec_driver_sql("SET foreign_key_checks = 0")

        def restore() -> None:
            conn.exec_driver_sql("SET foreign_key_checks = 1")

        return restore
    return lambda: None


def _check_foreign_keys(conn: sa.Connection, specs: Iterable[ModelSpec]) -> None:
    """Every foreign key of the loaded tables points to an existing row (else names the first)."""
    for spec in specs:
        for f in spec.fields:
            if f.target is None:
                continue
            target = f.target
            ref = target.table.alias("ref")
            stmt = (
                sa.select(spec.pk.column, f.column)
                .select_from(spec.table.outerjoin(ref, ref.c[target.key] == f.column))
                .where(f.column.is_not(None), ref.c[target.key].is_(None))
                .limit(1)
            )
            bad = conn.execute(stmt).first()
            if bad is not None:
                raise FixtureError(
                    f"{spec.label} pk={bad[0]!r}: {f.name}={bad[1]!r} "
                    f"points to no row of {target.table.name}"
                )


def _reset_sequences(conn: sa.Connection, specs: Iterable[ModelSpec]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for spec in specs:
        tables = [(spec.table, spec.pk.column)]
        for m in spec.m2m:
            tables.extend((m.through, c) for c in m.through.primary_key.columns)
        for table, col in tables:
            if col.autoincrement is False or not isinstance(col.type, sa.Integer):
                continue
            seq = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col.name}
            ).scalar()
            if seq:
                q = conn.dialect.identifier_preparer.quote
                conn.execute(
                    sa.text(
                        f"SELECT setval(:s, COALESCE(MAX({q(col.name)}), 1), "
                        f"MAX({q(col.name)}) IS NOT NULL) "
                        f"FROM {q(table.name)}"
                    ),
                    {"s": seq},
                )


def load_data(
    using: Using,
    fixtures: Sequence[str | tuple[str, Any, str]],
    *,
    models: Any = None,
    format: str | None = None,
    ignorenonexistent: bool = False,
    exclude: Sequence[str] = (),
    batch_size: int = 500,
    progress: Progress | None = None,
    **options: Any,
) -> int:
    """Load fixtures (paths, or ``(name, stream, format)`` triples) in one transaction.

    Returns the number of objects saved. Any failure raises
    :class:`FixtureError` naming the fixture, the object (position, model,
    pk) and the reason, and nothing is written.
    """
    registry = as_registry(models)
    excluded_models: set[str] = set()
    excluded_apps: set[str] = set()
    for label in exclude:
        (excluded_models if "." in label else excluded_apps).add(label.lower())
    sources: list[_Source] = []
    for fx in fixtures:
        if isinstance(fx, tuple):
            sources.append(_Source(*fx))
            continue
        _, fmt, _ = split_name(fx)
        fmt = fmt or format
        if fmt is None:
            raise FixtureError(f"{fx}: cannot tell the format from the name; pass format=")
        if fx != "-" and not os.path.exists(fx):
            raise FixtureError(f"No fixture named {fx!r} found.")
        sources.append(_Source(fx, None, fmt))
    count = 0
    loaded: dict[int, ModelSpec] = {}
    with transaction(using) as conn:
        restore = _defer_constraints(conn)
        try:
            deferred: list[tuple[str, DeserializedObject]] = []
            for src in sources:
                if src.stream is not None:
                    count += _load_one(
                        conn,
                        src,
                        src.stream,
                        registry,
                        ignorenonexistent,
                        excluded_models,
                        excluded_apps,
                        batch_size,
                        progress,
                        deferred,
                        loaded,
                        options,
                        using,
                    )
                else:
                    with open_fixture(src.name, "r") as stream:
                        count += _load_one(
                            conn,
                            src,
                            stream,
                            registry,
                            ignorenonexistent,
                            excluded_models,
                            excluded_apps,
                            batch_size,
                            progress,
                            deferred,
                            loaded,
                            options,
                            using,
                        )
            for name, obj in deferred:
                try:
                    resolve_deferred(obj, conn, registry, using)
                    save_objects(conn, [obj], using=using)
                except DeserializationError as exc:
                    raise FixtureError(f"{name}: {exc}") from None
            _check_foreign_keys(conn, loaded.values())
            _reset_sequences(conn, loaded.values())
        finally:
            restore()
    return count


def _load_one(
    conn: sa.Connection,
    src: _Source,
    stream: Any,
    registry: ModelRegistry,
    ignore: bool,
    excluded_models: set[str],
    excluded_apps: set[str],
    batch_size: int,
    progress: Progress | None,
    deferred: list[tuple[str, DeserializedObject]],
    loaded: dict[int, ModelSpec],
    options: dict[str, Any],
    using: Using = None,
) -> int:
    de = formats.get(src.format).deserializer(
        stream,
        models=registry,
        # A Database (not only its connection), so managers look natural keys up there.
        using=using if using is not None else conn,
        ignorenonexistent=ignore,
        handle_forward_references=True,
        **options,
    )
    batch: list[DeserializedObject] = []
    count = 0

    def flush() -> None:
        if batch:
            _save_located(conn, src.name, batch, using)
            batch.clear()

    try:
        for obj in de:
            spec = obj.spec
            if spec.label in excluded_models or spec.label.split(".")[0] in excluded_apps:
                continue
            loaded[id(spec)] = spec
            if batch and (batch[-1].spec is not spec or len(batch) >= batch_size):
                flush()
            if obj._deferred:  # (without making an empty dict)
                deferred.append((src.name, obj))
                if spec.pk.name in obj._deferred:
                    # A child whose parent link waits for its parent: no row to write
                    # until the link is resolved, after the rest is loaded.
                    count += 1
                    continue
            batch.append(obj)
            count += 1
            if progress is not None and count % batch_size == 0:
                progress(src.name, count, None)
        flush()
    except DeserializationError as exc:
        raise FixtureError(f"{src.name}: {exc}") from None
    if progress is not None:
        progress(src.name, count, count)
    return count


def _save_located(
    conn: sa.Connection, name: str, batch: list[DeserializedObject], using: Using = None
) -> None:
    try:
        with conn.begin_nested():
            save_objects(conn, batch, using=using)
        return
    except sa.exc.DBAPIError as exc:
        first_error: Exception = exc
    # Find the object at fault: replay one by one, each in its own savepoint
    # (without signals: the load fails, and the batch's pre_save went out already).
    for obj in batch:
        try:
            with conn.begin_nested():
                save_objects(conn, [obj], send_signals=False)
        except sa.exc.DBAPIError as exc:
            raise FixtureError(
                f"{name}: object #{obj.index} ({obj.spec.label} pk={obj.pk!r}): {_reason(exc)}"
            ) from None
    raise FixtureError(f"{name}: {_reason(first_error)}")


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]
