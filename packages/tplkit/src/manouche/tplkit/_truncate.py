"""Truncating HTML after a number of words, keeping tags balanced (``truncatewords_html``)."""

from __future__ import annotations

import html
import re
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


class _WordTruncator(HTMLParser):
    def __init__(self, words: int, ellipsis: str) -> None:
        super().__init__(convert_charrefs=True)
        self.remaining = words
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

    def handle_data(self, data: str) -> None:
        words = _BETWEEN_WORDS.split(data)
        if len(words) > self.remaining:
            text = html.escape(" ".join(words[: self.remaining]))
            self.remaining = 0
            self.out.append(text if text.endswith(self.ellipsis) else text + self.ellipsis)
            raise _Done
        self.remaining -= len(words)
        self.out.append(html.escape(" ".join(words)))

    def run(self, text: str) -> str:
        try:
            self.feed(text)
        except _Done:
            self.out.extend(f"</{tag}>" for tag in reversed(self.open))
        self.reset()
        return "".join(self.out)


def truncate_html_words(text: str, words: int, ellipsis: str = " …") -> str:
    """``text`` (HTML) cut after ``words`` words, ``ellipsis`` added, open tags closed.

    Text is re-escaped on the way out, comments are dropped, tags are kept as
    written. ``words <= 0`` gives ``""``.
    """
    if words <= 0:
        return ""
    return _WordTruncator(words, ellipsis).run(text)
