"""makemessages: extraction from Python and Jinja2 templates, init, update, reproducible output."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from manouche import i18nkit
from manouche.i18nkit.messages import makemessages_main

PY = """
from manouche.i18nkit import gettext, gettext_lazy, ngettext, pgettext_lazy, gettext_noop

class Form:
    label = gettext_lazy("Your name")
    month = pgettext_lazy("month name", "May")

ERRORS = {"required": gettext_noop("This field is required.")}

def view(n):
    return gettext("Welcome"), ngettext("%(n)d apple", "%(n)d apples", n), gettext(n)
"""

TEMPLATE = """
<h1>{% trans %}Hello {{ name }}{% endtrans %}</h1>
<p>{% trans count=n %}{{ n }} vote{% pluralize %}{{ n }} votes{% endtrans %}</p>
<p>{{ _("Results") }} {{ gettext("Back") }}</p>
"""


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "app"
    (src / "templates" / "polls").mkdir(parents=True)
    (src / "views.py").write_text(PY, encoding="utf-8")
    (src / "templates" / "polls" / "detail.html").write_text(TEMPLATE, encoding="utf-8")
    return src


def _ids(po: Path) -> dict[object, object]:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    return {(m.id, m.context): m.string for m in catalog if m.id}


def test_extract_reads_python_keywords_and_jinja2_trans_blocks(tmp_path: Path) -> None:
    catalog = i18nkit.extract_messages([_project(tmp_path)])
    ids = {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in catalog if m.id}
    assert ids == {
        ("Your name", None),
        ("May", "month name"),
        ("This field is required.", None),
        ("Welcome", None),
        (("%(n)d apple", "%(n)d apples"), None),
        ("Hello %(name)s", None),
        (("%(n)s vote", "%(n)s votes"), None),
        ("Results", None),
        ("Back", None),
    }


def test_init_then_update_keeps_translations_and_drops_gone_messages(tmp_path: Path) -> None:
    src = _project(tmp_path)
    locale = tmp_path / "locale"
    [po] = i18nkit.makemessages(locale, [src], ["pt-br"])
    assert po == locale / "pt_BR" / "LC_MESSAGES" / "messages.po"
    assert _ids(po)[("Welcome", None)] == ""
    po.write_text(
        po.read_text("utf-8").replace(
            'msgid "Welcome"\nmsgstr ""', 'msgid "Welcome"\nmsgstr "Bem-vindo"'
        ),
        "utf-8",
    )
    (src / "views.py").write_text(PY.replace('gettext("Welcome")', 'gettext("Goodbye")'), "utf-8")
    before = po.read_bytes()
    # No language named: every catalog already there is updated.
    assert i18nkit.makemessages(locale, [src]) == [po]
    ids = _ids(po)
    assert ("Welcome", None) not in ids
    assert ids[("Goodbye", None)] == ""
    assert before != po.read_bytes()
    # Running again changes nothing.
    again = po.read_bytes()
    i18nkit.makemessages(locale, [src])
    assert po.read_bytes() == again


def test_kept_translation_survives_and_compiles(tmp_path: Path) -> None:
    src = _project(tmp_path)
    locale = tmp_path / "locale"
    [po] = i18nkit.makemessages(locale, [src], ["de"])
    text = po.read_text("utf-8").replace(
        'msgid "Hello %(name)s"\nmsgstr ""', 'msgid "Hello %(name)s"\nmsgstr "Hallo %(name)s"'
    )
    po.write_text(text, "utf-8")
    i18nkit.makemessages(locale, [src])
    assert _ids(po)[("Hello %(name)s", None)] == "Hallo %(name)s"
    i18nkit.compilemessages([locale])
    previous = i18nkit.set_catalogs(i18nkit.Catalogs([locale]))
    try:
        with i18nkit.override("de"):
            assert i18nkit.gettext("Hello %(name)s") % {"name": "Ada"} == "Hallo Ada"
    finally:
        i18nkit.set_catalogs(previous)


def test_plural_catalog_gets_the_languages_forms(tmp_path: Path) -> None:
    [po] = i18nkit.makemessages(tmp_path / "locale", [_project(tmp_path)], ["ar"])
    with po.open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.num_plurals == 6
    assert len(catalog.get(("%(n)d apple", "%(n)d apples")).string) == 6


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _project(tmp_path)
    locale = tmp_path / "locale"
    assert makemessages_main(["--locale-dir", str(locale), str(src)]) == 1
    assert "name the languages" in capsys.readouterr().err
    assert (
        makemessages_main(["--locale-dir", str(locale), "-l", "ja", "-l", "zh-hans", str(src)]) == 0
    )
    assert (locale / "zh_Hans" / "LC_MESSAGES" / "messages.po").exists()
    assert (locale / "ja" / "LC_MESSAGES" / "messages.po").exists()
    pot = tmp_path / "messages.pot"
    assert makemessages_main(["--pot", str(pot), str(src)]) == 0
    assert 'msgid "Results"' in pot.read_text("utf-8")
    assert makemessages_main(["--locale-dir", str(locale), str(tmp_path / "nowhere")]) == 1


def test_extra_keyword(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text('Plural("%(n)d file", "%(n)d files", "n")\n', "utf-8")
    assert not [m for m in i18nkit.extract_messages([tmp_path / "m.py"]) if m.id]
    found = i18nkit.extract_messages([tmp_path / "m.py"], keywords={"Plural": (1, 2)})
    assert [m.id for m in found if m.id] == [("%(n)d file", "%(n)d files")]


def test_active_translations_follow_the_active_language() -> None:
    t = i18nkit.active_translations
    with i18nkit.override("fr"):
        assert t.gettext("Enter a number.") == "Saisissez un nombre."
    with i18nkit.override("de"):
        assert t.gettext("Enter a number.") == "Bitte eine Zahl eingeben."
        assert t.ngettext("Compiled %(count)d catalog.", "Compiled %(count)d catalogs.", 2) == (
            "%(count)d Kataloge kompiliert."
        )
