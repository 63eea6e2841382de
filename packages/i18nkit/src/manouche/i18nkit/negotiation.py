"""Choosing a language from what the client asks for: ``Accept-Language``, cookies, URL prefixes.

Pure functions, no I/O: :func:`parse_accept_lang_header` and
:func:`get_supported_language_variant` give Django's answers on the same input
(checked by differential tests), except where the README says we do better.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from babel.core import get_global

__all__ = [
    "LANGUAGE_CODE_MAX_LENGTH",
    "get_language_from_path",
    "get_supported_language_variant",
    "parse_accept_lang_header",
]

# Longer headers and codes are truncated at a separator before parsing (a
# cached parse of an attacker's megabyte header would otherwise pin memory).
LANGUAGE_CODE_MAX_LENGTH = 500

_RANGE = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*")
_WEIGHT = re.compile(r"\s*;\s*q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")
_SEPARATOR = re.compile(r"\s*,\s*")
_LANGUAGE_CODE = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*(?:@[a-z0-9]{1,20})?", re.IGNORECASE)


@functools.lru_cache(maxsize=1000)
def _parse(header: str) -> tuple[tuple[str, float], ...]:
    text = header.lower()
    end = len(text)
    pos = 0
    found: list[tuple[str, float]] = []
    while pos < end:
        lang = _RANGE.match(text, pos)
        if lang is None:
            return ()
        pos = lang.end()
        q = 1.0
        weight = _WEIGHT.match(text, pos)
        if weight is not None:
            q = float(weight.group(1))
            pos = weight.end()
        found.append((lang.group(), q))
        if pos == end:
            break
        sep = _SEPARATOR.match(text, pos)
        if sep is None:
            return ()
        pos = sep.end()
    found.sort(key=lambda item: item[1], reverse=True)
    return tuple(found)


def parse_accept_lang_header(header: str) -> tuple[tuple[str, float], ...]:
    """The ``(language-range, q)`` pairs of an ``Accept-Language`` value, highest ``q`` first.

    Ranges are lower-cased; equal weights keep the header's order. A malformed
    header gives ``()`` (as if absent). A header over
    :data:`LANGUAGE_CODE_MAX_LENGTH` characters is cut at its last comma within
    the limit. Django's ``parse_accept_lang_header``, result for result.
    """
    if len(header) <= LANGUAGE_CODE_MAX_LENGTH:
        return _parse(header)
    index = header.rfind(",", 0, LANGUAGE_CODE_MAX_LENGTH)
    if index > 0:
        return _parse(header[:index])
    return ()


@functools.lru_cache(maxsize=1024)
def _script_fallback(code: str) -> str | None:
    """``zh-tw`` -> ``zh-hant``: the script CLDR's likely subtags give a language-region pair."""
    lang, _, region = code.partition("-")
    if not region or len(region) != 2 or "-" in region:
        return None
    likely = get_global("likely_subtags")
    # CLDR's likely-subtags lookup: the language-region pair, else the language.
    full = likely.get(f"{lang}_{region.upper()}") or likely.get(lang)
    if not full:
        return None
    parts = str(full).split("_")
    if len(parts) == 3 and len(parts[1]) == 4:
        return f"{lang}-{parts[1].lower()}"
    return None


def get_supported_language_variant(
    lang_code: str | None, supported: Iterable[str], strict: bool = False
) -> str:
    """The code in ``supported`` that serves ``lang_code`` best, or ``LookupError``.

    Tried in order: the code itself, its script variant (``zh-tw`` ->
    ``zh-hant``), each shorter prefix (``de-at`` -> ``de``), and unless
    ``strict``, any regional variant of the language (``fr-fr`` -> ``fr-ca``).
    Case-insensitive; the answer is spelled as in ``supported``.
    """
    if not lang_code:
        raise LookupError(lang_code)
    if len(lang_code) > LANGUAGE_CODE_MAX_LENGTH:
        index = lang_code.rfind("-", 0, LANGUAGE_CODE_MAX_LENGTH)
        if strict or index <= 0:
            raise LookupError(lang_code)
        lang_code = lang_code[:index]
    table = {code.lower(): code for code in supported}
    lower = lang_code.lower()
    candidates = [lower]
    script = _script_fallback(lower)
    if script is not None:
        candidates.append(script)
    i = len(lower)
    while (i := lower.rfind("-", 0, i)) > -1:
        candidates.append(lower[:i])
    for code in candidates:
        if code in table:
            return table[code]
    if not strict:
        generic = candidates[-1] + "-"
        for code in table:
            if code.startswith(generic):
                return table[code]
    raise LookupError(lang_code)


def is_language_code(value: str) -> bool:
    """Whether ``value`` has the shape of a language code (``de``, ``pt-br``, ``sr-latn``)."""
    return _LANGUAGE_CODE.fullmatch(value) is not None


def get_language_from_path(path: str, supported: Iterable[str], strict: bool = False) -> str | None:
    """The supported language of a URL's first segment (``/pt-br/polls/`` -> ``pt-br``), if any."""
    segment = path.lstrip("/").partition("/")[0]
    if not segment or not is_language_code(segment):
        return None
    try:
        return get_supported_language_variant(segment, supported, strict=strict)
    except LookupError:
        return None
