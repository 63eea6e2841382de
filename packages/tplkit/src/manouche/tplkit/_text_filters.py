"""Django's text and HTML filters (the rest are in :mod:`manouche.tplkit.filters`).

Each follows Django's filter of the same name: same output, same escaping. A
filter Django marks ``is_safe`` gives ``Markup`` back for ``Markup`` input; one
that takes the autoescape flag reads it from Jinja2's eval context.
"""

from __future__ import annotations

import pprint as _pprint
import re
import textwrap
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from manouche.tplkit._djlib import django_filters
from manouche.tplkit._escaping import escape, force_escape, is_safe, same_safety, text_safety
from manouche.tplkit._truncate import truncate_chars
from manouche.tplkit._urlize import urlize as _urlize

__all__ = [
    "center",
    "escape_filter",
    "escapeseq",
    "filesizeformat",
    "force_escape_filter",
    "iriencode",
    "linenumbers",
    "ljust",
    "lower",
    "make_list",
    "phone2numeric",
    "pprint",
    "rjust",
    "safe",
    "safeseq",
    "spaceless",
    "stringformat",
    "striptags",
    "truncatechars",
    "upper",
    "urlencode",
    "urlize",
    "urlizetrunc",
    "wordcount",
    "wordwrap",
]


@django_filters.filter
def iriencode(value: Any) -> Any:
    """An IRI made fit for a URL: non-ASCII characters percent-encoded, reserved ones kept."""
    return text_safety(value, quote(str(value), safe="/#%[]=:;$&()+,!?*@'~"))


@django_filters.filter
@pass_eval_context
def linenumbers(eval_ctx: EvalContext, value: Any) -> Markup:
    """Each line prefixed with its number (``01. ``), zero-padded to the widest number."""
    lines = str(value).split("\n")
    width = len(str(len(lines)))
    plain = not eval_ctx.autoescape or is_safe(value)
    return Markup(
        "\n".join(
            f"{number:0{width}d}. {line if plain else escape(line)}"
            for number, line in enumerate(lines, 1)
        )
    )


@django_filters.filter
def lower(value: Any) -> Any:
    """Lower case (safe input stays safe)."""
    return text_safety(value, str(value).lower())


@django_filters.filter
def upper(value: Any) -> str:
    """Upper case; the result is never safe (``&amp;`` would become ``&AMP;``), as Django."""
    return str(value).upper()


@django_filters.filter
def make_list(value: Any) -> list[str]:
    """The characters of ``str(value)`` as a list (``123`` gives ``["1", "2", "3"]``)."""
    return list(str(value))


