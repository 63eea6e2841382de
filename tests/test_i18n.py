"""i18nkit across packages: templates, lazy strings in class bodies, localized form input."""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from manouche import formkit, i18nkit
from manouche.tplkit import create_environment

TEMPLATE = (
    "{% trans %}Your name{% endtrans %}"
    "|{% trans count=n %}{{ count }} vote{% pluralize %}{{ count }} votes{% endtrans %}"
    '|{{ _("Enter a number.") }}'
)

OWN = {
    "de": {
        "Your name": "Ihr Name",
        "%(count)s vote": ("%(count)s Stimme", "%(count)s Stimmen"),
    },
    "ar": {
        "Your name": "اسمك",
        "%(count)s vote": tuple(
            f"{form} %(count)s" for form in "صفر واحد اثنان قليل كثير آخر".split()
        ),
    },
}


@pytest.fixture
def app_catalogs(tmp_path: Path) -> Iterator[Path]:
    """The workflow of an application: templates and code, makemessages, translate, compile."""
    src = tmp_path / "app"
    (src / "templates").mkdir(parents=True)
    (src / "templates" / "page.html").write_text(TEMPLATE, encoding="utf-8")
    (src / "forms.py").write_text(
        "from manouche.i18nkit import gettext_lazy as _\nLABEL = _('Your name')\n", "utf-8"
    )
    locale = tmp_path / "locale"
    for po in i18nkit.makemessages(locale, [src], ["de", "ar"]):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in OWN[po.parent.parent.name]:
                message.string = OWN[po.parent.parent.name][key]
        with po.open("wb") as fh:
            write_po(fh, catalog)
    i18nkit.compilemessages([locale])
    previous = i18nkit.set_catalogs(i18nkit.Catalogs([locale]))
    yield src
    i18nkit.set_catalogs(previous)


def test_template_trans_blocks_in_the_active_language(app_catalogs: Path) -> None:
    env = create_environment(
        dirs=[app_catalogs / "templates"], translations=i18nkit.active_translations
    )
    page = env.get_template("page.html")
    assert page.render(n=1) == "Your name|1 vote|Enter a number."
    with i18nkit.override("de"):
        assert page.render(n=3) == "Ihr Name|3 Stimmen|Bitte eine Zahl eingeben."
    with i18nkit.override("ar"):
        # Arabic's six forms: 0, 1, 2, 3-10, 11-99, 100-102.
        forms = [page.render(n=n).split("|")[1] for n in (0, 1, 2, 5, 11, 100)]
        assert [f.split()[0] for f in forms] == "صفر واحد اثنان قليل كثير آخر".split()
        assert page.render(n=1).startswith("اسمك|")


class ContactForm(formkit.Form):
    name = formkit.CharField(label=i18nkit.gettext_lazy("Your name"), max_length=5)
    age = formkit.IntegerField()


EXPECTED = {
    "de": ("Ihr Name", "Dieses Feld ist zwingend erforderlich.", "Ganze Zahl eingeben."),
    "ar": ("اسمك", "هذا الحقل مطلوب.", "أدخل رقما صحيحا."),
}


def _render(language: str) -> tuple[str, str, str]:
    form = ContactForm({"name": "", "age": "x"})
    assert not form.is_valid()
    return str(form["name"].label), form.errors["name"][0], form.errors["age"][0]


def test_lazy_labels_and_errors_per_thread(app_catalogs: Path) -> None:
    for language, expected in EXPECTED.items():
        with i18nkit.override(language):
            got = _render(language)
        assert got[:2] == expected[:2]
    # The real formkit texts, whatever Django's wording is for the integer error.
    expected_now = {}
    for language in EXPECTED:
        with i18nkit.override(language):
            expected_now[language] = _render(language)
    barrier = threading.Barrier(2)
    results: dict[str, list[tuple[str, str, str]]] = {}

    def worker(language: str) -> None:
        with i18nkit.override(language):
            barrier.wait()
            results[language] = [_render(language) for _ in range(100)]

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ("de", "ar")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for language, seen in results.items():
        assert seen == [expected_now[language]] * 100


def test_lazy_labels_and_errors_per_asyncio_task(app_catalogs: Path) -> None:
    async def task(language: str, go: asyncio.Event) -> list[tuple[str, str, str]]:
        out = []
        with i18nkit.override(language):
            await go.wait()
            for _ in range(20):
                out.append(_render(language))
                await asyncio.sleep(0)  # the other task runs in between
        return out

    async def main() -> tuple[list[tuple[str, str, str]], ...]:
        go = asyncio.Event()
        tasks = [asyncio.create_task(task(lang, go)) for lang in ("de", "ar")]
        await asyncio.sleep(0)
        go.set()
        return tuple(await asyncio.gather(*tasks))

    german, arabic = asyncio.run(main())
    assert {r[:2] for r in german} == {EXPECTED["de"][:2]}
    assert {r[:2] for r in arabic} == {EXPECTED["ar"][:2]}
    assert i18nkit.get_language() == "en-us"


class PriceForm(formkit.Form):
    price = formkit.DecimalField(localize=True, max_digits=10, decimal_places=2)
    count = formkit.IntegerField(localize=True)
    day = formkit.DateField(localize=True)
    plain = formkit.DecimalField(required=False)


