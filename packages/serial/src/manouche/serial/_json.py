"""The "json", "jsonl" and "python" formats, written as Django writes them.

Reading is incremental: a JSON document is a top-level array whose elements
are decoded one at a time from a sliding buffer, so memory is bounded by the
largest object (``max_object_size``), not by the document. A document given
as a string (or bytes) no larger than ``max_object_size`` is parsed in one
call instead, the same bound; JSONL is read a
line at a time. Nesting deeper than ``max_depth`` inside a value and
documents over ``max_size`` characters are refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from manouche.serial._base import (
    BaseDeserializer,
    BaseSerializer,
    DeserializedObject,
    Plan,
    objects_from_dicts,
    text_or_bytes,
)
from manouche.serial._values import json_default
from manouche.serial.exceptions import DeserializationError

__all__ = [
    "DjangoJSONEncoder",
    "JSONDeserializer",
    "JSONLDeserializer",
    "JSONLSerializer",
    "JSONSerializer",
]

MAX_OBJECT_SIZE = 16 * 1024 * 1024
_CHUNK = 64 * 1024
_WS = " \t\n\r"
_NEXT = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


class DjangoJSONEncoder(json.JSONEncoder):
    """Django's JSON encoder: dates, times and durations in ISO 8601, decimals and UUIDs as text.

    As Django's: datetimes keep milliseconds and write UTC as ``Z``, an aware
    time is a ``ValueError``, a timedelta is an ISO 8601 duration
    (``P1DT02H00M00S``), a lazy translation string (i18nkit's ``gettext_lazy``)
    its text. Use it as ``json.dumps(data, cls=DjangoJSONEncoder)``.
    """

    def default(self, o: Any) -> Any:
        if isinstance(
            o, dt.datetime | dt.date | dt.time | dt.timedelta | decimal.Decimal | uuid.UUID
        ):
            return json_default(o)
        if _is_lazy_string(o):
            return str(o)  # translated in the language active now, as Django's
        return super().default(o)


#: Lazy translation strings, known by their class without importing their package:
#: i18nkit's ``LazyString`` and Django's ``Promise`` (``gettext_lazy``).
_LAZY_STRING_TYPES = frozenset({"LazyString", "Promise"})


def _is_lazy_string(o: Any) -> bool:
    return any(c.__name__ in _LAZY_STRING_TYPES for c in type(o).__mro__)


class _Flusher:
    """Collects output pieces and writes them in chunks (fewer stream calls)."""

    __slots__ = ("parts", "size", "write")

    def __init__(self, stream: IO[str]) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.write = stream.write

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += 1
        if self.size >= 256:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.write("".join(self.parts))
            self.parts.clear()
            self.size = 0


class PythonSerializer(BaseSerializer):
    """Objects to a list of fixture dicts (JSON-ready values)."""

    internal_use_only = True

    def start_serialization(self) -> None:
        self.objects: list[dict[str, Any]] = []

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        self.objects.append(plan.json_dict(pk, values, m2m))

    def getvalue(self) -> Any:
        return self.objects


def _encoder(separators: tuple[str, str] | None) -> Callable[[Any], str]:
    """A JSON encoder for ``obj`` (DjangoJSONEncoder's conversions, UTF-8 kept as is).

    The C encoder is built once and reused, where ``json.dumps`` builds one a call.
    """
    item_sep, key_sep = separators or (", ", ": ")
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(
            ensure_ascii=False, default=json_default, separators=(item_sep, key_sep)
        ).encode
    enc = make(
        None,
        json_default,
        json.encoder.encode_basestring,
        None,
        key_sep,
        item_sep,
        False,
        False,
        True,
    )

    def encode(obj: Any) -> str:
        return "".join(enc(obj, 0))

    return encode


class JSONSerializer(BaseSerializer):
    """Django's "json" format: a JSON array of ``{"model", "pk", "fields"}`` objects."""

    def start_serialization(self) -> None:
        indent = self.options.get("indent")
        self._indent = indent
        if indent is None:
            # Without indentation Django's layout is exactly json.dumps of the list,
            # so objects are encoded a batch at a time.
            self._encode = _encoder(None)
        else:
            kwargs: dict[str, Any] = {
                "ensure_ascii": False,
                "default": json_default,
                "indent": indent,
            }
            if indent:
                kwargs["separators"] = (",", ": ")
            self._encode = json.JSONEncoder(**kwargs).encode
        self._pending: list[dict[str, Any]] = []
        self._started = False
        self._out = _Flusher(self.stream)
        self._out.add("[")

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        obj = plan.json_dict(pk, values, m2m)
        if self._indent is None:
            self._pending.append(obj)
            if len(self._pending) >= 500:
                self._flush_pending()
            return
        text = self._encode(obj)
        if self._indent:
            self._out.add((",\n" if self._started else "\n") + text)
        else:
            self._out.add(", " + text if self._started else text)
        self._started = True

    def _flush_pending(self) -> None:
        if self._pending:
            text = self._encode(self._pending)[1:-1]
            self._out.add(", " + text if self._started else text)
            self._started = True
            self._pending.clear()

    def end_serialization(self) -> None:
        self._flush_pending()
        # Django 6 ends the document with a newline, indented or not.
        self._out.add("\n]\n" if self._indent else "]\n")
        self._out.flush()


class JSONLSerializer(BaseSerializer):
    """Django's "jsonl" format: one compact JSON object a line."""

    def start_serialization(self) -> None:
        self._encode = _encoder((",", ": "))
        self._out = _Flusher(self.stream)

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        self._out.add(self._encode(plan.json_dict(pk, values, m2m)) + "\n")

    def end_serialization(self) -> None:
        self._out.flush()


class _Bounded:
    """Limits shared by the JSON readers."""

    def _limits(self, options: dict[str, Any]) -> None:
        self.max_object_size: int = options.get("max_object_size", MAX_OBJECT_SIZE)
        self.max_size: int | None = options.get("max_size")


def _decode_error(
    exc: Exception, index: int, where: tuple[int, int] | None = None
) -> DeserializationError:
    """The error for ``exc``; ``where`` is its (line, column) in the whole document."""
    if isinstance(exc, RecursionError):
        return DeserializationError("JSON nested too deeply", index=index)
    if isinstance(exc, json.JSONDecodeError):
        line, column = where if where is not None else (None, None)
        return DeserializationError(
            f"invalid JSON: {exc.msg}", index=index, line=line, column=column
        )
    return DeserializationError(f"invalid JSON: {exc}", index=index)


class _Position:
    """Where the start of a sliding buffer lies in the whole document (1-based line and column)."""

    __slots__ = ("column", "line")

    def __init__(self) -> None:
        self.line = 1
        self.column = 1

    def advance(self, text: str) -> None:
        """Move past ``text``, the part of the buffer being let go."""
        newlines = text.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(text) - text.rfind("\n")
        else:
            self.column += len(text)

    def of(self, buf: str, offset: int) -> tuple[int, int]:
        """The line and column of ``buf[offset]``."""
        newlines = buf.count("\n", 0, offset)
        if newlines:
            return self.line + newlines, offset - buf.rfind("\n", 0, offset)
        return self.line, self.column + offset


def iter_json_array(
    stream: IO[str], max_object_size: int = MAX_OBJECT_SIZE, max_size: int | None = None
) -> Iterator[Any]:
    """The elements of a top-level JSON array, decoded one at a time."""
    decode = json.JSONDecoder().raw_decode
    buf = ""
    pos = 0
    eof = False
    total = 0
    origin = _Position()  # where buf[0] lies in the document

    def more() -> bool:
        nonlocal buf, pos, eof, total
        if eof:
            return False
        # Read at least as much as is pending: a large object costs O(log n) retries.
        chunk = stream.read(max(_CHUNK, len(buf) - pos))
        if not isinstance(chunk, str):
            raise TypeError("the stream gave bytes where text was expected")
        if not chunk:
            eof = True
            return False
        total += len(chunk)
        if max_size is not None and total > max_size:
            raise DeserializationError(f"document larger than {max_size} characters")
        if pos:
            origin.advance(buf[:pos])
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not more():
                return ""

    first = skip_ws()
    if first != "[":
        raise DeserializationError(
            "a JSON fixture must be an array of objects" if first else "empty document"
        )
    pos += 1
    index = 0
    expect_value = False
    while True:
        c = skip_ws()
        if c == "":
            raise DeserializationError(
                "unexpected end of document: the array is not closed", index=index or None
            )
        if c == "]" and not expect_value:
            pos += 1
            if skip_ws():
                raise DeserializationError("extra data after the array")
            return
        if index and not expect_value:
            if c != ",":
                line, column = origin.of(buf, pos)
                raise DeserializationError(
                    f"expected ',' or ']' after object #{index}, found {c!r}",
                    line=line,
                    column=column,
                )
            pos += 1
            expect_value = True
            continue
        index += 1
        while True:
            try:
                value, end = decode(buf, pos)
            except (json.JSONDecodeError, RecursionError) as exc:
                if isinstance(exc, json.JSONDecodeError) and not eof:
                    if len(buf) - pos > max_object_size:
                        raise DeserializationError(
                            f"object larger than {max_object_size} characters", index=index
                        ) from None
                    if more():
                        continue
                where = origin.of(buf, exc.pos) if isinstance(exc, json.JSONDecodeError) else None
                raise _decode_error(exc, index, where) from None
            if end == len(buf) and not eof and buf[pos] not in '{["':
                # A number may continue in the next chunk.
                if more():
                    continue
            break
        if end - pos > max_object_size:
            raise DeserializationError(
                f"object larger than {max_object_size} characters", index=index
            )
        pos = end
        expect_value = False
        yield value
        # Fast path: the next element is already buffered after a comma.
        while True:
            m = _NEXT.match(buf, pos)
            if m is None:
                break
            start = m.end()
            if start >= len(buf) - 1 or buf[start] != "{":
                break
            try:
                value, end = decode(buf, start)
            except (json.JSONDecodeError, RecursionError):
                break  # more data needed, or an error: the general path sorts it out
            if end - start > max_object_size:
                raise DeserializationError(
                    f"object larger than {max_object_size} characters", index=index + 1
                )
            index += 1
            pos = end
            yield value


class PythonDeserializer(BaseDeserializer):
    """Fixture dicts (a list, or any iterable) to deserialized objects.

    The list may be passed as ``object_list=`` (Django's name for it).
    """

    def __init__(self, stream_or_string: Any = None, **options: Any) -> None:
        if "object_list" in options:
            if stream_or_string is not None:
                raise TypeError("pass the objects once: stream_or_string or object_list")
            stream_or_string = options.pop("object_list")
        if stream_or_string is None:
            raise TypeError("PythonDeserializer() needs the list of fixture dicts")
        super().__init__(stream_or_string, **options)

    def objects(self) -> Iterator[DeserializedObject]:
        return objects_from_dicts(self, self.stream)


def parse_in_memory(
    data: Any, max_object_size: int = MAX_OBJECT_SIZE, max_size: int | None = None
) -> list[Any] | None:
    """The elements of a JSON array already in memory, parsed in one C call.

    Only for documents no larger than ``max_object_size`` (and ``max_size``):
    the incremental reader would have buffered that much for one object
    anyway, so the bounds hold. ``None`` means "use the incremental reader":
    the input is a stream, too large, not valid JSON, too deep or not an
    array, and the incremental reader then reports the precise error.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > 4 * max_object_size:
            return None  # cannot fit once decoded (4 bytes a character at most)
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(data, str):
        return None
    if len(data) > max_object_size or (max_size is not None and len(data) > max_size):
        return None
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if type(value) is list else None


def handed_over(items: list[Any]) -> Iterator[Any]:
    """The elements of ``items`` in order, each let go as it is handed over (``items`` ends empty).

    The memory of an object already read is reused for the next ones instead
    of the whole decoded document staying until the end.
    """
    items.reverse()
    pop = items.pop
    while items:
        yield pop()


class JSONDeserializer(BaseDeserializer, _Bounded):
    """Reads the "json" format: in one call when in memory and small enough, else incrementally."""

    def objects(self) -> Iterator[DeserializedObject]:
        self._limits(self.options)
        parsed = parse_in_memory(self.stream, self.max_object_size, self.max_size)
        if parsed is not None:
            items: Iterable[Any] = handed_over(parsed)
        else:
            stream = text_or_bytes(self.stream)
            items = iter_json_array(stream, self.max_object_size, self.max_size)
        return objects_from_dicts(self, items)


class JSONLDeserializer(BaseDeserializer, _Bounded):
    """Reads the "jsonl" format a line at a time (blank lines skipped)."""

    def objects(self) -> Iterator[DeserializedObject]:
        self._limits(self.options)
        return objects_from_dicts(self, self._lines())

    def _lines(self) -> Iterator[Any]:
        stream = text_or_bytes(self.stream)
        total = 0
        loads = json.loads
        for index, line in enumerate(_read_lines(stream, self.max_object_size), start=1):
            total += len(line)
            if self.max_size is not None and total > self.max_size:
                raise DeserializationError(f"document larger than {self.max_size} characters")
            if not line.strip():
                continue
            try:
                obj = loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                where = (index, exc.colno) if isinstance(exc, json.JSONDecodeError) else None
                raise _decode_error(exc, index, where) from None
            yield obj


def _read_lines(stream: IO[str], limit: int) -> Iterator[str]:
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith("\n"):
            raise DeserializationError(f"line longer than {limit} characters")
        yield line
