"""Links in plain text, as Django's ``urlize`` finds and writes them.

A word becomes a link when it starts with ``http://``/``https://``, starts
with ``www.``, ends in one of the seven original top-level domains (``.com``,
``.org``...), or is an e-mail address. Wrapping brackets and trailing
punctuation stay outside the link; HTML entities at the end of a word are kept
whole. The link's address is percent-encoded (already encoded parts are left
as they are), the text is escaped under autoescape, and ``rel="nofollow"`` is
added to web links.
"""

from __future__ import annotations

import html
import ipaddress
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["urlize"]

_MAX_URL_LENGTH = 2048
_QUOTE_SAFE = "!$&'()*+,;=" + ":/?#[]@" + "~"

_LETTERS = "\u00a1-\uffff"
_HOSTNAME = rf"[a-z{_LETTERS}0-9](?:[a-z{_LETTERS}0-9-]{{0,61}}[a-z{_LETTERS}0-9])?"
_DOMAIN = rf"(?:\.(?!-)[a-z{_LETTERS}0-9-]{{1,63}}(?<!-))*"
_TLD = rf"\.(?!-)(?:[a-z{_LETTERS}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)"

_SIMPLE_URL = re.compile(r"^https?://\[?\w", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    rf"^www\.|^(?!http){_HOSTNAME}{_DOMAIN}\.(com|edu|gov|int|mil|net|org)($|/.*)$",
    re.IGNORECASE,
)
_WORD_SPLIT = re.compile(r"""([\s<>"']+)""")
_EMAIL_USER = re.compile(
    r"(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z"
    r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
    re.IGNORECASE,
)
_EMAIL_DOMAIN = re.compile(rf"^{_HOSTNAME}{_DOMAIN}{_TLD}\Z", re.IGNORECASE)
_EMAIL_LITERAL = re.compile(r"\[([A-F0-9:.]+)\]\Z", re.IGNORECASE)

_TRAILING = ".,:;!"
_TRAILING_NO_SEMICOLON = ".,:!"
_WRAPPING = (("(", ")"), ("[", "]"))
_OPENINGS = "(["


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _requote(segment: str) -> str:
    return quote(unquote(segment), safe=_QUOTE_SAFE)


def _smart_quote(url: str) -> str:
    """Percent-encode ``url`` unless it already is (parts are decoded, then encoded)."""
    try:
        scheme, netloc, path, query, fragment = urlsplit(url)
    except ValueError:
        return _requote(url)
    if query:
        pairs = [(unquote(k), unquote(v)) for k, v in parse_qsl(query, keep_blank_values=True)]
        query = urlencode(pairs)
    return urlunsplit((scheme, _requote(netloc), _requote(path), query, _requote(fragment)))


def _is_email(value: str) -> bool:
    if not value or "@" not in value or len(value) > 320:
        return False
    user, domain = value.rsplit("@", 1)
    if not _EMAIL_USER.match(user):
        return False
    if _EMAIL_DOMAIN.match(domain):
        return True
    literal = _EMAIL_LITERAL.match(domain)
    if literal:
        try:
            ipaddress.ip_address(literal[1])
        except ValueError:
            return False
        return True
    return False


def _trim_punctuation(word: str) -> tuple[str, str, str]:
    """``word`` split into leading brackets, the link candidate, trailing punctuation."""
    middle = word.lstrip(_OPENINGS)
    lead = word[: len(word) - len(middle)]
    trail = ""
    counts: dict[str, int] = {}
    original = middle

    def count(char: str) -> int:
        if char not in counts:
            counts[char] = original.count(char)
        return counts[char]

    trimmed = True
    while trimmed and middle:
        trimmed = False
        for opening, closing in _WRAPPING:
            if count(opening) < count(closing) and middle.rstrip(closing) != middle:
                strip = count(closing) - count(opening)
                trail = middle[-strip:]
                middle = middle[:-strip]
                trimmed = True
                counts[closing] -= strip
        amp = middle.rfind("&")
        rstripped = middle.rstrip(_TRAILING if amp == -1 else _TRAILING_NO_SEMICOLON)
        if rstripped != middle:
            trail = middle[len(rstripped) :] + trail
            middle = rstripped
            trimmed = True
        if middle.endswith(";"):
            # Strip a semicolon unless it ends an HTML entity.
            candidate = middle[amp:]
            unescaped = html.unescape(candidate)
            if unescaped == candidate or unescaped.endswith(";"):
                rstripped = middle.rstrip(_TRAILING)
                start = len(rstripped)
                semicolons = len(middle) - len(middle.rstrip(";"))
                if amp > -1 and semicolons > 1:
                    keep = middle[start:].index(";") + start + 1
                    trail = middle[keep:] + trail
                    middle = rstripped + middle[start:keep]
                else:
                    trail = middle[start:] + trail
                    middle = rstripped
                trimmed = True
    return lead, middle, trail


def _trim_url(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def _word(
    word: str, safe_input: bool, limit: int | None, nofollow: bool, autoescape: bool, scheme: str
) -> str:
    if "." in word or "@" in word or ":" in word:
        lead, middle, trail = _trim_punctuation(word)
        url = None
        rel = ' rel="nofollow"' if nofollow else ""
        if len(middle) <= _MAX_URL_LENGTH and _SIMPLE_URL.match(middle):
            url = _smart_quote(html.unescape(middle))
        elif len(middle) <= _MAX_URL_LENGTH and _BARE_DOMAIN.match(middle):
            url = _smart_quote(f"{scheme}://{html.unescape(middle)}")
        elif ":" not in middle and _is_email(middle):
            local, domain = middle.rsplit("@", 1)
            url = f"mailto:{quote(local, safe='')}@{quote(domain, safe='')}"
            rel = ""
        if url:
            shown = _trim_url(middle, limit)
            if autoescape and not safe_input:
                lead, trail, shown = _escape(lead), _escape(trail), _escape(shown)
            return f'{lead}<a href="{_escape(url)}"{rel}>{shown}</a>{trail}'
    if safe_input or not autoescape:
        return word
    return _escape(word)


def urlize(
    text: str,
    *,
    safe_input: bool = False,
    trim_url_limit: int | None = None,
    nofollow: bool = True,
    autoescape: bool = True,
    scheme: str = "http",
) -> str:
    """``text`` with its web addresses and e-mail addresses made links.

    ``safe_input``: the text is already HTML (nothing is escaped again);
    ``trim_url_limit``: link texts longer than this are cut, ``…`` added;
    ``scheme``: the scheme given to addresses written without one (``www.x.org``).
    """
    done: dict[str, str] = {}
    out = []
    for word in _WORD_SPLIT.split(text):
        result = done.get(word)
        if result is None:
            result = _word(word, safe_input, trim_url_limit, nofollow, autoescape, scheme)
            done[word] = result
        out.append(result)
    return "".join(out)
