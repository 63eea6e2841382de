"""Truncating HTML after a number of words, keeping tags balanced (``truncatewords_html``)."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# Elements that never have a closing tag.
_VOID = frozenset(
    (
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "frame",
        "spacer",
    )
)
# Whitespace between two words (leading and trailing whitespace of a text run stays).
_BETWEEN_WORDS = re.compile(r"(?<=\S)\s+(?=\S)")


class _Done(Exception):
    pass


class _HTMLTruncator(HTMLParser):
    """Copies tags, counts text, closes what is open when the count runs out."""

    def __init__(self, budget: int, ellipsis: str) -> None:
        super().__init__(convert_charrefs=True)
        self.remaining = budget
        self.ellipsis = ellipsis
        self.open: list[str] = []
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def _cut(self, text: str) -> None:
        self.remaining = 0
        self.out.append(text if text.endswith(self.ellipsis) else text + self.ellipsis)
        raise _Done

    def run(self, text: str) -> str:
        try:
            self.feed(text)
        except _Done:
            self.out.extend(f"</{tag}>" for tag in reversed(self.open))
        self.reset()
        return "".join(self.out)


class _WordTruncator(_HTMLTruncator):
    def handle_data(self, data: str) -> None:
        words = _BETWEEN_WORDS.split(data)
        if len(words) > self.remaining:
            self._cut(html.escape(" ".join(words[: self.remaining])))
        self.remaining -= len(words)
        self.out.append(html.escape(" ".join(words)))


class _CharTruncator(_HTMLTruncator):
    def __init__(self, chars: int, ellipsis: str) -> None:
        # The ellipsis counts towards the length.
        super().__init__(max(chars - len(ellipsis), 0), ellipsis)
        self.length = chars
        self.seen = 0

    def handle_data(self, data: str) -> None:
        self.seen += len(data)
        if self.seen == self.length and sum(map(len, self.out)) + len(data) == len(self.rawdata):
            # The whole text is exactly as long as allowed: no ellipsis, and the
            # text as written (it can hold no entity, so no "<" comes out of one).
            self.out.append(data)
            raise _Done
        if len(data) > self.remaining:
            self._cut(html.escape(data[: self.remaining]))
        self.remaining -= len(data)
        self.out.append(html.escape(data))


def truncate_html_words(text: str, words: int, ellipsis: str = " …") -> str:
    """``text`` (HTML) cut after ``words`` words, ``ellipsis`` added, open tags closed.

    Text is re-escaped on the way out, comments are dropped, tags are kept as
    written. ``words <= 0`` gives ``""``.
    """
    if words <= 0:
        return ""
    return _WordTruncator(words, ellipsis).run(text)


def truncate_html_chars(text: str, chars: int, ellipsis: str = "…") -> str:
    """``text`` (HTML) cut to ``chars`` characters of text, ellipsis included, tags closed."""
    if chars <= 0:
        return ""
    return _CharTruncator(chars, ellipsis).run(unicodedata.normalize("NFC", text))


def truncate_chars(text: str, chars: int, ellipsis: str = "…") -> str:
    """Plain ``text`` cut to ``chars`` characters, the ellipsis included.

    Combining characters do not count (text is NFC-normalized first), as in
    Django's ``Truncator.chars``; ``chars <= 0`` gives ``""``.
    """
    if chars <= 0:
        return ""
    text = unicodedata.normalize("NFC", text)
    room = chars
    for char in ellipsis:
        if not unicodedata.combining(char):
            room -= 1
            if room == 0:
                break
    counted = 0
    end: int | None = None
    for index, char in enumerate(text):
        if unicodedata.combining(char):
            continue
        counted += 1
        if end is None and counted > room:
            end = index
        if counted > chars:
            kept = text[: end or 0]
            return kept if kept.endswith(ellipsis) else kept + ellipsis
    return text
