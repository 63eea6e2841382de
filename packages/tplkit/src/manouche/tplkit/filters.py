"""Django's built-in filters, with Django's names, arguments and output, in place of
Jinja2's namesakes where those differ (``default``, ``length``, ``join``...).

Installed by :func:`~manouche.tplkit.create_environment` (``django_filters=True``)
or into any environment with ``django_filters.install(env)``. Each gives the
same string as Django's filter of the same name for the same input; the
differences are on purpose and listed here:

- Escaping follows Jinja2's rules: a filter that Django marks "safe only if its
  input was safe" returns ``Markup`` only for ``Markup`` input, so autoescape
  escapes the rest, as Django does.
- ``date`` and ``time`` use the environment's ``tplkit_time_zone`` (see
  ``create_environment(time_zone=...)``) where Django uses its ``TIME_ZONE``
  setting: aware datetimes are shown in that zone, naive ones are taken to be
  in it. Without one, datetimes are shown as they are.
- Names of months and days are English; ``yesno`` and ``pluralize`` take
  their words as arguments, as in Django.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import html
import json
import re
import unicodedata
import uuid
from typing import Any

from jinja2 import pass_environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

# The other modules of Django's library register their filters and tags on import.
from manouche.tplkit import _list_filters, _tags, _text_filters  # noqa: F401
from manouche.tplkit._djlib import django_filters
from manouche.tplkit._escaping import is_safe as _is_safe
from manouche.tplkit._escaping import text_safety as _text_safety
from manouche.tplkit._i18n import pgettext
from manouche.tplkit._truncate import truncate_html_chars, truncate_html_words
from manouche.tplkit.dateformat import format_date, format_time
from manouche.tplkit.timesince import timesince, timeuntil

__all__ = [
    "JSONEncoder",
    "addslashes",
    "capfirst",
    "cut",
    "date",
    "divisibleby",
    "escapejs",
    "floatformat",
    "ordinal",
    "truncatechars_html",
    "truncatewords",
    "default_if_none",
    "django_filters",
    "intcomma",
    "json_script",
    "linebreaks",
    "linebreaksbr",
    "pluralize",
    "slugify",
    "time",
    "timesince_filter",
    "title",
    "timeuntil_filter",
    "truncatewords_html",
    "yesno",
]


def _escape(text: str) -> str:
    # Django's escape (quotes as &quot; and &#x27;), so output matches Django's byte for byte.
    return html.escape(text, quote=True)


def _local(env: Any, value: Any) -> tuple[Any, dt.tzinfo | None]:
    tz = getattr(env, "tplkit_time_zone", None)
    if (
        tz is not None
        and getattr(env, "tplkit_use_tz", True)
        and isinstance(value, dt.datetime)
        and value.tzinfo is not None
        and value.utcoffset() is not None
    ):
        value = value.astimezone(tz)
    return value, tz


# -- dates and times --------------------------------------------------------


@django_filters.filter("date")
@pass_environment
def date(env: Any, value: Any, arg: str | None = None) -> str:
    """``{{ value|date("D d M Y") }}``; a Django format name works too (``"SHORT_DATE_FORMAT"``).

    ``None``, ``""`` and values that are not dates give ``""``.
    """
    if not isinstance(value, (dt.date, dt.time)):
        return ""
    value, tz = _local(env, value)
    try:
        return format_date(value, arg, tz)
    except AttributeError:
        return ""
    except TypeError:
        if isinstance(value, dt.time):
            return ""
        raise


@django_filters.filter("time")
@pass_environment
def time(env: Any, value: Any, arg: str | None = None) -> str:
    """``{{ value|time("H:i") }}``: time format characters only; otherwise ``""`` as Django."""
    if not isinstance(value, (dt.time, dt.datetime)):
        return ""
    value, tz = _local(env, value)
    try:
        return format_time(value, arg, tz)
    except ValueError:
        return ""


@django_filters.filter("timesince")
def timesince_filter(value: Any, arg: Any = None) -> str:
    """``{{ posted|timesince }}`` or ``{{ posted|timesince(other) }}``: ``"4 days, 6 hours"``."""
    if not value:
        return ""
    try:
        return timesince(value, arg or None)
    except (ValueError, TypeError, AttributeError):
        return ""


@django_filters.filter("timeuntil")
def timeuntil_filter(value: Any, arg: Any = None) -> str:
    """``{{ deadline|timeuntil }}`` or ``{{ deadline|timeuntil(other) }}``."""
    if not value:
        return ""
    try:
        return timeuntil(value, arg or None)
    except (ValueError, TypeError, AttributeError):
        return ""


# -- logic ------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _plural_suffixes(arg: str) -> tuple[str, str] | None:
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return None
    return bits[0], bits[1]


@django_filters.filter
def pluralize(value: Any, arg: str = "s") -> str:
    """A plural suffix: ``vote{{ n|pluralize }}``, ``cand{{ n|pluralize("y,ies") }}``.

    Singular for 1, ``"1"`` or anything of length 1; ``""`` for values that
    are neither numbers nor sized, or for an argument with two commas.
    """
    suffixes = _plural_suffixes(str(arg))
    if suffixes is None:
        return ""
    singular, plural = suffixes
    try:
        return singular if float(value) == 1 else plural
    except ValueError:
        return ""
    except TypeError:
        try:
            return singular if len(value) == 1 else plural
        except TypeError:
            return ""


@functools.lru_cache(maxsize=128)
def _yesno_choices(arg: str) -> tuple[str, str, str] | None:
    bits = arg.split(",")
    if len(bits) < 2:
        return None
    if len(bits) == 3:
        return bits[0], bits[1], bits[2]
    return bits[0], bits[1], bits[1]


@django_filters.filter
def yesno(value: Any, arg: str | None = None) -> Any:
    """``{{ flag|yesno("yeah,no,maybe") }}``; without ``maybe``, ``None`` reads as false.

    An argument with fewer than two choices gives the value back, as Django.
    """
    choices = _yesno_choices("yes,no,maybe" if arg is None else str(arg))
    if choices is None:
        return value
    yes, no, maybe = choices
    if value is None:
        return maybe
    return yes if value else no


@django_filters.filter
def default_if_none(value: Any, arg: Any) -> Any:
    """``{{ value|default_if_none("n/a") }}``: only ``None`` is replaced (Jinja's
    ``default`` replaces undefined, or every false value)."""
    return arg if value is None else value


# -- numbers ----------------------------------------------------------------

_LEADING_INT = re.compile(r"-?\d+")


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(parts)


@django_filters.filter
def intcomma(value: Any) -> str:
    """``{{ 4500000|intcomma }}`` is ``4,500,000``; floats and Decimals keep their decimals.

    Strings holding numbers are grouped too; anything else is shown as it is.
    """
    if type(value) is int:
        return f"{value:,}"
    number: Any = value
    if not isinstance(number, float | decimal.Decimal):
        try:
            number = decimal.Decimal(number)
        except (TypeError, ValueError, decimal.InvalidOperation):
            return _intcomma_text(str(value))
    if isinstance(number, float) and "e" in str(number).lower():
        number = decimal.Decimal(str(number))
    if isinstance(number, decimal.Decimal):
        if not number.is_finite():
            return str(number)
        _, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)
        if abs(exponent) + len(digits) > 200:
            coefficient, _, power = f"{number:e}".partition("e")
            return f"{_intcomma_number(coefficient)}e{power}"
        text = f"{number:f}"
    else:
        if number != number or number in (float("inf"), float("-inf")):
            return str(number)
        text = str(number)
    return _intcomma_number(text)


def _intcomma_number(text: str) -> str:
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, dot, fraction = text.partition(".")
    return sign + _group(whole) + (dot + fraction if fraction else "")


def _intcomma_text(text: str) -> str:
    match = _LEADING_INT.match(text)
    if not match:
        return text
    prefix = match.group()
    sign = "-" if prefix.startswith("-") else ""
    return sign + _group(prefix.lstrip("-")) + text[len(prefix) :]


# -- text and HTML ----------------------------------------------------------

# Django's two corrections to str.title(): a letter after an apostrophe that
# follows a lower-case letter ("Joe'S" -> "Joe's") and a letter after a digit
# ("53Rd" -> "53rd") go back to lower case.
_AFTER_APOSTROPHE = re.compile(r"[a-z]'[A-Z]")
_AFTER_DIGIT = re.compile(r"\d[A-Z]")


def _lower_match(match: re.Match[str]) -> str:
    return match[0].lower()


@django_filters.filter
def title(value: Any) -> str:
    """Django's ``title``: ``"JOE'S CRAB SHACK"`` is ``"Joe's Crab Shack"``,
    ``"555 WEST 53RD STREET"`` is ``"555 West 53rd Street"``.

    Words start after any character that is not a letter (``"o'neil"`` is
    ``"O'Neil"``, ``"foo.bar"`` is ``"Foo.Bar"``), where Jinja2's own ``title``
    starts them only after spaces, hyphens and brackets. Safe input stays safe.
    """
    text = str(value).title()
    if "'" in text:
        text = _AFTER_APOSTROPHE.sub(_lower_match, text)
    return _text_safety(value, _AFTER_DIGIT.sub(_lower_match, text))


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@django_filters.filter
@pass_eval_context
def linebreaks(eval_ctx: EvalContext, value: Any) -> Markup:
    """Plain text to HTML paragraphs: a blank line starts a ``<p>``, a newline is ``<br>``.

    The text is escaped first (under autoescape, unless it is ``Markup``).
    """
    escape = eval_ctx.autoescape and not _is_safe(value)
    text = _normalize_newlines(str(value))
    paragraphs = re.split("\n{2,}", text)
    if escape:
        paragraphs = [_escape(p) for p in paragraphs]
    return Markup("\n\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


@django_filters.filter
@pass_eval_context
def linebreaksbr(eval_ctx: EvalContext, value: Any) -> Markup:
    """Every newline to ``<br>``, the text escaped first (under autoescape, unless ``Markup``)."""
    text = _normalize_newlines(str(value))
    if eval_ctx.autoescape and not _is_safe(value):
        text = _escape(text)
    return Markup(text.replace("\n", "<br>"))


@django_filters.filter
def truncatewords_html(value: Any, arg: Any) -> str:
    """HTML cut after ``arg`` words, open tags closed, ``" …"`` added where cut.

    The result is ``Markup`` only when the input was (else autoescape shows
    the tags as text, as Django does); an argument that is not a number gives
    the value back.
    """
    try:
        length = int(arg)
    except (TypeError, ValueError):
        return value  # type: ignore[no-any-return]
    return _text_safety(value, truncate_html_words(str(value), length))


_NOT_SLUG = re.compile(r"[^\w\s-]")
_DASHES = re.compile(r"[-\s]+")


@django_filters.filter
def slugify(value: Any, allow_unicode: bool = False) -> str:
    """``"Joel is a slug"`` to ``"joel-is-a-slug"``: ASCII only unless ``allow_unicode``."""
    text = str(value)
    if allow_unicode:
        text = unicodedata.normalize("NFKC", text)
    else:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _NOT_SLUG.sub("", text.lower())
    return _text_safety(value, _DASHES.sub("-", text).strip("-_"))


class JSONEncoder(json.JSONEncoder):
    """JSON that knows dates, times, durations, decimals and UUIDs, written as Django does."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            if o.microsecond:
                text = text[:23] + text[26:]
            if text.endswith("+00:00"):
                text = text[: -len("+00:00")] + "Z"
            return text
        if isinstance(o, dt.date):
            return o.isoformat()
        if isinstance(o, dt.time):
            if o.tzinfo is not None and o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text[:12] if o.microsecond else text
        if isinstance(o, dt.timedelta):
            return _duration_iso(o)
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def _duration_iso(value: dt.timedelta) -> str:
    sign = ""
    if value < dt.timedelta(0):
        sign, value = "-", -value
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    micro = f".{value.microseconds:06d}" if value.microseconds else ""
    return f"{sign}P{value.days}DT{hours:02d}H{minutes:02d}M{seconds:02d}{micro}S"