@django_filters.filter
def stringformat(value: Any, arg: Any) -> Any:
    """Printf-style formatting without the ``%``: ``{{ n|stringformat("03d") }}``; ``""``
    when the format does not fit the value."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        return same_safety(value, ("%" + str(arg)) % value)
    except (ValueError, TypeError):
        return ""


@django_filters.filter
def truncatechars(value: Any, arg: Any) -> Any:
    """Cut to ``arg`` characters, ``…`` included; a non-number argument gives the text back."""
    text = str(value)
    try:
        length = int(arg)
    except ValueError:
        return text_safety(value, text)
    return text_safety(value, truncate_chars(text, length))


@django_filters.filter
def urlencode(value: Any, safe: str | None = None) -> str:
    """Percent-encoded for a URL; ``/`` is kept unless ``safe`` says otherwise (``safe=""``)."""
    return quote(str(value), safe="/" if safe is None else str(safe))


@django_filters.filter
def wordcount(value: Any) -> int:
    """The number of whitespace-separated words (``"a-b c"`` has 2)."""
    return len(str(value).split())


def _wrap(text: str, width: int) -> str:
    wrapper = textwrap.TextWrapper(
        width=width, break_long_words=False, break_on_hyphens=False, replace_whitespace=False
    )
    lines: list[str] = []
    for line in text.splitlines():
        lines.extend(wrapper.wrap(line) or [line])
    if text.endswith("\n"):
        lines.append("")
    return "\n".join(lines)


@django_filters.filter
def wordwrap(value: Any, arg: Any = 79) -> Any:
    """Lines wrapped at ``arg`` characters (79 when not given, as Jinja2's); existing line
    breaks kept, long words not broken."""
    return text_safety(value, _wrap(str(value), int(arg)))


@django_filters.filter
def ljust(value: Any, arg: Any) -> Any:
    """Left-aligned in a field ``arg`` characters wide."""
    return text_safety(value, str(value).ljust(int(arg)))


@django_filters.filter
def rjust(value: Any, arg: Any) -> Any:
    """Right-aligned in a field ``arg`` characters wide."""
    return text_safety(value, str(value).rjust(int(arg)))


@django_filters.filter
def center(value: Any, arg: Any = 80) -> Any:
    """Centred in a field ``arg`` characters wide (an odd margin goes to the right)."""
    text = str(value)
    width = int(arg)
    if width <= 0:
        return text_safety(value, text)
    return text_safety(value, f"{text:^{width}}")


@django_filters.filter("escape")
def escape_filter(value: Any) -> Markup:
    """Escaped for HTML unless already safe; ``'`` as ``&#x27;``, as Django."""
    return escape(value if is_safe(value) else str(value))


@django_filters.filter
def escapeseq(value: Any) -> list[Markup]:
    """Each item escaped (``{{ items|escapeseq|join(", ") }}`` with autoescape off)."""
    return [escape(item) for item in value]


@django_filters.filter("force_escape")
def force_escape_filter(value: Any) -> Markup:
    """Escaped now, even when safe already (so ``&amp;`` becomes ``&amp;amp;``)."""
    return force_escape(value)


@django_filters.filter
def safe(value: Any) -> Markup:
    """Marked safe: autoescape leaves it as it is."""
    return Markup(str(value))


@django_filters.filter
def safeseq(value: Any) -> list[Any]:
    """Each item marked safe."""
    return [item if is_safe(item) else Markup(item) for item in value]


class _TagStripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")


_STRIP_DEPTH = 50
_LONG_OPEN_TAG = re.compile(r"<[a-zA-Z][^>]{1000,}")


def _strip_tags(text: str) -> str:
    for tag in _LONG_OPEN_TAG.finditer(text):
        if tag.group().count("<") >= _STRIP_DEPTH:
            raise ValueError("striptags: too many nested tags (a malicious input?)")
    for _ in range(_STRIP_DEPTH):
        if "<" not in text or ">" not in text:
            return text
        parser = _TagStripper()
        parser.feed(text)
        parser.close()
        stripped = "".join(parser.parts)
        if stripped.count("<") == text.count("<"):
            return text
        text = stripped
    if "<" in text and ">" in text:
        raise ValueError("striptags: too many nested tags (a malicious input?)")
    return text


@django_filters.filter
def striptags(value: Any) -> Any:
    """Tags removed; entities and whitespace left as written (Jinja2's collapses both)."""
    return text_safety(value, _strip_tags(str(value)))


_PHONE = str.maketrans("abcdefghijklmnopqrstuvwxyz", "22233344455566677778889999")


@django_filters.filter
def phone2numeric(value: Any) -> Any:
    """Letters of a phone number as its digits: ``"1-800-COLLECT"`` is ``"1-800-2655328"``."""
    return text_safety(value, str(value).lower().translate(_PHONE))


@django_filters.filter
def pprint(value: Any) -> str:
    """``pprint.pformat`` of the value, for debugging."""
    try:
        text = _pprint.pformat(value)
    except Exception as exc:
        return f"Error in formatting: {exc.__class__.__name__}: {exc}"
    return Markup(text) if is_safe(value) else text


_UNITS = ((1 << 50, "PB"), (1 << 40, "TB"), (1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB"))


def _one_decimal(number: float) -> str:
    whole, _, fraction = f"{round(number, 1):f}".partition(".")
    return f"{whole}.{fraction[:1] or '0'}"


@django_filters.filter
def filesizeformat(value: Any) -> str:
    """A human-readable size in binary units: ``1023`` is ``"1023 bytes"``, ``1024`` is
    ``"1.0 KB"`` (Django's, where Jinja2's uses decimal kB); non-breaking spaces."""
    try:
        size = int(value)
    except (TypeError, ValueError, UnicodeDecodeError):
        return "0\xa0bytes"
    sign = "-" if size < 0 else ""
    size = abs(size)
    if size < 1024:
        text = f"{size} byte" if size == 1 else f"{size} bytes"
    else:
        for unit_size, unit in _UNITS:
            if size >= unit_size:
                text = f"{_one_decimal(size / unit_size)} {unit}"
                break
    return (sign + text).replace(" ", "\xa0")


@django_filters.filter
@pass_eval_context
def urlize(eval_ctx: EvalContext, value: Any, trim_url_limit: Any = None) -> Markup:
    """Web and e-mail addresses in the text made links (``rel="nofollow"`` on web links).

    Addresses without a scheme get ``http://`` as in Django 5.2 and 6.0 (the
    environment's ``tplkit_urlize_scheme`` changes it, to ``"https"`` for example).
    Jinja2's ``urlize(40)`` (link texts cut at 40) is Django's ``urlizetrunc(40)``.
    """
    scheme = getattr(eval_ctx.environment, "tplkit_urlize_scheme", "http")
    return Markup(
        _urlize(
            str(value),
            safe_input=is_safe(value),
            trim_url_limit=None if trim_url_limit is None else int(trim_url_limit),
            autoescape=eval_ctx.autoescape,
            scheme=scheme,
        )
    )


@django_filters.filter
@pass_eval_context
def urlizetrunc(eval_ctx: EvalContext, value: Any, limit: Any) -> Markup:
    """As ``urlize``, link texts longer than ``limit`` cut with ``…``."""
    scheme = getattr(eval_ctx.environment, "tplkit_urlize_scheme", "http")
    return Markup(
        _urlize(
            str(value),
            safe_input=is_safe(value),
            trim_url_limit=int(limit),
            autoescape=eval_ctx.autoescape,
            scheme=scheme,
        )
    )


_BETWEEN_TAGS = re.compile(r">\s+<")


@django_filters.filter
def spaceless(value: Any) -> Any:
    """Whitespace between tags removed, the ends stripped: Django's ``{% spaceless %}``,
    written ``{% filter spaceless %}...{% endfilter %}``."""
    return text_safety(value, _BETWEEN_TAGS.sub("><", str(value).strip()))
