"""Locale names, package catalogs found through resources, compilemessages."""

from __future__ import annotations

from pathlib import Path

import pytest

from manouche import i18nkit
from manouche.i18nkit.catalogs import package_locale_dirs
from manouche.i18nkit.commands import compilemessages_main

LOCALE = Path(i18nkit.__file__).parent / "locale"

CODES = ["en", "en-us", "pt-br", "sr-latn", "zh-hans", "de-at", "es-419", "sr-latn-rs", "EN-US"]


def test_to_locale_and_to_language_as_django(django_trans) -> None:
    from django.utils.translation import to_language, to_locale

    for code in CODES:
        assert i18nkit.to_locale(code) == to_locale(code), code
    for name in ["en_US", "pt_BR", "sr_Latn", "zh_Hans", "de", "es_419"]:
        assert i18nkit.to_language(name) == to_language(name), name


def test_package_locale_dirs_finds_i18nkits_own() -> None:
    found = [str(d) for d in package_locale_dirs()]
    assert str(LOCALE) in found


def test_has_language() -> None:
    catalogs = i18nkit.Catalogs()
    assert catalogs.has_language("fr")
    assert catalogs.has_language("fr-ca")
    assert not catalogs.has_language("xx")
    assert not catalogs.has_language("../fr")


def test_committed_mo_files_are_not_stale(tmp_path: Path) -> None:
    """Every shipped .mo is exactly what compiling its .po gives now."""
    pos = sorted(LOCALE.rglob("*.po"))
    assert {p.parent.parent.name for p in pos} >= {"en", "fr"}
    for po in pos:
        copy = tmp_path / po.relative_to(LOCALE)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(po.read_bytes())
        mo = i18nkit.compile_catalog(copy)
        assert mo.read_bytes() == po.with_suffix(".mo").read_bytes(), po


def test_french_catalog_is_complete_and_keeps_placeholders() -> None:
    from babel.messages.pofile import read_po

    with (LOCALE / "en/LC_MESSAGES/messages.po").open("rb") as fh:
        english = read_po(fh)
    with (LOCALE / "fr/LC_MESSAGES/messages.po").open("rb") as fh:
        french = read_po(fh)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in english if m.id}
    for message in french:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        ids.discard(key)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy
    assert not ids, f"missing from the French catalog: {ids}"
    assert not list(french.check())


def _po(path: Path, body: str, lang: str = "fr") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n'
        f'"Language: {lang}\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n' + body,
        encoding="utf-8",
    )
    return path


def test_compile_then_translate(tmp_path: Path, use_catalogs, capsys) -> None:
    po = _po(tmp_path / "fr/LC_MESSAGES/messages.po", 'msgid "Hello"\nmsgstr "Bonjour"\n')
    assert compilemessages_main([str(tmp_path)]) == 0
    assert str(po.with_suffix(".mo")) in capsys.readouterr().out
    use_catalogs(tmp_path)
    with i18nkit.override("fr"):
        assert i18nkit.gettext("Hello") == "Bonjour"


def test_compile_refuses_a_dropped_placeholder(tmp_path: Path, capsys) -> None:
    po = _po(
        tmp_path / "fr/LC_MESSAGES/messages.po",
        'msgid "%(name)s is here"\nmsgstr "est ici"\n',
    )
    with pytest.raises(i18nkit.CompileError, match="messages.po:"):
        i18nkit.compilemessages([tmp_path])
    assert not po.with_suffix(".mo").exists()
    assert compilemessages_main([str(tmp_path)]) == 1
    assert "messages.po" in capsys.readouterr().err


def test_compile_fuzzy_left_out_unless_asked(tmp_path: Path, use_catalogs) -> None:
    _po(tmp_path / "fr/LC_MESSAGES/messages.po", '#, fuzzy\nmsgid "Hello"\nmsgstr "Salut"\n')
    i18nkit.compilemessages([tmp_path])
    use_catalogs(tmp_path)
    with i18nkit.override("fr"):
        assert i18nkit.gettext("Hello") == "Hello"
    i18nkit.compilemessages([tmp_path], use_fuzzy=True)
    i18nkit.get_catalogs().reload()
    with i18nkit.override("fr"):
        assert i18nkit.gettext("Hello") == "Salut"


def test_compile_names_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(i18nkit.CompileError, match="no such file or folder"):
        i18nkit.compilemessages([tmp_path / "nope"])
    bad = tmp_path / "x.po"
    bad.write_text('msgid "a"\n', encoding="utf-8")
    with pytest.raises(i18nkit.CompileError, match="x.po: cannot be read"):
        i18nkit.compilemessages([bad])


def test_a_corrupt_mo_is_named(tmp_path: Path, use_catalogs) -> None:
    mo = tmp_path / "fr/LC_MESSAGES/messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(b"\xde\x12\x04\x95" + b"\x00" * 4)
    use_catalogs(tmp_path)
    with pytest.raises(ValueError, match="messages.mo: not a valid compiled message catalog"):
        with i18nkit.override("fr"):
            i18nkit.gettext("x")


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("%(name)s is here", "%(name)s est ici", True),
        ("%(name)s is here", "est ici", False),
        ("%(name)s is here", "%(nom)s est ici", False),
        ("%s of %d", "%d sur %s", True),
        ("100%% sure", "sûr à 100 %%", True),
        ("{name} is here", "{name} est ici", True),
        ("{name} is here", "{nom} est ici", False),
        (("%(n)d file", "%(n)d files"), ("un fichier", "%(n)d fichiers"), True),
        (("%(n)d file", "%(n)d files"), ("%(n)d fichier", "fichiers"), False),
        (("%(n)d file", "%(n)d files"), ("%(x)d fichier", "%(n)d fichiers"), False),
    ],
)
def test_placeholder_check(msgid, msgstr, ok: bool) -> None:
    from manouche.i18nkit.commands import placeholder_errors

    assert (placeholder_errors(msgid, msgstr) == []) is ok


def test_merged_catalog_cache_stays_bounded() -> None:
    from manouche.i18nkit.catalogs import MAX_CACHED

    catalogs = i18nkit.Catalogs()
    for i in range(MAX_CACHED * 3):
        code = "x" + "".join(chr(ord("a") + int(d)) for d in str(i))
        catalogs.translation(code)
    assert len(catalogs._cache) <= MAX_CACHED
    assert catalogs.translation("fr").gettext("Enter a number.") == "Saisissez un nombre."


def test_first_use_from_many_threads_builds_one_catalog() -> None:
    import threading

    catalogs = i18nkit.Catalogs()
    barrier = threading.Barrier(16)
    got: list[object] = []

    def first_use() -> None:
        barrier.wait()
        got.append(catalogs.translation("fr"))

    threads = [threading.Thread(target=first_use) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 16
    assert len({id(t) for t in got}) == 1
    assert got[0].gettext("Enter a number.") == "Saisissez un nombre."  # type: ignore[attr-defined]
