"""The site in the visitor's language, right to left for Arabic."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webtest
from shop import Product

from manouche.adminkit import AdminSite

LOCALE = Path(__file__).parents[1] / "src" / "manouche" / "adminkit" / "locale"


@pytest.fixture
def app_in(db: Any, wrap: Any) -> Callable[[], webtest.TestApp]:
    """A site in English, French and Arabic with Product registered, as a TestApp."""

    def make() -> webtest.TestApp:
        site = AdminSite(db=db, authorize=lambda request: True, languages=["en", "fr", "ar"])
        site.register(Product, list_filter=["in_stock"], search_fields=["name"])
        return webtest.TestApp(wrap(site))

    return make


def test_arabic_is_right_to_left(db: Any, app_in: Any) -> None:
    page = app_in().get("/admin/shop/product/", headers={"Accept-Language": "ar"})
    html = page.html.find("html")
    assert (html["lang"], html["dir"]) == ("ar", "rtl")
    assert page.html.find("label", {"for": "searchbar"}).get_text() == "بحث"
    assert "تصفية" in page.html.find(id="changelist-filter").get_text()
    assert page.headers["Content-Language"] == "ar"


def test_french_and_english(db: Any, app_in: Any) -> None:
    app = app_in()
    page = app.get("/admin/shop/product/add/", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert page.html.find("html")["dir"] == "ltr"
    assert page.html.find("button", {"name": "_save"}).get_text() == "Enregistrer"
    page = app.get("/admin/shop/product/add/", headers={"Accept-Language": "it"})
    assert page.html.find("button", {"name": "_save"}).get_text() == "Save"


def test_the_other_languages_from_django_and_ours(db: Any, wrap: Callable[[Any], Any]) -> None:
    site = AdminSite(db=db, authorize=lambda request: True, languages=["en", "de", "ja", "ru"])
    site.register(Product, list_filter=["in_stock"], search_fields=["name"])
    app = webtest.TestApp(wrap(site))
    page = app.get("/admin/shop/product/add/", headers={"Accept-Language": "de"})
    assert page.html.find("html")["lang"] == "de"
    assert page.html.find("button", {"name": "_save"}).get_text() == "Sichern"  # Django's
    page = app.get("/admin/shop/product/", headers={"Accept-Language": "ja"})
    assert page.html.find("label", {"for": "searchbar"}).get_text() == "検索"
    text = page.html.get_text()
    assert "13 件中 0 件選択" in text  # ours: "0 of %(total)s selected"
    assert "In stock で絞り込む" in text  # ours: "By %(filter_title)s"
    assert "変更する product を選択" in text  # Django's: "Select %(name)s to change"
    assert page.html.find("title").get_text() == "変更する product を選択 | サイト管理"
    page = app.get("/admin/shop/product/", headers={"Accept-Language": "ru"})
    assert page.headers["Content-Language"] == "ru"


MARKED = re.compile(
    r"""(?:\bgettext|\b_)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+|(?:'(?:[^'\\]|\\.)*'\s*)+)"""
)
LITERAL = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")


def marked_messages() -> set[str]:
    """Every literal passed to gettext() in the code or _() in the templates."""
    src = LOCALE.parent
    found = set()
    for path in [*src.rglob("*.py"), *src.rglob("*.html")]:
        for match in MARKED.finditer(path.read_text()):
            text = "".join(a or b for a, b in LITERAL.findall(match.group(1)))
            if text:
                found.add(text)
    return found


def test_catalogs_translate_every_message() -> None:
    marked = marked_messages()
    assert len(marked) > 90
    for lang in ("de", "fr", "es", "pt_BR", "ru", "ar", "ja", "zh_Hans"):
        catalog = polib_entries(LOCALE / lang / "LC_MESSAGES" / "messages.po")
        missing = sorted(m for m in marked if not catalog.get(m))
        assert not missing, (lang, missing)


def polib_entries(path: Path) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh)
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}
