"""Regular expression helpers: reverse templates and combinable rewrites.

``reverse_templates`` turns a URL regex into the URL templates that could
have produced a match, the way Django's reverse() reads a pattern: the
minimum number of repetitions, the first element of a character class, one
occurrence and zero occurrences of an optional group with parameters, and no
template at all for alternations. It works on the stdlib parser's tree.

``combinable`` rewrites a pattern so that it can sit beside others in one
alternation (named groups become plain groups; group numbers are kept),
or says it cannot (back-references, conditionals, inline flags).
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

# The stdlib parser is private but stable across 3.11-3.14; it is only read.
_c: Any = importlib.import_module("re._constants")
_parser: Any = importlib.import_module("re._parser")

_CATEGORY_CHAR = {
    _c.CATEGORY_DIGIT: "0",
    _c.CATEGORY_NOT_DIGIT: "x",
    _c.CATEGORY_SPACE: " ",
    _c.CATEGORY_NOT_SPACE: "x",
    _c.CATEGORY_WORD: "x",
    _c.CATEGORY_NOT_WORD: "!",
}

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


class _Unreversible(Exception):
    pass


# A template is a list of pieces: str (literal, %-escaped) or a parameter
# marker tuple ("param", name). Alternatives are lists of such lists.
_Piece = str | tuple[str, str]


def _param_names(pattern: Any) -> dict[int, str]:
    return {index: name for name, index in pattern.state.groupdict.items()}


def _walk(items: Any, names: dict[int, str], counter: list[int]) -> list[list[_Piece]]:
    """Possible piece lists for the sequence ``items`` of the parse tree."""
    results: list[list[_Piece]] = [[]]

    def extend(options: list[list[_Piece]]) -> None:
        nonlocal results
        results = [done + option for done in results for option in options]

    for op, arg in items:
        if op is _c.LITERAL:
            extend([[chr(arg).replace("%", "%%")]])
        elif op is _c.NOT_LITERAL:
            extend([["^"]])
        elif op is _c.ANY:
            extend([["."]])
        elif op is _c.IN:
            extend([[_class_char(arg)]])
        elif op is _c.CATEGORY:
            extend([[_CATEGORY_CHAR.get(arg, "x")]])
        elif op is _c.SUBPATTERN:
            group, _add, _del, sub = arg
            if group is None:
                extend(_walk(sub, names, counter))
            else:
                name = names.get(group)
                if name is None:
                    name = f"_{counter[0]}"
                    counter[0] += 1
                extend([[("param", name)]])
        elif op in _REPEATS:
            low, _high, sub = arg
            inner = _walk(sub, names, counter)
            if low == 0:
                if any(isinstance(p, tuple) for option in inner for p in option):
                    extend([[]] + inner)
            else:
                repeated: list[list[_Piece]] = [[]]
                for _ in range(low):
                    repeated = [done + option for done in repeated for option in inner]
                extend(repeated)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            extend(_walk(arg, names, counter))
        elif op is _c.GROUPREF:
            name = names.get(arg)
            extend([[("ref", name)]] if name else [[str(arg)]])
        elif op in (_c.BRANCH, _c.GROUPREF_EXISTS):
            raise _Unreversible
        elif op is _c.AT:
            if arg in (_c.AT_END,):
                break
        # ASSERT, ASSERT_NOT and anything else: no text.
    return results


def _class_char(items: Any) -> str:
    op, arg = items[0]
    if op is _c.LITERAL:
        return chr(arg).replace("%", "%%")
    if op is _c.RANGE:
        return chr(arg[0]).replace("%", "%%")
    if op is _c.NEGATE:
        return "^"
    if op is _c.CATEGORY:
        return _CATEGORY_CHAR.get(arg, "x")
    return "x"


@functools.lru_cache(maxsize=4096)
def reverse_templates(regex: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``((template, params), ...)`` for ``regex``; ``template % values`` is a URL."""
    try:
        parsed = _parser.parse(regex)
        options = _walk(parsed, _param_names(parsed), [0])
    except _Unreversible:
        return (("", ()),)
    out = []
    for option in options:
        text: list[str] = []
        params: list[str] = []
        for piece in option:
            if isinstance(piece, str):
                text.append(piece)
            else:
                kind, name = piece
                text.append(f"%({name})s")
                if kind == "param":
                    params.append(name)
        out.append(("".join(text), tuple(params)))
    return tuple(out)


def literal_prefix(regex: str) -> str | None:
    """The literal text every match of ``regex`` (anchored with ``^``) starts with.

    ``None`` when the pattern is not anchored at the start or uses flags
    that make literals fuzzy (then it must be tried for every path).
    """
    try:
        parsed = _parser.parse(regex)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.MULTILINE | re.VERBOSE):
        return None
    items = list(parsed)
    if not items or items[0] != (_c.AT, _c.AT_BEGINNING):
        return None
    chars = []
    for op, arg in items[1:]:
        if op is not _c.LITERAL:
            break
        chars.append(chr(arg))
    # A literal followed by a repeat belongs to the repeat only if the parser
    # grouped it; it does, so the collected run is certain.
    return "".join(chars)


_FORBIDDEN_AFTER_PAREN_Q = set("aiLmsux-(")


def combinable(regex: str) -> str | None:
    """``regex`` with named groups made plain, ready for an alternation.

    Group numbers are unchanged. ``None`` when the pattern uses something that
    would change meaning beside others: back-references, conditionals or
    inline flags.
    """
    out: list[str] = []
    i = 0
    n = len(regex)
    in_class = False
    while i < n:
        ch = regex[i]
        if ch == "\\":
            if i + 1 < n and not in_class and regex[i + 1] in "123456789g":
                return None
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # A ']' first in the class (after an optional '^') is literal.
            if i < n and regex[i] == "^":
                out.append("^")
                i += 1
            if i < n and regex[i] == "]":
                out.append("]")
                i += 1
            continue
        if ch == "(" and regex.startswith("(?", i):
            nxt = regex[i + 2 : i + 3]
            if nxt in _FORBIDDEN_AFTER_PAREN_Q:
                return None
            if regex.startswith("(?P<", i):
                end = regex.find(">", i)
                if end < 0:
                    return None
                out.append("(")
                i = end + 1
                continue
            if regex.startswith("(?P=", i):
                return None
        out.append(ch)
        i += 1
    rewritten = "".join(out)
    try:
        original = re.compile(regex)
        compiled = re.compile(rewritten)
    except re.error:
        return None
    if (
        compiled.groups != original.groups
        or compiled.groupindex
        or original.flags != compiled.flags
    ):
        return None
    return rewritten