def test_localized_input_in_german() -> None:
    with i18nkit.override("de"):
        form = PriceForm({"price": "1.234,50", "count": "1.000", "day": "24.12.2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["price"] == Decimal("1234.50")
        assert form.cleaned_data["count"] == 1000
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 24)
        # Not localized: German notation is not a number.
        form = PriceForm({"price": "1", "count": "1", "day": "24.12.2026", "plain": "1,5"})
        assert form.errors["plain"] == ["Bitte eine Zahl eingeben."]
        # Shown for editing in German notation; a text input, not type=number.
        initial = PriceForm(initial={"price": Decimal("1234.5"), "day": datetime.date(2026, 3, 1)})
        html = str(initial["price"])
        assert 'value="1234,5"' in html and 'type="text"' in html
        assert 'value="01.03.2026"' in str(initial["day"])
        bad = PriceForm({"price": "12,3,4", "count": "x", "day": "31.02.2026"})
        assert bad.errors["price"] == ["Bitte eine Zahl eingeben."]
        assert bad.errors["day"] == ["Bitte ein gültiges Datum eingeben."]
    with i18nkit.override("en"):
        form = PriceForm({"price": "1,234.50", "count": "1,000", "day": "12/24/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["price"] == Decimal("1234.50")
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 24)
        # ISO input still read.
        assert PriceForm({"price": "3.5", "count": "2", "day": "2026-12-24"}).is_valid()


MODEL_LABELS = {
    "de": {
        "title": "Titel",
        "article": "Artikel",
        "articles": "Artikel (Plural)",
        "Words of the article.": "Worte des Artikels.",
    },
    "fr": {"title": "titre", "article": "article", "articles": "articles"},
}


@pytest.fixture
def label_catalogs(tmp_path: Path) -> Iterator[None]:
    """An application's catalog with its models' verbose names in German and French."""
    from babel.messages.catalog import Catalog

    for language, messages in MODEL_LABELS.items():
        catalog = Catalog(locale=language)
        for msgid, text in messages.items():
            catalog.add(msgid, text)
        po = tmp_path / "locale" / language / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        with po.open("wb") as fh:
            write_po(fh, catalog)
    i18nkit.compilemessages([tmp_path / "locale"])
    previous = i18nkit.set_catalogs(i18nkit.Catalogs([tmp_path / "locale"]))
    yield
    i18nkit.set_catalogs(previous)


def test_lazy_verbose_names_of_models_in_each_language(label_catalogs: None) -> None:
    from manouche import orm_lite as models
    from manouche.i18nkit import gettext_lazy as _
    from manouche.validation import describe_model

    class Article(models.Model):
        title = models.CharField(_("title"), max_length=20)
        body = models.TextField(help_text=_("Words of the article."))

        class Meta:
            app_label = "labels"
            verbose_name = _("article")

    class Edition(models.Model):
        number = models.IntegerField()

        class Meta:
            app_label = "labels"
            verbose_name = _("article")
            verbose_name_plural = _("articles")

    class ArticleForm(formkit.ModelForm):
        class Meta:
            model = Article
            fields = ["title", "body"]

    # Described once (cached), shown in the language of each moment.
    info = describe_model(Article)
    seen = {}
    for language in ("de", "fr", "en"):
        with i18nkit.override(language):
            form = ArticleForm()
            seen[language] = (
                str(form["title"].label),
                str(form["body"].help_text),
                str(Article._meta.verbose_name),
                str(Article._meta.verbose_name_plural),
                f"{Edition._meta.verbose_name_plural}",
                str(info.verbose_name),
                str(info.by_name["title"].verbose_name),
                str(Article._meta.get_field("title").verbose_name).capitalize(),
            )
    assert seen["de"] == (
        "Titel",
        "Worte des Artikels.",
        "Artikel",
        "Artikels",
        "Artikel (Plural)",
        "Artikel",
        "Titel",
        "Titel",
    )
    assert seen["fr"][:4] == ("Titre", "Words of the article.", "article", "articles")
    assert seen["en"] == (
        "Title",
        "Words of the article.",
        "article",
        "articles",
        "articles",
        "article",
        "title",
        "Title",
    )


def test_lazy_verbose_names_in_the_admin_and_the_api(label_catalogs: None) -> None:
    from manouche import adminkit
    from manouche import orm_lite as models
    from manouche.i18nkit import gettext_lazy as _
    from manouche.restkit.serializers import ModelSerializer

    class Entry(models.Model):
        title = models.CharField(_("title"), max_length=20)

        class Meta:
            app_label = "labelsadmin"
            verbose_name = _("article")
            verbose_name_plural = _("articles")

    class EntrySerializer(ModelSerializer):
        class Meta:
            model = Entry
            fields = ["title"]

    opts = adminkit.ModelAdmin(Entry, adminkit.AdminSite()).opts
    with i18nkit.override("de"):
        assert str(opts.verbose_name) == "Artikel"
        assert str(opts.verbose_name_plural) == "Artikel (Plural)"
        assert str(EntrySerializer().fields["title"].label) == "Titel"
    with i18nkit.override("fr"):
        assert str(opts.verbose_name_plural) == "articles"
        assert str(EntrySerializer().fields["title"].label) == "Titre"
    assert str(opts.verbose_name) == "article"
    assert str(EntrySerializer().fields["title"].label) == "Title"
