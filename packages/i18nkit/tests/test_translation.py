"""gettext and friends, the active language, override, language info."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from i18n_helpers import write_catalog

from manouche import i18nkit


def test_package_catalog_translates_in_the_active_language() -> None:
    assert i18nkit.gettext("Enter a number.") == "Enter a number."
    i18nkit.activate("fr")
    assert i18nkit.get_language() == "fr"
    assert i18nkit.gettext("Enter a number.") == "Saisissez un nombre."
    i18nkit.deactivate()
    assert i18nkit.get_language() == "en-us"
    assert i18nkit.gettext("Enter a number.") == "Enter a number."


def test_regional_variant_falls_back_to_its_language() -> None:
    with i18nkit.override("fr-ca"):
        assert i18nkit.gettext("Enter a number.") == "Saisissez un nombre."
    with i18nkit.override("fr_CA"):
        assert i18nkit.gettext("Enter a number.") == "Saisissez un nombre."


def test_french_plural_rule_from_the_package_catalog() -> None:
    msg = ("Compiled %(count)d catalog.", "Compiled %(count)d catalogs.")
    with i18nkit.override("fr"):
        # French uses the singular for 0 and 1.
        assert i18nkit.ngettext(*msg, 0) == "%(count)d catalogue compilé."
        assert i18nkit.ngettext(*msg, 1) == "%(count)d catalogue compilé."
        assert i18nkit.ngettext(*msg, 2) == "%(count)d catalogues compilés."
    assert i18nkit.ngettext(*msg, 0) == "Compiled %(count)d catalogs."


def test_app_catalog_wins_over_package_catalog(tmp_path: Path, use_catalogs) -> None:
    write_catalog(tmp_path, "fr", [("Enter a number.", "Tapez un nombre.")])
    use_catalogs(tmp_path)
    with i18nkit.override("fr"):
        assert i18nkit.gettext("Enter a number.") == "Tapez un nombre."
        # What the app does not translate still comes from the package.
        assert i18nkit.gettext("“%(value)s” is not a valid date.") == (
            "« %(value)s » n’est pas une date valide."
        )


def test_app_locale_paths_merge_first_one_first(tmp_path: Path, use_catalogs) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_catalog(first, "de", [("Yes", "Ja (a)")])
    write_catalog(second, "de", [("Yes", "Ja (b)"), ("No", "Nein (b)")])
    use_catalogs(first, second)
    with i18nkit.override("de"):
        assert i18nkit.gettext("Yes") == "Ja (a)"
        assert i18nkit.gettext("No") == "Nein (b)"


def test_packages_can_be_left_out(tmp_path: Path, use_catalogs) -> None:
    use_catalogs(tmp_path, include_packages=False)
    with i18nkit.override("fr"):
        assert i18nkit.gettext("Enter a number.") == "Enter a number."


def test_locale_chain_pt_br_then_pt_then_default(tmp_path: Path, use_catalogs) -> None:
    write_catalog(tmp_path, "pt_BR", [("Bus", "Ônibus")])
    write_catalog(tmp_path, "pt", [("Bus", "Autocarro"), ("Train", "Comboio")])
    write_catalog(tmp_path, "de", [("Bus", "Bus (de)"), ("Train", "Zug"), ("Ship", "Schiff")])
    use_catalogs(tmp_path, default_language="de")
    with i18nkit.override("pt-br"):
        assert i18nkit.gettext("Bus") == "Ônibus"
        assert i18nkit.gettext("Train") == "Comboio"
        assert i18nkit.gettext("Ship") == "Schiff"
        assert i18nkit.gettext("Plane") == "Plane"
    with i18nkit.override("pt"):
        assert i18nkit.gettext("Bus") == "Autocarro"
    with i18nkit.override("it"):
        assert i18nkit.gettext("Train") == "Zug"


def test_a_source_falls_back_within_itself_before_the_next_source(
    tmp_path: Path, use_catalogs
) -> None:
    """The application's ``pt`` wins over a later source's ``pt_BR``, as in Django."""
    app, package = tmp_path / "app", tmp_path / "package"
    write_catalog(app, "pt", [("Save", "Salvar (app)")])
    write_catalog(package, "pt_BR", [("Save", "Salvar (package)"), ("Close", "Fechar")])
    write_catalog(package, "pt", [("Open", "Abrir")])
    use_catalogs(app, package, include_packages=False)
    with i18nkit.override("pt-br"):
        assert i18nkit.gettext("Save") == "Salvar (app)"
        assert i18nkit.gettext("Close") == "Fechar"
        assert i18nkit.gettext("Open") == "Abrir"
    with i18nkit.override("pt"):
        assert i18nkit.gettext("Close") == "Close"


def test_each_domain_has_its_own_catalogs_and_chain(tmp_path: Path, use_catalogs) -> None:
    write_catalog(tmp_path, "pt", [("Save", "Guardar")], domain="js")
    write_catalog(tmp_path, "pt", [("Save", "Salvar (messages)")])
    write_catalog(tmp_path, "pt_BR", [("Cancel", "Cancelar")], domain="js")
    use_catalogs(tmp_path)
    with i18nkit.override("pt-br"):
        assert i18nkit.dgettext("js", "Save") == "Guardar"
        assert i18nkit.dgettext("js", "Cancel") == "Cancelar"
        assert i18nkit.gettext("Save") == "Salvar (messages)"
        # No borrowing across domains.
        assert i18nkit.gettext("Cancel") == "Cancel"
        assert i18nkit.dgettext("nothing-here", "Save") == "Save"


def test_context_and_plural_with_context(tmp_path: Path, use_catalogs) -> None:
    write_catalog(
        tmp_path,
        "ru",
        [
            ("May", "мая", "month name"),
            ("May", "может", "verb"),
            (("%(n)d file", "%(n)d files"), ("%(n)d файл", "%(n)d файла", "%(n)d файлов")),
            (("%(n)d item", "%(n)d items"), ("%(n)d штука", "%(n)d штуки", "%(n)d штук"), "shop"),
        ],
    )
    use_catalogs(tmp_path)
    with i18nkit.override("ru"):
        assert i18nkit.pgettext("month name", "May") == "мая"
        assert i18nkit.pgettext("verb", "May") == "может"
        assert i18nkit.pgettext("other", "May") == "May"
        # Without context, not the context's translation (formkit's month name instead).
        assert i18nkit.gettext("May") != "мая"
        forms = [i18nkit.ngettext("%(n)d file", "%(n)d files", n) for n in (1, 2, 5, 11, 21, 22)]
        assert forms == [
            "%(n)d файл",
            "%(n)d файла",
            "%(n)d файлов",
            "%(n)d файлов",
            "%(n)d файл",
            "%(n)d файла",
        ]
        assert i18nkit.npgettext("shop", "%(n)d item", "%(n)d items", 3) == "%(n)d штуки"
        assert i18nkit.npgettext("other", "%(n)d item", "%(n)d items", 3) == "%(n)d items"
    assert i18nkit.npgettext("shop", "%(n)d item", "%(n)d items", 1) == "%(n)d item"


def test_deactivate_all_and_override_none() -> None:
    i18nkit.activate("fr")
    i18nkit.deactivate_all()
    assert i18nkit.get_language() is None
    assert i18nkit.gettext("Enter a number.") == "Enter a number."
    assert i18nkit.ngettext("a", "b", 2) == "b"
    assert i18nkit.pgettext("c", "a") == "a"
    assert i18nkit.npgettext("c", "a", "b", 1) == "a"
    i18nkit.activate("fr")
    with i18nkit.override(None):
        assert i18nkit.get_language() is None
        assert i18nkit.gettext("Enter a number.") == "Enter a number."
    assert i18nkit.get_language() == "fr"


def test_override_restores_nests_and_decorates() -> None:
    i18nkit.activate("de")
    ov = i18nkit.override("fr")

    @ov
    def inner(depth: int) -> list[str | None]:
        seen = [i18nkit.get_language()]
        if depth:
            with i18nkit.override("ja"):
                seen.append(i18nkit.get_language())
            seen += inner(depth - 1)  # the same override object, re-entered
        seen.append(i18nkit.get_language())
        return seen

    assert inner(1) == ["fr", "ja", "fr", "fr", "fr"]
    assert i18nkit.get_language() == "de"
    with pytest.raises(RuntimeError):
        with i18nkit.override("fr"):
            raise RuntimeError("boom")
    assert i18nkit.get_language() == "de"
    with i18nkit.override("fr", deactivate=True):
        pass
    assert i18nkit.get_language() == "en-us"


@pytest.mark.parametrize("bad", ["", "en us", "../../etc", "de;q=1", "x" * 20, "é"])
def test_invalid_language_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid language code"):
        i18nkit.activate(bad)
    with pytest.raises(ValueError, match="invalid language code"):
        i18nkit.override(bad)


def test_language_info_and_bidi() -> None:
    info = i18nkit.get_language_info("de")
    assert info["code"] == "de"
    assert info["name"] == "German"
    assert info["name_local"] == "Deutsch"
    assert info["bidi"] is False
    with i18nkit.override("fr"):
        assert i18nkit.get_language_info("de")["name_translated"] == "allemand"
    assert i18nkit.get_language_info("pt_BR")["code"] == "pt-br"
    assert i18nkit.get_language_info("ar")["bidi"] is True
    with pytest.raises(KeyError, match="Unknown language code xx"):
        i18nkit.get_language_info("xx")
    assert i18nkit.get_language_info("az")["bidi"] is False
    for lang, bidi in [("ar", True), ("he", True), ("fa", True), ("ur", True), ("fr", False)]:
        with i18nkit.override(lang):
            assert i18nkit.get_language_bidi() is bidi
    assert i18nkit.get_language_bidi() is False


def test_bidi_agrees_with_django_for_every_django_language(django_trans: object) -> None:
    from django.conf import global_settings
    from django.utils.translation import get_language_info as django_info

    # Django marks Azerbaijani right to left; CLDR (and Azerbaijan, since 1991)
    # writes it in Latin script, left to right. CLDR has no Udmurt locale.
    differs = {"az", "udm"}
    for code, _name in global_settings.LANGUAGES:
        if code in differs:
            continue
        assert i18nkit.get_language_info(code)["bidi"] is django_info(code)["bidi"], code
        assert i18nkit.get_language_info(code)["code"] == django_info(code)["code"], code


# "Enter a number." in the languages the threads and tasks use (i18nkit's catalogs).
ENTER_A_NUMBER = {
    "fr": "Saisissez un nombre.",
    "de": "Bitte eine Zahl eingeben.",
    "ja": "数値を入力してください。",
    "en": "Enter a number.",
}


def test_threads_each_keep_their_language() -> None:
    languages = ["fr", "en", "fr-ca", "de", "fr", "en-gb", "ja", "fr"] * 4
    barrier = threading.Barrier(len(languages))
    results: dict[int, tuple[str | None, str]] = {}

    def worker(i: int, lang: str) -> None:
        i18nkit.activate(lang)
        barrier.wait()  # every thread has activated before any reads
        for _ in range(50):
            got = (i18nkit.get_language(), i18nkit.gettext("Enter a number."))
        results[i] = got

    threads = [threading.Thread(target=worker, args=(i, lang)) for i, lang in enumerate(languages)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, lang in enumerate(languages):
        assert results[i] == (lang, ENTER_A_NUMBER[lang.partition("-")[0]])
    # Nothing leaked into the main thread.
    assert i18nkit.get_language() == "en-us"


def test_asyncio_tasks_each_keep_their_language() -> None:
    async def task(lang: str, started: asyncio.Event, go: asyncio.Event) -> list[str]:
        out = []
        with i18nkit.override(lang):
            started.set()
            await go.wait()
            for _ in range(5):
                out.append(i18nkit.gettext("Enter a number."))
                await asyncio.sleep(0)
        return out

    async def main() -> list[list[str]]:
        langs = ["fr", "en", "fr", "de"] * 5
        events = [asyncio.Event() for _ in langs]
        go = asyncio.Event()
        tasks = [
            asyncio.create_task(task(lang, ev, go)) for lang, ev in zip(langs, events, strict=True)
        ]
        for ev in events:
            await ev.wait()
        go.set()
        return list(await asyncio.gather(*tasks))

    results = asyncio.run(main())
    for i, out in enumerate(results):
        assert out == [ENTER_A_NUMBER[["fr", "en", "fr", "de"][i % 4]]] * 5
