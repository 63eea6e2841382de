"""Build and update every package's message catalogs, wording taken from Django's where it matches.

    python3 tools/i18n_catalogs.py [PACKAGE ...]

For each package that marks its messages (a ``src/manouche/<name>/_i18n.py``
with ``gettext``, or a ``locale/`` folder): the messages are extracted from its sources with
``manouche.i18nkit.messages.makemessages`` into
``src/manouche/<name>/locale/<lang>/LC_MESSAGES/messages.po`` for each of
:data:`LANGUAGES`; a message still untranslated there whose msgid (and
context) is one of Django's gets Django's translation, from the catalogs of
the Django installed in the workspace (BSD-3-Clause, notice in
``LICENSES/django.txt``); plural forms are mapped onto the language's forms
as Babel/CLDR count them (Django's Russian keeps a fourth form for
fractions: dropped). Then every
``.mo`` is compiled. What remains untranslated is listed and the exit status
is 1: translate it in the ``.po`` by hand and run the tool again.

The catalogs are committed with their compiled ``.mo``;
``tests/test_catalogs.py`` fails when one is stale, when a message of the
sources lacks a translation in a language, or when a translation drops or
changes a placeholder.
"""

from __future__ import annotations

import gettext as gettext_module
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent

LANGUAGES = ("de", "fr", "es", "pt_BR", "ru", "ar", "ja", "zh_Hans")

# Packages that keep catalogs of their own making, checked by their own tests
# (none now: adminkit's, once hand-written, are built here like the others').
OWN_CATALOGS: frozenset[str] = frozenset()

# Names the packages mark messages with besides i18nkit's KEYWORDS.
KEYWORDS = {"Plural": (1, 2), "resolve": None}


def packages() -> dict[str, Path]:
    """Package folder name -> its import folder, for the packages that ship catalogs."""
    found: dict[str, Path] = {}
    for pkg in sorted((ROOT / "packages").iterdir()):
        if pkg.name in OWN_CATALOGS:
            continue
        src = pkg / "src" / "manouche"
        for mod in sorted(src.glob("*")) if src.is_dir() else []:
            marks = mod / "_i18n.py"
            if (mod / "locale").is_dir() or (
                marks.exists() and "def gettext" in marks.read_text(encoding="utf-8")
            ):
                found[pkg.name] = mod
    return found


