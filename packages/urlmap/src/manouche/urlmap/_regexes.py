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
import math
import re
from collections.abc import Callable
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


# -- backtracking bounds ------------------------------------------------------------
#
# A pattern such as "<str:a>-<str:b>-<str:c>" (or three <path:> parts) makes a
# backtracking engine try every way of splitting a path that almost matches:
# about n**k / k! steps for k unbounded repeats that can run into each other,
# n the path's length. For k = 3 and a 4,000-character path that is minutes of
# CPU per request. The degree k is found here; the pattern then refuses paths
# longer than what keeps the worst case near _STEP_BUDGET steps.

_STEP_BUDGET = 10_000_000
_Matcher = Callable[[str], bool]


def _any_char(ch: str) -> bool:
    return True


def _class_matcher(items: list[tuple[Any, Any]]) -> _Matcher:
    """A predicate for one character position (``[...]``, ``.``, a literal, ``\\d``...)."""
    if len(items) != 1:
        return _any_char
    op, arg = items[0]
    if op is _c.ANY:
        return _any_char
    if op is _c.LITERAL:
        return lambda ch: ch == chr(arg)
    if op is _c.NOT_LITERAL:
        return lambda ch: ch != chr(arg)
    if op is _c.CATEGORY:
        return _category(arg)
    if op is _c.IN:
        negate = bool(arg) and arg[0][0] is _c.NEGATE
        tests = [_set_item(o, a) for o, a in (arg[1:] if negate else arg)]
        if negate:
            return lambda ch: not any(test(ch) for test in tests)
        return lambda ch: any(test(ch) for test in tests)
    return _any_char


def _set_item(op: Any, arg: Any) -> _Matcher:
    if op is _c.LITERAL:
        return lambda ch: ch == chr(arg)
    if op is _c.RANGE:
        low, high = arg
        return lambda ch: low <= ord(ch) <= high
    if op is _c.CATEGORY:
        return _category(arg)
    return _any_char


def _category(arg: Any) -> _Matcher:
    positive: dict[Any, _Matcher] = {
        _c.CATEGORY_DIGIT: str.isdecimal,
        _c.CATEGORY_SPACE: str.isspace,
        _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    }
    negative = {
        _c.CATEGORY_NOT_DIGIT: _c.CATEGORY_DIGIT,
        _c.CATEGORY_NOT_SPACE: _c.CATEGORY_SPACE,
        _c.CATEGORY_NOT_WORD: _c.CATEGORY_WORD,
    }
    if arg in positive:
        return positive[arg]
    if arg in negative:
        test = positive[negative[arg]]
        return lambda ch: not test(ch)
    return _any_char


def _unbounded(op: Any, arg: Any) -> _Matcher | None:
    """The character predicate of an unbounded repeat (``x+``, ``x*``, ``x{2,}``), else None."""
    if op in _REPEATS:
        _low, high, sub = arg
        if high is not _c.MAXREPEAT and high <= 64:
            return None
        items = list(sub)
        if _degree(items):
            if not _separated(items):
                raise _Nested
            return _any_char
        if len(items) == 1 and items[0][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            return _class_matcher(items)
        if len(items) == 1 and items[0][0] is _c.CATEGORY:
            return _class_matcher(items)
        return _any_char
    if op is _c.SUBPATTERN:
        items = list(arg[3])
        if len(items) == 1:
            return _unbounded(*items[0])
    return None


def _separated(items: list[tuple[Any, Any]]) -> bool:
    """True when ``items`` starts with a literal none of its repeats can match.

    Repeating such a body (``(?:/\\d+)*``) is unambiguous: each round starts at
    the next occurrence of that literal.
    """
    first = items[0] if items else None
    while first is not None and first[0] is _c.SUBPATTERN and list(first[1][3]):
        first = list(first[1][3])[0]
    if first is None or first[0] is not _c.LITERAL:
        return False
    ch = chr(first[1])
    return not any(matcher(ch) for matcher in _repeat_matchers(items))


def _repeat_matchers(items: list[tuple[Any, Any]]) -> list[_Matcher]:
    found: list[_Matcher] = []
    for op, arg in items:
        if op in _REPEATS:
            _low, high, sub = arg
            sub_items = list(sub)
            if high is _c.MAXREPEAT or high > 64:
                simple = len(sub_items) == 1 and sub_items[0][0] in (
                    _c.LITERAL,
                    _c.NOT_LITERAL,
                    _c.ANY,
                    _c.IN,
                    _c.CATEGORY,
                )
                found.append(_class_matcher(sub_items) if simple else _any_char)
            found += _repeat_matchers(sub_items)
        elif op is _c.SUBPATTERN:
            found += _repeat_matchers(list(arg[3]))
        elif op is _c.BRANCH:
            for alternative in arg[1]:
                found += _repeat_matchers(list(alternative))
    return found


def _degree(items: list[tuple[Any, Any]]) -> int:
    """The longest run of unbounded repeats in ``items`` that can run into each other."""
    best = 0
    chain: list[_Matcher] = []
    for op, arg in items:
        matcher = _unbounded(op, arg)
        if matcher is not None:
            chain.append(matcher)
            best = max(best, len(chain))
            continue
        if op is _c.LITERAL:
            # A separator the previous repeat cannot swallow ends the run.
            if chain and not chain[-1](chr(arg)):
                chain = []
            continue
        inner: list[list[tuple[Any, Any]]] = []
        if op is _c.SUBPATTERN:
            inner = [list(arg[3])]
        elif op in _REPEATS:
            inner = [list(arg[2])]
        elif op is _c.BRANCH:
            inner = [list(alternative) for alternative in arg[1]]
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            inner = [list(arg)]
        elif op is _c.GROUPREF_EXISTS:
            inner = [list(part) for part in arg[1:] if part is not None]
        degrees = [_degree(part) for part in inner]
        if any(degrees):
            # Something with repeats inside: it joins the run, conservatively.
            chain.append(_any_char)
            best = max(best, len(chain), *degrees)
    return best


class _Nested(Exception):
    """An unbounded repeat of something that repeats: ``(a+)+``, exponential."""


#: The degree given to nested unbounded repeats, and the length they are tried on.
NESTED = 99
_NESTED_LENGTH = 24


@functools.lru_cache(maxsize=4096)
def backtracking_degree(regex: str) -> int:
    """How many unbounded repeats of ``regex`` can compete for the same characters.

    ``NESTED`` for an unbounded repeat of a repeat (exponential backtracking).
    """
    try:
        parsed = _parser.parse(regex)
        return _degree(list(parsed))
    except _Nested:
        return NESTED
    except (re.error, RecursionError):
        return 1


def safe_length(regex: str, *, searched: bool = False) -> int | None:
    """The longest input ``regex`` should be tried on, or None when any length is fine.

    Degrees up to 2 cost at most about n**2 / 2 steps: fine for every path the
    URL map accepts. From 3 on, the bound keeps n**k / k! under the budget.
    ``searched``: the regex is not anchored and is run with ``search()``, which
    tries every start position, one more degree.
    """
    k = backtracking_degree(regex)
    if searched and 1 <= k < NESTED:
        k += 1
    if k <= 2:
        return None
    if k == NESTED:
        return _NESTED_LENGTH
    return int((_STEP_BUDGET * math.factorial(k)) ** (1 / k))
