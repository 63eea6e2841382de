"""The XML writer of both feed formats: stdlib SAX output, sorted attributes, no control chars."""

from __future__ import annotations

import re
from typing import IO
from xml.sax.saxutils import XMLGenerator

__all__ = ["UnserializableContentError", "XMLWriter"]

# XML 1.0 allows no C0 control character except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class UnserializableContentError(ValueError):
    """A text or attribute value holds a character XML 1.0 cannot carry."""


class XMLWriter(XMLGenerator):
    """``XMLGenerator`` that writes attributes in name order and refuses control characters.

    Text and attribute values are escaped by the standard library (``&``, ``<``,
    ``>`` and, in attributes, quotes), so whatever a title holds is data, never markup.
    """

    def __init__(self, out: IO[str], encoding: str) -> None:
        super().__init__(out, encoding, short_empty_elements=True)  # type: ignore[arg-type]
        self._element = ""

    def startElement(self, name: str, attrs: dict[str, str] | None) -> None:  # type: ignore[override]  # noqa: N802
        self._element = name
        items = dict(sorted(attrs.items())) if attrs else {}
        for key, value in items.items():
            self._check(value, f"attribute {key!r} of <{name}>")
        super().startElement(name, items)  # type: ignore[arg-type]

    def characters(self, content: str) -> None:
        self._check(content, f"the text of <{self._element}>")
        super().characters(content)

    def element(
        self, name: str, text: str | None = None, attrs: dict[str, str] | None = None
    ) -> None:
        """Write ``<name attrs>text</name>`` (``<name attrs/>`` when ``text`` is None)."""
        self.startElement(name, attrs)
        if text is not None:
            self.characters(text)
        self.endElement(name)

    # Django's generator spells it this way; subclasses ported from Django call it.
    addQuickElement = element  # noqa: N815

    @staticmethod
    def _check(value: str, where: str) -> None:
        if value and _CONTROL.search(value):
            bad = _CONTROL.search(value)
            assert bad is not None
            raise UnserializableContentError(
                f"{where} holds the control character U+{ord(bad.group()):04X}, "
                "which XML 1.0 cannot carry"
            )


SimplerXMLGenerator = XMLWriter
