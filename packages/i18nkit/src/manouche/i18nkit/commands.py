"""``manouche-compilemessages``: compile ``.po`` catalogs into the ``.mo`` files read at run time.

Django's ``compilemessages`` on Babel: every ``.po`` under the given folders
is checked (a translation that drops or changes a ``%(name)s`` / ``{name}``
placeholder, or a plural catalog with the wrong number of forms, is an error
naming the file and line) and written next to it as ``.mo``. Fuzzy entries are
left out unless ``--use-fuzzy``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from manouche.i18nkit.translation import ngettext

__all__ = ["CompileError", "compile_catalog", "compilemessages", "compilemessages_main"]


class CompileError(Exception):
    """A ``.po`` file that cannot be compiled; the message names the file and the problem."""


def compile_catalog(po_path: str | os.PathLike[str], *, use_fuzzy: bool = False) -> Path:
    """Check one ``.po`` file and write its ``.mo`` beside it; return the ``.mo`` path."""
    po = Path(po_path)
    with po.open("rb") as fh:
        try:
            catalog = read_po(fh, abort_invalid=True)
        except Exception as exc:  # babel raises PoFileError and ValueError subclasses
            raise CompileError(f"{po}: cannot be read: {exc}") from exc
    problems = [
        f"{po}:{message.lineno}: {error}"
        for message, errors in catalog.check()
        for error in errors
        if message.string and (use_fuzzy or not message.fuzzy)
    ]
    for message in catalog:
        raw = message.string if isinstance(message.string, tuple | list) else (message.string,)
        strings = tuple(str(form or "") for form in raw)
        if not message.id or not any(strings) or (message.fuzzy and not use_fuzzy):
            continue
        msgid: str | tuple[str, ...] = (
            message.id if isinstance(message.id, str) else tuple(message.id)
        )
        msgstr = strings[0] if isinstance(msgid, str) else strings
        for error in placeholder_errors(msgid, msgstr):
            problems.append(f"{po}:{message.lineno}: {error}")
    if problems:
        raise CompileError("\n".join(problems))
    mo = po.with_suffix(".mo")
    tmp = mo.with_name(mo.name + ".tmp")
    with tmp.open("wb") as out:
        write_mo(out, catalog, use_fuzzy=use_fuzzy)
    tmp.replace(mo)
    return mo


_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_][A-Za-z0-9_]*|\d*)(?:[!:][^{}]*)?\}(?!\})")


def placeholders(text: str) -> list[str]:
    """The ``%``-style and ``{}``-style placeholders of a message, in order (``%%`` left out)."""
    found = [
        f"%({m['name']}){m['conv']}" if m["name"] is not None else f"%{m['conv']}"
        for m in _PERCENT.finditer(text)
        if m["conv"] != "%"
    ]
    found += ["{" + m["name"] + "}" for m in _BRACE.finditer(text)]
    return found


def placeholder_errors(msgid: str | tuple[str, ...], msgstr: str | tuple[str, ...]) -> list[str]:
    """What a translation does wrong with its message's placeholders (empty when nothing).

    A singular translation has exactly the message's placeholders; every
    plural form uses only placeholders of the message, and the last form has
    all of the plural message's (a language's singular form may leave the count
    out, as "one file" does).
    """
    errors: list[str] = []
    if isinstance(msgid, str):
        wanted, got = sorted(placeholders(msgid)), sorted(placeholders(str(msgstr)))
        if wanted != got:
            errors.append(f"placeholders {got} do not match the message's {wanted}")
        return errors
    allowed = set(placeholders(msgid[0])) | set(placeholders(msgid[-1]))
    forms = msgstr if isinstance(msgstr, tuple) else (msgstr,)
    for i, form in enumerate(forms):
        extra = set(placeholders(form)) - allowed
        if extra:
            errors.append(f"plural form {i} has placeholders not in the message: {sorted(extra)}")
    missing = set(placeholders(msgid[-1])) - set(placeholders(forms[-1]))
    if missing:
        errors.append(f"the last plural form drops placeholders: {sorted(missing)}")
    return errors


def compilemessages(
    paths: Iterable[str | os.PathLike[str]], *, use_fuzzy: bool = False
) -> list[Path]:
    """Compile every ``.po`` file under ``paths`` (folders or files); return the ``.mo`` paths.

    Every file is tried; the errors of all of them are raised together.
    """
    written: list[Path] = []
    errors: list[str] = []
    for path in paths:
        root = Path(path)
        if not root.exists():
            errors.append(f"{root}: no such file or folder")
            continue
        files = [root] if root.is_file() else sorted(root.rglob("*.po"))
        for po in files:
            try:
                written.append(compile_catalog(po, use_fuzzy=use_fuzzy))
            except CompileError as exc:
                errors.append(str(exc))
    if errors:
        raise CompileError("\n".join(errors))
    return written


def compilemessages_main(argv: Sequence[str] | None = None) -> int:
    """The console script."""
    parser = argparse.ArgumentParser(
        prog="manouche-compilemessages",
        description="Compile .po message catalogs into .mo files.",
    )
    parser.add_argument("paths", nargs="*", default=["locale"], help="folders or .po files")
    parser.add_argument("--use-fuzzy", action="store_true", help="include fuzzy translations")
    args = parser.parse_args(argv)
    try:
        written = compilemessages(args.paths, use_fuzzy=args.use_fuzzy)
    except CompileError as exc:
        print(exc, file=sys.stderr)
        return 1
    for mo in written:
        print(mo)
    count = len(written)
    print(
        ngettext("Compiled %(count)d catalog.", "Compiled %(count)d catalogs.", count)
        % {"count": count}
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(compilemessages_main())
