"""Field values to and from their serialized forms, as Django writes them.

Each field kind (Django's internal type name) has a function turning a Python
value into what the JSON format writes (``json_value``), into the text the
XML format writes (``text_value``), and one turning either back into the
Python value (``python_value``). Passing kinds (ints, strings) use ``None``
for "as is", so the hot loop skips the call.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable

from manouche.serial._i18n import gettext, gettext_noop
from manouche.serial.exceptions import DeserializationError
from manouche.validation import dateparse
from manouche.validation.dateparse import duration_iso_string, duration_string

# The messages of a value that cannot be read (Django's model fields' where
# Django has one), in the active language when i18nkit is installed.
_BOOL = gettext_noop("“%(value)s” value must be either True or False.")
_INT = gettext_noop("“%(value)s” value must be an integer.")
_FLOAT = gettext_noop("“%(value)s” value must be a float.")
_DECIMAL = gettext_noop("“%(value)s” value must be a decimal number.")
_FINITE = gettext_noop("“%(value)s” value must be a finite decimal number.")
_DATETIME = gettext_noop(
    "“%(value)s” value has an invalid format. It must be in "
    "YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
)
_TIME = gettext_noop(
    "“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."
)
_DURATION = gettext_noop(
    "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."
)
_UUID = gettext_noop("“%(value)s” is not a valid UUID.")
_BINARY = gettext_noop("“%(value)s” is not base64-encoded binary data.")
_DATE = gettext_noop(
    "“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."
)


def _invalid(message: str, value: object) -> ValueError:
    return ValueError(gettext(message) % {"value": value})


ToJson = Callable[[object], object]
FromValue = Callable[[object, bool], object]

UTC = dt.UTC


class TextValue(str):
    """A value read from XML text: booleans, numbers and JSON arrive as strings."""

    __slots__ = ()


# -- writing ---------------------------------------------------------------


def datetime_json(value: dt.datetime, assume_utc: bool = False) -> str:
    """A datetime as DjangoJSONEncoder writes it: milliseconds, ``Z`` for UTC."""
    if value.tzinfo is None:
        r = value.isoformat(timespec="milliseconds") if value.microsecond else value.isoformat()
        return r + "Z" if assume_utc else r
    r = value.isoformat()
    if value.microsecond:
        r = r[:23] + r[26:]
    if r.endswith("+00:00"):
        r = r[:-6] + "Z"
    return r


def time_json(value: dt.time) -> str:
    if value.utcoffset() is not None:
        raise ValueError("JSON can't represent timezone-aware times.")
    r = value.isoformat()
    if value.microsecond:
        r = r[:12]
    return r


def json_default(value: object) -> object:
    """The ``default`` hook for json.dumps: DjangoJSONEncoder's conversions."""
    if isinstance(value, dt.datetime):
        return datetime_json(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return time_json(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _binary(value: object) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")  # type: ignore[call-overload]


def json_writer(kind: str, timezone: bool) -> ToJson | None:
    """The JSON conversion for a field kind (``None``: written as is)."""
    if kind == "DateTimeField":
        if timezone:
            return lambda v: None if v is None else datetime_json(v, True)  # type: ignore[arg-type]
        return lambda v: None if v is None else datetime_json(v)  # type: ignore[arg-type]
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()  # type: ignore[attr-defined]
    if kind == "TimeField":
        return lambda v: None if v is None else time_json(v)  # type: ignore[arg-type]
    if kind == "DurationField":
        return lambda v: None if v is None else duration_string(v)  # type: ignore[arg-type]
    if kind == "BinaryField":
        return lambda v: None if v is None else _binary(v)
    if kind in ("DecimalField", "UUIDField"):
        return lambda v: None if v is None else str(v)
    return None


def text_value(kind: str, value: object, timezone: bool) -> str:
    """The string Django's XML serializer writes for a non-null value."""
    if kind == "JSONField":
        return json.dumps(value, default=json_default)
    if kind == "DateTimeField":
        assert isinstance(value, dt.datetime)
        if timezone and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if kind == "DurationField":
        assert isinstance(value, dt.timedelta)
        return duration_string(value)
    if kind == "BinaryField":
        return _binary(value)
    return str(value)


# -- reading ---------------------------------------------------------------


def parse_duration(text: str) -> dt.timedelta:
    """Django's duration format, ISO 8601 or PostgreSQL's; ``ValueError`` otherwise."""
    result = dateparse.parse_duration(text)
    if result is None:
        raise ValueError(f"{text!r} is not a duration ([DD] [HH:[MM:]]ss[.uuuuuu] or ISO 8601)")
    return result


_TRUE = {"t", "True", "true", "1"}
_FALSE = {"f", "False", "false", "0"}


def _bool(value: object, text: bool) -> object:
    if value is True or value is False:
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    raise _invalid(_BOOL, value)


def _int(value: object, text: bool) -> object:
    if isinstance(value, bool):
        raise _invalid(_INT, value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _invalid(_INT, value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise _invalid(_INT, value) from None
    raise _invalid(_INT, value)


def _float(value: object, text: bool) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _invalid(_FLOAT, value)
    try:
        return float(value)
    except ValueError:
        raise _invalid(_FLOAT, value) from None


def _decimal(value: object, text: bool) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str | decimal.Decimal):
        raise _invalid(_DECIMAL, value)
    try:
        result = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise _invalid(_DECIMAL, value) from None
    if not result.is_finite():
        raise _invalid(_FINITE, value)
    return result


def _str(value: object, text: bool) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    raise ValueError(f"expected a string, got {type(value).__name__}")


def _parsed(parse: Callable[[str], object], value: str) -> object:
    """``parse(value)`` (surrounding spaces ignored), ``None`` for a bad date (Feb 30)."""
    try:
        return parse(value.strip())
    except ValueError:
        return None


def _datetime(value: object, text: bool) -> object:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        parsed = _parsed(dateparse.parse_datetime, value) or _parsed(dateparse.parse_date, value)
        if isinstance(parsed, dt.datetime):
            return parsed
        if isinstance(parsed, dt.date):
            return dt.datetime(parsed.year, parsed.month, parsed.day)
    raise _invalid(_DATETIME, value)


def _date(value: object, text: bool) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parsed = _parsed(dateparse.parse_date, value)
        if parsed is not None:
            return parsed
    raise _invalid(_DATE, value)


def _time(value: object, text: bool) -> object:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        parsed = _parsed(dateparse.parse_time, value)
        if parsed is not None:
            return parsed
    raise _invalid(_TIME, value)


def _duration(value: object, text: bool) -> object:
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, bool):
        raise _invalid(_DURATION, value)
    if isinstance(value, int):
        return dt.timedelta(microseconds=value)
    if isinstance(value, str):
        return parse_duration(value)
    raise _invalid(_DURATION, value)


def _uuid(value: object, text: bool) -> object:
    if isinstance(value, uuid.UUID):
        return value
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            return uuid.UUID(int=value)
        if isinstance(value, str):
            return uuid.UUID(value)
    except ValueError:
        pass
    raise _invalid(_UUID, value)


def _binary_in(value: object, text: bool) -> object:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            pass
    raise _invalid(_BINARY, value)


def _json_in(value: object, text: bool) -> object:
    if text and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON: {exc}") from None
    return value


def _as_is(value: object, text: bool) -> object:
    return value


_READERS: dict[str, FromValue] = {
    "BooleanField": _bool,
    "NullBooleanField": _bool,
    "IntegerField": _int,
    "SmallIntegerField": _int,
    "BigIntegerField": _int,
    "PositiveIntegerField": _int,
    "PositiveSmallIntegerField": _int,
    "PositiveBigIntegerField": _int,
    "AutoField": _int,
    "BigAutoField": _int,
    "SmallAutoField": _int,
    "FloatField": _float,
    "DecimalField": _decimal,
    "CharField": _str,
    "TextField": _str,
    "EmailField": _str,
    "SlugField": _str,
    "URLField": _str,
    "DateTimeField": _datetime,
    "DateField": _date,
    "TimeField": _time,
    "DurationField": _duration,
    "UUIDField": _uuid,
    "BinaryField": _binary_in,
    "JSONField": _json_in,
}


def python_reader(kind: str, timezone: bool) -> FromValue:
    """The function turning a serialized value of ``kind`` back into Python."""
    reader = _READERS.get(kind, _as_is)
    if kind != "DateTimeField":
        return reader

    def read_datetime(value: object, text: bool) -> object:
        result = reader(value, text)
        assert isinstance(result, dt.datetime)
        if timezone:
            return result if result.tzinfo is not None else result.replace(tzinfo=UTC)
        if result.tzinfo is not None:
            # A column without time zone stores UTC wall time, as Django does
            # on databases without time zone support.
            return result.astimezone(UTC).replace(tzinfo=None)
        return result

    return read_datetime


# -- inline conversions for the generated readers --------------------------------
#
# An expression of ``v`` (the JSON value) giving what the field's reader
# gives, with the common JSON type handled inline and everything else (and
# XML's TextValue, whose type is not ``str``) passed to the reader. An inline branch
# may raise where the reader would succeed (``" 2020-01-02"``); the generated reader
# then hands the object to the general path, so results never differ.


def _finite(value: decimal.Decimal) -> decimal.Decimal:
    if not value.is_finite():
        raise _invalid(_FINITE, value)
    return value


def _naive_utc(value: str) -> dt.datetime:
    if value[-1:] == "Z" and ("T" in value or " " in value):
        # UTC wall time is the text without its "Z" (``replace(tzinfo=None)`` costs more
        # than the parse); a time zone left over means the text was not ISO 8601.
        result = dt.datetime.fromisoformat(value[:-1])
        if result.tzinfo is not None:
            raise ValueError(f"{value!r} has two time zones")
        return result
    result = dt.datetime.fromisoformat(value)
    if result.tzinfo is None:
        return result
    return result.astimezone(UTC).replace(tzinfo=None)


def _aware(value: str) -> dt.datetime:
    result = dt.datetime.fromisoformat(value)
    return result if result.tzinfo is not None else result.replace(tzinfo=UTC)


_SLOW = "(None if v is None else {r}(v, type(v) is TV))"
_FAST: dict[str, str] = {
    **dict.fromkeys(
        ("CharField", "TextField", "EmailField", "SlugField", "URLField"),
        f"v if type(v) is str else {_SLOW}",
    ),
    **dict.fromkeys(
        (
            "IntegerField",
            "SmallIntegerField",
            "BigIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "PositiveBigIntegerField",
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
        ),
        f"v if type(v) is int else {_SLOW}",
    ),
    "FloatField": f"v if type(v) is float else {_SLOW}",
    "BooleanField": f"v if type(v) is bool else {_SLOW}",
    # A finite decimal as is; NaN and infinities go to ``fin``, which refuses them.
    "DecimalField": f"(x if (x := D(v)).is_finite() else fin(x)) if type(v) is str else {_SLOW}",
    "DateField": f"DF(v) if type(v) is str else {_SLOW}",
}

#: The names the expressions of :func:`inline_reader` use (besides ``v`` and the reader).
INLINE_ENV: dict[str, object] = {
    "TV": TextValue,
    "D": decimal.Decimal,
    "fin": _finite,
    "DF": dt.date.fromisoformat,
    "NAIVE": _naive_utc,
    "AWARE": _aware,
    "FI": dt.datetime.fromisoformat,
    "UTC": UTC,
}

# Datetimes: the common spellings parsed inline, anything else through NAIVE/AWARE.
# Naive columns keep UTC wall time: "...T...Z" is the text without its "Z" when
# that parses without a time zone (else NAIVE decides, or refuses "two time zones").
_NAIVE_INLINE = (
    '(x if v[-1:] == "Z" and "T" in v and (x := FI(v[:-1])).tzinfo is None else NAIVE(v))'
)
_AWARE_INLINE = "(x if (x := FI(v)).tzinfo is not None else x.replace(tzinfo=UTC))"


def inline_reader(kind: str, timezone: bool) -> str:
    """The inline expression for a field of ``kind`` (see above); the reader call by default.

    ``{r}`` in it stands for the name the reader is bound to; ``None`` stays ``None``.
    """
    if kind == "DateTimeField":
        return f"{_AWARE_INLINE if timezone else _NAIVE_INLINE} if type(v) is str else {_SLOW}"
    return _FAST.get(kind, _SLOW)


def convert(reader: FromValue, value: object, text: bool, model: str, field: str) -> object:
    """Apply ``reader``; a bad value becomes a DeserializationError naming it."""
    if value is None:
        return None
    try:
        return reader(value, text)
    except (ValueError, TypeError, OverflowError) as exc:
        raise DeserializationError(str(exc), model=model, field=field, value=value) from exc