def _django_catalogs(language: str) -> Iterator[Path]:
    import django

    base = Path(django.__file__).parent
    yield base / "conf" / "locale" / language / "LC_MESSAGES" / "django.mo"
    yield from sorted(base.glob(f"contrib/*/locale/{language}/LC_MESSAGES/django.mo"))
    # restkit keeps Django REST framework's messages (BSD-3-Clause too): its catalogs
    # come after Django's, so a message both have keeps Django's wording.
    try:
        import rest_framework
    except ImportError:
        return
    drf = Path(rest_framework.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.mo"
    yield drf


def django_translations(language: str, nplurals: int) -> dict[tuple[object, str | None], object]:
    """(msgid, context) -> Django's translation, plural forms fitted to ``nplurals``.

    Read from Django's compiled catalogs (its ``.po`` headers carry plural
    counts Babel warns about); a plural message is keyed by its singular.
    """
    table: dict[tuple[object, str | None], object] = {}
    for mo in _django_catalogs(language):
        if not mo.exists():
            continue
        with mo.open("rb") as fh:
            raw: dict[object, str] = gettext_module.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        plurals: dict[str, dict[int, str]] = {}
        for key, text in raw.items():
            if not key or not text:
                continue
            if isinstance(key, tuple):
                plurals.setdefault(key[0], {})[key[1]] = text
                continue
            context, _, msgid = str(key).rpartition("\x04")
            table.setdefault((msgid, context or None), text)
        for singular, by_index in plurals.items():
            forms = [by_index[i] for i in sorted(by_index)]
            if len(forms) > nplurals:
                # ru: one, few, many, [fractions].
                if language == "ru":
                    forms = forms[:nplurals]
                else:
                    forms = [forms[0], *forms[len(forms) - nplurals + 1 :]]
            if len(forms) != nplurals:
                continue
            context, _, msgid = singular.rpartition("\x04")
            table.setdefault((("plural", msgid), context or None), tuple(forms))
    return table


# Our own translations of the messages Django does not have: msgid (a plural's
# singular) -> language -> text, or the list of plural forms.
OWN = ROOT / "tools" / "i18n_translations.json"


def own_translations(language: str) -> dict[tuple[object, str | None], object]:
    """The translations kept in :data:`OWN` for ``language``, keyed as Django's are."""
    table: dict[tuple[object, str | None], object] = {}
    for msgid, by_language in json.loads(OWN.read_text(encoding="utf-8")).items():
        text = by_language.get(language)
        if isinstance(text, list):
            table[(("plural", msgid), None)] = tuple(text)
        elif text:
            table[(msgid, None)] = text
    return table


_NAMED = re.compile(r"%\((\w+)\)([sd])")


def _positional(table: dict[tuple[object, str | None], object], message: Message) -> object:
    """Django's translation of the message written with one ``%d``/``%s`` instead of ``%(name)d``.

    Django's password validators say ``%d`` where ours name the number; the
    translation gets the name back.
    """
    singular = message.id if isinstance(message.id, str) else message.id[0]
    names = _NAMED.findall(singular)
    if len(names) != 1:
        return None
    name, conv = names[0]
    positional = _NAMED.sub(r"%\2", singular)
    key = positional if isinstance(message.id, str) else ("plural", positional)
    found = table.get((key, message.context))

    def back(text: str) -> str:
        return text.replace(f"%{conv}", f"%({name}){conv}")

    if isinstance(found, str):
        return back(found)
    if isinstance(found, tuple):
        return tuple(back(form) for form in found)
    return None


def fill(po: Path, language: str) -> list[str]:
    """Give each untranslated message of ``po`` Django's translation (else ours).

    Returns the messages that stay untranslated.
    """
    with po.open("rb") as fh:
        catalog: Catalog = read_po(fh)
    from manouche.i18nkit.commands import placeholder_errors

    own = own_translations(language)
    table = {**own, **django_translations(language, catalog.num_plurals)}
    missing: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if all(strings) and not message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else ("plural", message.id[0])
        found = table.get((key, message.context))
        if found is None:
            found = _positional(table, message)
        if found is not None and _drops_placeholders(message, found, placeholder_errors):
            # Django's wording leaves one of our placeholders out (a repeated
            # {name}): ours is taken instead.
            found = own.get((key, message.context))
        if found is None:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
            continue
        message.string = found
        message.flags.discard("fuzzy")
    with po.open("wb") as out:
        write_po(out, catalog, width=0, include_lineno=False, sort_output=True)
    return missing


def _drops_placeholders(message: Message, found: object, check: Any) -> bool:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return bool(check(msgid, found))


def sources(mod: Path) -> list[Path]:
    """What messages are extracted from: the package's modules and template folders."""
    return sorted(
        p for p in mod.iterdir() if p.name != "locale" and (p.suffix == ".py" or p.is_dir())
    )


def problems(po: Path, template: Catalog) -> list[str]:
    """What is wrong with ``po`` against the messages extracted into ``template``.

    A message of the sources missing or untranslated (any plural form empty),
    a fuzzy entry, a plural with another number of forms than the language
    has (CLDR's count, as Babel gives it: Russian 3, Arabic 6), or a
    translation that drops, renames or adds a placeholder.
    """
    from manouche.i18nkit.commands import placeholder_errors

    with po.open("rb") as fh:
        catalog: Catalog = read_po(fh)
    found: list[str] = []
    expected = Catalog(locale=catalog.locale_identifier).num_plurals
    if catalog.num_plurals != expected:
        found.append(f"{po}: {catalog.num_plurals} plural forms, the language has {expected}")
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, wanted.context)
        label = f"{po}: {wanted.id!r}"
        if message is None:
            found.append(f"{label}: missing")
            continue
        raw = message.string if isinstance(message.string, tuple | list) else (message.string,)
        forms = tuple(str(form or "") for form in raw)
        if message.fuzzy or not all(forms):
            found.append(f"{label}: untranslated or fuzzy")
            continue
        if not isinstance(message.id, str) and len(forms) != expected:
            found.append(f"{label}: {len(forms)} plural forms, the language has {expected}")
        msgid = message.id if isinstance(message.id, str) else tuple(message.id)
        msgstr = forms[0] if isinstance(msgid, str) else forms
        found += [f"{label}: {error}" for error in placeholder_errors(msgid, msgstr)]
    return found


NOTICE = """\
Some translations in these catalogs are Django's own, taken from Django's
catalogs where our message is Django's message (https://www.djangoproject.com/).
Django is distributed under the following licence, which applies to that text.

"""


def write_notice(locale: Path) -> None:
    """Keep Django's licence beside the catalogs that carry its translations."""
    import django

    dist = Path(django.__file__).parent.parent
    licences = sorted(dist.glob("django-*.dist-info/licenses/LICENSE")) + sorted(
        dist.glob("django-*.dist-info/LICENSE")
    )
    if not licences:
        raise SystemExit("Django's LICENSE file was not found beside the installed Django")
    text = NOTICE + licences[0].read_text(encoding="utf-8")
    (locale / "LICENSE-django.txt").write_text(text, encoding="utf-8")
    if locale.parent.name == "restkit":
        drf = sorted(dist.glob("djangorestframework-*.dist-info/licenses/LICENSE*"))
        if not drf:
            raise SystemExit("Django REST framework's licence was not found beside it")
        notice = NOTICE.replace("Django", "Django REST framework")
        drf_text = notice + drf[0].read_text(encoding="utf-8")
        (locale / "LICENSE-django-rest-framework.txt").write_text(drf_text, encoding="utf-8")


def main(argv: list[str]) -> int:
    from manouche.i18nkit import compilemessages
    from manouche.i18nkit.messages import makemessages

    chosen = packages()
    if argv:
        unknown = set(argv) - set(chosen)
        if unknown:
            print(f"no catalogs in: {sorted(unknown)}; known: {sorted(chosen)}", file=sys.stderr)
            return 2
        chosen = {name: chosen[name] for name in argv}
    status = 0
    for name, mod in chosen.items():
        locale = mod / "locale"
        pyproject = tomllib.loads((ROOT / "packages" / name / "pyproject.toml").read_text())
        project, version = pyproject["project"]["name"], pyproject["project"]["version"]
        for po in makemessages(
            locale, sources(mod), LANGUAGES, keywords=KEYWORDS, project=project, version=version
        ):
            language = po.parent.parent.name
            missing = fill(po, language)
            for msgid in missing:
                status = 1
                print(f"{po.relative_to(ROOT)}: untranslated: {msgid!r}")
        write_notice(locale)
        compilemessages([locale])
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
