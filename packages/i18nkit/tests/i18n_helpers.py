"""Catalogs written and compiled for a test."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

Entry = tuple[object, object] | tuple[object, object, str]


def write_catalog(
    root: Path,
    locale: str,
    entries: list[Entry],
    *,
    domain: str = "messages",
) -> Path:
    """Write ``root/<locale>/LC_MESSAGES/<domain>.mo`` from (msgid, msgstr[, context]) entries."""
    catalog = Catalog(locale=locale, domain=domain)
    for entry in entries:
        msgid, msgstr = entry[0], entry[1]
        context = entry[2] if len(entry) == 3 else None
        catalog.add(msgid, msgstr, context=context)
    target = root / locale / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    mo = target / f"{domain}.mo"
    with mo.open("wb") as fh:
        write_mo(fh, catalog)
    return mo
