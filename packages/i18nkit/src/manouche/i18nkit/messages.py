"""``manouche-makemessages``: extract messages and create or update ``.po`` catalogs, on Babel.

Django's ``makemessages`` without gettext's command-line tools: Babel reads the
Python sources (``gettext``, ``ngettext``, ``pgettext``, ``npgettext``, the
``*_lazy`` variants, ``gettext_noop``, ``_`` and ``N_``) and Jinja2 templates
(``{% trans %}`` / ``{% pluralize %}`` blocks, tplkit's ``blocktrans``
equivalent, and ``_()``/``gettext()`` calls in expressions), then each
language's ``.po`` under ``<locale>/<lang>/LC_MESSAGES/<domain>.po`` is created
(``init``) or merged with what was extracted (``update``): translations of
messages still in the sources are kept, messages gone from the sources are
dropped, new ones are added untranslated. ``compilemessages`` then writes the
``.mo`` files.

Output is reproducible: messages sorted, no line numbers, the header's dates
kept from the existing file, so running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

from manouche.i18nkit.catalogs import DEFAULT_DOMAIN, to_locale

__all__ = ["KEYWORDS", "extract_messages", "makemessages", "makemessages_main"]

# Babel's keywords plus Django's lazy and no-op spellings.
KEYWORDS: dict[str, Any] = {
    **DEFAULT_KEYWORDS,
    "gettext_noop": None,
    "gettext_lazy": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".txt", ".xml")

_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"}

# The same instant for every message of one run; the header keeps the file's own.
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _method_map(root: Path) -> list[tuple[str, str]]:
    jinja = "jinja2.ext:babel_extract"
    pattern = [("**.py", "python")]
    if root.name in ("templates", "jinja2"):
        # A template folder itself: every template in it.
        return pattern + [(f"**{suffix}", jinja) for suffix in TEMPLATE_SUFFIXES]
    for folder in ("templates", "jinja2"):
        pattern += [(f"{folder}/**{suffix}", jinja) for suffix in TEMPLATE_SUFFIXES]
        pattern += [(f"**/{folder}/**{suffix}", jinja) for suffix in TEMPLATE_SUFFIXES]
    return pattern


def extract_messages(
    paths: Iterable[str | os.PathLike[str]],
    *,
    keywords: Mapping[str, Any] | None = None,
    project: str | None = None,
    version: str | None = None,
) -> Catalog:
    """Extract the messages of the Python files and templates under ``paths`` into a template.

    A folder is walked: ``*.py`` as Python, templates (``*.html``, ``*.txt``...
    under a ``templates/`` or ``jinja2/`` folder, or anywhere in a folder so
    named) as Jinja2 with the i18n extension. A file is read by its suffix. ``keywords`` adds to
    :data:`KEYWORDS` (Babel's spec: ``{"Plural": (1, 2)}``).
    """
    words = {**KEYWORDS, **(keywords or {})}
    template = Catalog(project=project, version=version, creation_date=_EPOCH, fuzzy=False)
    options = {f"**{suffix}": _JINJA_OPTIONS for suffix in TEMPLATE_SUFFIXES}
    for path in paths:
        root = Path(path)
        if root.is_dir():
            found = extract_from_dir(
                str(root), _method_map(root), options, words, strip_comment_tags=True
            )
            for filename, lineno, message, comments, context in found:
                template.add(
                    message, None, [(filename, lineno)], auto_comments=comments, context=context
                )
        elif root.is_file():
            method = "python" if root.suffix == ".py" else "jinja2.ext:babel_extract"
            opts = {} if method == "python" else _JINJA_OPTIONS
            for lineno, message, comments, context in extract_from_file(
                method, str(root), words, options=opts, strip_comment_tags=True
            ):
                template.add(
                    message, None, [(root.name, lineno)], auto_comments=comments, context=context
                )
        else:
            raise FileNotFoundError(f"{root}: no such file or folder to extract messages from")
    return template


def _read(po: Path) -> Catalog:
    with po.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


def makemessages(
    locale_dir: str | os.PathLike[str],
    sources: Iterable[str | os.PathLike[str]],
    languages: Iterable[str] = (),
    *,
    domain: str = DEFAULT_DOMAIN,
    keywords: Mapping[str, Any] | None = None,
    project: str | None = None,
    version: str | None = None,
) -> list[Path]:
    """Create or update ``<locale_dir>/<lang>/LC_MESSAGES/<domain>.po`` for each language.

    ``languages`` are codes (``pt-br``) or locale names (``pt_BR``); with none,
    every language already under ``locale_dir`` is updated. Returns the ``.po``
    paths written.
    """
    root = Path(locale_dir)
    template = extract_messages(sources, keywords=keywords, project=project, version=version)
    names = [to_locale(code) if "-" in code else code for code in languages]
    if not names:
        names = sorted(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{domain}.po"))
    written: list[Path] = []
    for name in names:
        po = root / name / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            catalog = _read(po)
        else:
            title = project or "this project"
            catalog = Catalog(
                locale=name,
                domain=domain,
                header_comment=(
                    f"# {name} translations of {title}.\n"
                    f"# This file is distributed under the same license as {title}."
                ),
                project=project,
                version=version,
                creation_date=_EPOCH,
                revision_date=_EPOCH,
                last_translator="",
                language_team="",
                msgid_bugs_address="",
                fuzzy=False,
            )
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        if project:
            catalog.project = project
        if version:
            catalog.version = version
        po.parent.mkdir(parents=True, exist_ok=True)
        tmp = po.with_name(po.name + ".tmp")
        with tmp.open("wb") as out:
            write_po(
                out,
                catalog,
                width=0,
                no_location=False,
                include_lineno=False,
                sort_output=True,
                include_previous=False,
            )
        tmp.replace(po)
        written.append(po)
    return written


def makemessages_main(argv: Sequence[str] | None = None) -> int:
    """The console script."""
    parser = argparse.ArgumentParser(
        prog="manouche-makemessages",
        description=(
            "Extract messages from Python files and Jinja2 templates and create or update "
            "the .po catalogs of each language (then run manouche-compilemessages)."
        ),
    )
    parser.add_argument("sources", nargs="*", default=["."], help="folders or files to read")
    parser.add_argument(
        "-l", "--locale", action="append", default=[], help="language to create or update"
    )
    parser.add_argument(
        "--locale-dir", default="locale", help="where the catalogs live (default: locale)"
    )
    parser.add_argument("-d", "--domain", default=DEFAULT_DOMAIN)
    parser.add_argument(
        "-k",
        "--keyword",
        action="append",
        default=[],
        help="extra function name, Babel's spec (Plural:1,2)",
    )
    parser.add_argument("--pot", help="write the extracted template to this file and stop")
    args = parser.parse_args(argv)
    from babel.messages.frontend import parse_keywords

    extra = parse_keywords(args.keyword)
    try:
        if args.pot:
            template = extract_messages(args.sources, keywords=extra)
            with open(args.pot, "wb") as out:
                write_po(out, template, width=0, include_lineno=False, sort_output=True)
            print(args.pot)
            return 0
        written = makemessages(
            args.locale_dir, args.sources, args.locale, domain=args.domain, keywords=extra
        )
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    if not written:
        print(
            f"no catalog under {args.locale_dir}: name the languages to create with -l",
            file=sys.stderr,
        )
        return 1
    for po in written:
        print(po)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(makemessages_main())
