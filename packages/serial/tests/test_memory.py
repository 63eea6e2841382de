"""Dumping and loading run in memory bounded by the chunk size, not by the number of rows."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable

import sqlalchemy as sa

from manouche import serial

metadata = sa.MetaData()
things = sa.Table(
    "mem_thing",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100)),
    sa.Column("body", sa.Text),
    info={"app_label": "mem", "model_name": "thing"},
)


class Sink(io.TextIOBase):
    """A write-only stream that keeps nothing (counts characters)."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.size += len(s)
        return len(s)


class Source(io.TextIOBase):
    """A JSONL document of ``n`` objects made as it is read (never whole in memory)."""

    def __init__(self, n: int) -> None:
        body = "x" * 200
        self.lines = (
            f'{{"model": "mem.thing", "pk": {i}, "fields": {{"name": "n{i}", "body": "{body}"}}}}\n'
            for i in range(1, n + 1)
        )

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return next(self.lines, "")


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _engine(rows: int) -> sa.Engine:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            things.insert(),
            [{"id": i, "name": f"n{i}", "body": "x" * 200} for i in range(1, rows + 1)],
        )
    return engine


def test_dump_memory_is_flat() -> None:
    small, large = _engine(1_000), _engine(20_000)

    def dump(engine: sa.Engine) -> int:
        sink = Sink()
        serial.dump_data(engine, sink, models=metadata, format="jsonl", chunk_size=500)
        return sink.size

    assert dump(large) > 19 * dump(small)
    peak_small, peak_large = _peak(lambda: dump(small)), _peak(lambda: dump(large))
    # 20x the rows, about the same memory (the large dump's whole text would be ~5 MB).
    assert peak_large < peak_small * 1.5 + 200_000, (peak_small, peak_large)
    small.dispose()
    large.dispose()


def test_load_memory_is_flat() -> None:
    def load(n: int) -> None:
        engine = sa.create_engine("sqlite://")
        metadata.create_all(engine)
        assert serial.load_data(engine, [("gen", Source(n), "jsonl")], models=metadata) == n
        engine.dispose()

    peak_small, peak_large = _peak(lambda: load(1_000)), _peak(lambda: load(20_000))
    assert peak_large < peak_small * 1.5 + 200_000, (peak_small, peak_large)