# The characters that could end a <script> element or start markup inside it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@django_filters.filter
def json_script(
    value: Any, element_id: str | None = None, encoder: type[json.JSONEncoder] | None = None
) -> Markup:
    """``value`` as JSON in ``<script type="application/json">``, safe inside the element.

    ``<``, ``>`` and ``&`` are written as ``\\u003C``-style escapes, so no
    string in the data can close the element (``</script>``) or open a comment;
    ``element_id`` is HTML-escaped. Read it back in JavaScript with
    ``JSON.parse(document.getElementById(id).textContent)``.
    """
    data = json.dumps(value, cls=encoder or JSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    if element_id:
        safe_id = Markup(element_id) if _is_safe(element_id) else _escape(str(element_id))
        return Markup(f'<script id="{safe_id}" type="application/json">{data}</script>')
    return Markup(f'<script type="application/json">{data}</script>')


# -- more of Django's filters -------------------------------------------------


@django_filters.filter
def floatformat(value: Any, arg: Any = -1) -> str:
    """Round to ``arg`` decimal places: ``-1`` (default) shows one only when needed,
    ``2`` always two, ``-2`` two only when needed; a ``g`` suffix groups thousands
    (``"2g"``: ``1,234.50``), ``u`` leaves the number unlocalized (never grouped).

    Values that are not numbers give ``""``; huge or non-finite ones come back as text.
    """
    grouped = False
    if isinstance(arg, str) and arg:
        if arg[-2:] in ("gu", "ug"):
            arg = arg[:-2] or -1
        elif arg[-1] == "g":
            grouped = True
            arg = arg[:-1] or -1
        elif arg[-1] == "u":
            arg = arg[:-1] or -1
    text = str(value)
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        try:
            number = decimal.Decimal(str(float(value)))
        except (ValueError, TypeError, decimal.InvalidOperation):
            return ""
    try:
        places = int(arg)
    except ValueError:
        return text
    _, digits, exponent = number.as_tuple()
    if isinstance(exponent, int) and len(digits) + abs(exponent) > 200:
        return text
    try:
        fraction = int(number) - number
    except (ValueError, OverflowError, decimal.InvalidOperation):
        return text
    if not fraction and places <= 0:
        return _intcomma_number(str(int(number))) if grouped else str(int(number))
    size = len(digits) + (-exponent if fraction else exponent)  # type: ignore[operator]
    context = decimal.Context(prec=max(decimal.getcontext().prec, abs(places) + size + 1))
    rounded = number.quantize(
        decimal.Decimal(1).scaleb(-abs(places)), decimal.ROUND_HALF_UP, context
    )
    result = format(rounded, "f")
    if not rounded and result.startswith("-"):
        result = result[1:]
    if abs(places) == 0:
        result = result.partition(".")[0]
    return _intcomma_number(result) if grouped else result


@django_filters.filter
def truncatewords(value: Any, arg: Any) -> str:
    """Text cut after ``arg`` words, ``" …"`` added where cut; whitespace runs become one space."""
    try:
        length = int(arg)
    except (TypeError, ValueError):
        return value  # type: ignore[no-any-return]
    if length <= 0:
        return _text_safety(value, "")
    words = str(value).split()
    text = " ".join(words[:length])
    if len(words) > length and not text.endswith(" …"):
        text += " …"
    return _text_safety(value, text)


@django_filters.filter
def truncatechars_html(value: Any, arg: Any) -> str:
    """HTML cut to ``arg`` characters of text (``"…"`` included), open tags closed.

    As ``truncatewords_html``: ``Markup`` only for ``Markup`` input.
    """
    try:
        length = int(arg)
    except (TypeError, ValueError):
        return value  # type: ignore[no-any-return]
    return _text_safety(value, truncate_html_chars(str(value), length))


@django_filters.filter
def capfirst(value: Any) -> str:
    """The first character upper-cased."""
    text = str(value)
    return _text_safety(value, text[:1].upper() + text[1:])


_JS_ESCAPES = {
    **{ord(c): f"\\u{ord(c):04X}" for c in "\\'\"><&=-;`\u2028\u2029"},
    **{n: f"\\u{n:04X}" for n in range(32)},
}


@django_filters.filter
def escapejs(value: Any) -> Markup:
    """Text made safe inside a JavaScript string literal (quotes, ``<``, ``&``,
    control characters and line separators as ``\\uXXXX``)."""
    return Markup(str(value).translate(_JS_ESCAPES))


@django_filters.filter
def cut(value: Any, arg: str) -> str:
    """Every occurrence of ``arg`` removed (safe input stays safe unless ``arg`` is ``;``,
    which could break an entity)."""
    text = str(value).replace(str(arg), "")
    return Markup(text) if _is_safe(value) and arg != ";" else text


@django_filters.filter
def addslashes(value: Any) -> str:
    """Backslashes before backslashes and quotes (for CSV-like uses; for JavaScript use
    ``escapejs``)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
    return _text_safety(value, text)


@django_filters.filter
def divisibleby(value: Any, arg: Any) -> bool:
    """Whether ``int(value)`` is a multiple of ``int(arg)``."""
    return int(value) % int(arg) == 0


@django_filters.filter
def ordinal(value: Any) -> Any:
    """``1st``, ``2nd``, ``3rd``, ``11th``...; negative numbers and non-numbers as they are.

    In the active language when i18nkit is installed (Django's translations:
    ``1<sup>er</sup>`` in French, so the result is markup, as in Django).
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if number < 0:
        return str(number)
    if number % 100 in (11, 12, 13):
        return Markup(pgettext("ordinal 11, 12, 13", "{}th").format(number))
    return Markup(_ordinal_template(number % 10).format(number))


def _ordinal_template(last_digit: int) -> str:
    # Django's messages: the suffix (or prefix) per last digit, in the active language.
    if last_digit == 0:
        return pgettext("ordinal 0", "{}th")
    if last_digit == 1:
        return pgettext("ordinal 1", "{}st")
    if last_digit == 2:
        return pgettext("ordinal 2", "{}nd")
    if last_digit == 3:
        return pgettext("ordinal 3", "{}rd")
    if last_digit == 4:
        return pgettext("ordinal 4", "{}th")
    if last_digit == 5:
        return pgettext("ordinal 5", "{}th")
    if last_digit == 6:
        return pgettext("ordinal 6", "{}th")
    if last_digit == 7:
        return pgettext("ordinal 7", "{}th")
    if last_digit == 8:
        return pgettext("ordinal 8", "{}th")
    return pgettext("ordinal 9", "{}th")
