"""Every package's messages are translated into eight languages, placeholders and plurals kept.

The messages are extracted from each package's sources now (Babel, as
``tools/i18n_catalogs.py`` does), so a message added without its translations
fails here; the committed ``.mo`` files must be what their ``.po`` compile to.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from manouche import i18nkit  # noqa: E402
from manouche.i18nkit.messages import extract_messages  # noqa: E402
from tools.i18n_catalogs import KEYWORDS, LANGUAGES, packages, problems, sources  # noqa: E402

PACKAGES = packages()

# Every package whose user-visible messages are marked and translated.
TRANSLATED = {
    "adminkit",
    "authkit",
    "formkit",
    "httpkit",
    "i18nkit",
    "orm-lite",
    "serial",
    "sitemaps",
    "sites",
    "syndication",
    "tplkit",
    "validation",
}


def test_the_translated_packages_ship_catalogs() -> None:
    assert set(PACKAGES) >= TRANSLATED


@pytest.mark.parametrize("name", sorted(PACKAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(name: str, language: str) -> None:
    mod = PACKAGES[name]
    template = extract_messages(sources(mod), keywords=KEYWORDS)
    assert len([m for m in template if m.id]) > 0, f"{name} marks no message"
    po = mod / "locale" / language / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"{name} has no {language} catalog"
    assert problems(po, template) == []


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_committed_mo_files_are_what_the_po_files_compile_to(name: str, tmp_path: Path) -> None:
    locale = PACKAGES[name] / "locale"
    pos = sorted(locale.rglob("*.po"))
    assert {p.parent.parent.name for p in pos} >= set(LANGUAGES)
    for po in pos:
        copy = tmp_path / po.relative_to(locale)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(po, copy)
        assert i18nkit.compile_catalog(copy).read_bytes() == po.with_suffix(".mo").read_bytes(), po


def test_the_check_finds_a_dropped_placeholder_a_missing_message_and_wrong_plurals(
    tmp_path: Path,
) -> None:
    # A placeholder dropped from one translation (a validator's message, in validation's).
    mod = PACKAGES["validation"]
    template = extract_messages(sources(mod), keywords=KEYWORDS)
    po = mod / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    broken = tmp_path / "messages.po"
    good = 'msgstr "Убедитесь, что это значение меньше либо равно %(limit_value)s."'
    assert good in text
    broken.write_text(text.replace(good, 'msgstr "Убедитесь, что это значение меньше."'), "utf-8")
    assert any("placeholders" in p for p in problems(broken, template))
    mod = PACKAGES["formkit"]
    template = extract_messages(sources(mod), keywords=KEYWORDS)
    po = mod / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    # A message removed.
    lines = text.split("\n\n")
    kept = [b for b in lines if 'msgid "Enter a whole number."' not in b]
    broken.write_text("\n\n".join(kept), "utf-8")
    assert any("'Enter a whole number.': missing" in p for p in problems(broken, template))
    # Russian with two plural forms.
    broken.write_text(text.replace("nplurals=3;", "nplurals=2;"), "utf-8")
    assert any("plural forms" in p for p in problems(broken, template))


@pytest.mark.parametrize(
    ("language", "count"),
    [
        ("de", 2),
        ("fr", 3),
        ("es", 3),
        ("pt_BR", 3),
        ("ru", 3),
        ("ar", 6),
        ("ja", 1),
        ("zh_Hans", 1),
    ],
)
def test_plural_form_counts(language: str, count: int) -> None:
    for mod in PACKAGES.values():
        po = mod / "locale" / language / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            assert read_po(fh).num_plurals == count, po


def _forms(language: str, singular: str) -> tuple[str, ...]:
    po = PACKAGES["formkit"] / "locale" / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        message = read_po(fh).get((singular, singular.replace("form.", "forms.")))
    assert message is not None
    return tuple(message.string)


@pytest.mark.parametrize(
    ("language", "by_number"),
    [
        ("ru", {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2, 111: 2}),
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}),
        ("fr", {0: 0, 1: 0, 2: 2, 1_000_000: 1, 2_000_000: 1, 1_000_001: 2}),
        ("es", {0: 2, 1: 0, 2: 2, 1_000_000: 1}),
        ("pt_BR", {0: 0, 1: 0, 2: 2, 1_000_000: 1}),
        ("de", {0: 1, 1: 0, 2: 1}),
        ("ja", {0: 0, 1: 0, 7: 0}),
    ],
)
def test_ngettext_picks_the_languages_plural_form(language: str, by_number: dict[int, int]) -> None:
    from manouche.formkit import translation

    singular = "Please submit at most %(num)d form."
    forms = _forms(language, singular)
    with i18nkit.override(language.replace("_", "-").lower()):
        for number, index in by_number.items():
            got = translation.ngettext(singular, "Please submit at most %(num)d forms.", number)
            assert got == forms[index], (language, number)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Bitte eine ganze Zahl eingeben."),
        ("ar", "أدخل رقما صحيحا."),
        ("zh-hans", "输入整数。"),
        ("en", "Enter a whole number."),
    ],
)
def test_a_formkit_error_in_the_active_language(language: str, expected: str) -> None:
    from manouche import formkit

    class Form(formkit.Form):
        n = formkit.IntegerField()

    with i18nkit.override(language):
        form = Form({"n": "x"})
        assert form.errors["n"] == [expected]


def test_httpkit_error_pages_in_the_active_language() -> None:
    import webob

    from manouche.httpkit import page_not_found

    request = webob.Request.blank("/missing")
    with i18nkit.override("de"):
        assert "<h1>Nicht gefunden (404)</h1>" in page_not_found(request, LookupError()).text
    with i18nkit.override("ar"):
        assert "غير موجود (404)" in page_not_found(request, LookupError()).text
    assert "<h1>Not Found (404)</h1>" in page_not_found(request, LookupError()).text


def test_authkit_password_validators_in_the_active_language() -> None:
    from manouche.authkit.password_validation import MinimumLengthValidator

    validator = MinimumLengthValidator(min_length=8)
    with i18nkit.override("ru"):
        assert validator.get_help_text() == ("Ваш пароль должен содержать как минимум 8 символов.")
    with i18nkit.override("ja"):
        assert "8" in validator.get_help_text() and "文字" in validator.get_help_text()


def test_authkit_csrf_failure_page_in_the_active_language() -> None:
    import webob

    from manouche.authkit.csrf import REASON_NO_CSRF_COOKIE, csrf_failure

    request = webob.Request.blank("/", method="POST")
    with i18nkit.override("de"):
        page = csrf_failure(request, REASON_NO_CSRF_COOKIE).text
    assert "<h1>Verboten (403)</h1>" in page
    assert "CSRF-Verifizierung fehlgeschlagen. Anfrage abgebrochen." in page
    english = csrf_failure(request, REASON_NO_CSRF_COOKIE).text
    assert "<h1>Forbidden (403)</h1>" in english


def test_orm_lite_model_validation_in_the_active_language() -> None:
    from manouche import orm_lite as models

    field = models.CharField(max_length=3)
    field.name = "code"
    messages = {}
    for language in ("en", "de", "ru", "ar"):
        with i18nkit.override(language), pytest.raises(models.ValidationError) as caught:
            field.clean("abcd", None)
        messages[language] = caught.value.messages[0]
    assert messages["en"] == "Ensure this value has at most 3 characters (it has 4)."
    assert messages["de"] == (
        "Bitte sicherstellen, dass der Wert aus höchstens 3 Zeichen besteht. "
        "(Er besteht aus 4 Zeichen.)"
    )
    assert messages["ru"] == "Убедитесь, что это значение содержит не более 3 символов (сейчас 4)."
    assert "3" in messages["ar"] and "4" in messages["ar"] and messages["ar"] != messages["en"]


def test_tplkit_humanize_in_the_active_language() -> None:
    import datetime as dt

    from manouche.tplkit.humanize import apnumber, intword, naturalday, naturaltime

    now = dt.datetime(2026, 12, 7, 12, 0)
    five_minutes = now - dt.timedelta(minutes=5)
    three_days = now - dt.timedelta(days=3, hours=2)
    assert naturaltime(five_minutes, now=now) == "5\xa0minutes ago"
    assert naturaltime(three_days, now=now) == "3\xa0days, 2\xa0hours ago"
    with i18nkit.override("de"):
        assert naturaltime(five_minutes, now=now) == "vor 5 Minuten"
        assert naturaltime(three_days, now=now) == "3\xa0Tage, 2\xa0Stunden her"
        assert intword(3_000_000_000) == "3,0 Milliarden"
        assert (apnumber(3), naturalday(now.date(), now=now)) == ("drei", "heute")
    with i18nkit.override("ru"):
        assert naturaltime(three_days, now=now) == "3\xa0дня, 2\xa0часа назад"
    with i18nkit.override("ja"):
        assert naturaltime(five_minutes, now=now) == "5分前"


def test_validation_messages_in_the_active_language_through_formkit_and_orm_lite() -> None:
    from manouche import formkit
    from manouche import orm_lite as models
    from manouche.validation import MaxValueValidator, ValidationError, validate_email

    with i18nkit.override("de"), pytest.raises(ValidationError) as caught:
        validate_email("nope")
    assert caught.value.messages == ["Bitte gültige E-Mail-Adresse eingeben."]
    with i18nkit.override("fr"), pytest.raises(ValidationError) as caught:
        MaxValueValidator(10)(11)
    assert caught.value.messages == ["Assurez-vous que cette valeur est inférieure ou égale à 10."]
    with pytest.raises(ValidationError) as caught:
        validate_email("nope")
    assert caught.value.messages == ["Enter a valid email address."]

    # formkit's and orm-lite's validators are validation's: translated through it.
    class Form(formkit.Form):
        email = formkit.EmailField()

    with i18nkit.override("ru"):
        assert Form({"email": "nope"}).errors["email"] == [
            "Введите правильный адрес электронной почты."
        ]
    field = models.EmailField()
    field.name = "email"
    with i18nkit.override("de"), pytest.raises(ValidationError) as caught:
        field.clean("nope", None)
    assert caught.value.messages == ["Bitte gültige E-Mail-Adresse eingeben."]
    assert caught.value.error_list[0].code == "invalid"


def test_validation_stays_english_without_i18nkit() -> None:
    import subprocess

    # validation depends on no sibling: with i18nkit unimportable it answers in
    # English, and importing it imports no i18nkit.
    code = (
        "import sys\n"
        "sys.modules['manouche.i18nkit'] = None\n"
        "from manouche.validation import validate_email, ValidationError\n"
        "from manouche.validation import _i18n\n"
        "try:\n"
        "    validate_email('nope')\n"
        "except ValidationError as e:\n"
        "    print(e.messages[0])\n"
        "print(_i18n._kit)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["Enter a valid email address.", "False"]
    lazy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, manouche.validation; print('manouche.i18nkit' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert lazy == "False"


def test_authkit_csrf_reasons_and_advice_in_the_active_language() -> None:
    import webob

    from manouche.authkit.csrf import REASON_BAD_REFERER, REASON_NO_CSRF_COOKIE, csrf_failure

    request = webob.Request.blank("/", method="POST")
    with i18nkit.override("de"):
        page = csrf_failure(request, REASON_NO_CSRF_COOKIE).text
        assert "<p>Grund: CSRF-Cookie nicht gesetzt.</p>" in page
        assert "CSRF-Cookie" in page.split("</p>", 2)[2]  # Django's advice, in German
        page = csrf_failure(request, REASON_BAD_REFERER % "https://evil.example/<x>").text
        assert (
            "Referer-Prüfung fehlgeschlagen - https://evil.example/&lt;x&gt; entspricht "
            "keinem vertrauenswürdigen Ursprung." in page
        )
    with i18nkit.override("ja"):
        assert (
            "CSRF クッキーが設定されていません。"
            in csrf_failure(request, REASON_NO_CSRF_COOKIE).text
        )
    english = csrf_failure(request, REASON_NO_CSRF_COOKIE).text
    assert "<p>Reason: CSRF cookie not set.</p>" in english
    assert "You are seeing this message because this site requires a CSRF cookie" in english
    # A reason of another making is shown as it is.
    assert "Reason: custom" in csrf_failure(request, "custom").text


def test_authkit_model_labels_in_the_active_language() -> None:
    from manouche.authkit.models import Group, User
    from manouche.authkit.sessions.models import Session

    with i18nkit.override("de"):
        assert str(User._meta.verbose_name_plural) == "Benutzer"
        assert str(User._meta.get_field("email").verbose_name) == "E-Mail-Adresse"
        assert str(Group._meta.verbose_name) == "Gruppe"
        assert str(Session._meta.verbose_name) == "Sitzung"
    with i18nkit.override("fr"):
        assert str(User._meta.get_field("is_staff").verbose_name) == "statut équipe"
    assert str(User._meta.verbose_name) == "user"


def test_httpkit_limit_details_in_the_active_language() -> None:
    import webob

    from manouche.httpkit import RequestBodyLimitMiddleware, RequestDataTooBig
    from manouche.httpkit.errors import request_too_large

    limited = RequestBodyLimitMiddleware.configure(max_body_size=10)(lambda r: webob.Response())
    request = webob.Request.blank("/", method="POST", body=b"x" * 11)
    with pytest.raises(RequestDataTooBig) as caught:
        limited(request)
    assert str(caught.value) == "The request body is larger than 10 bytes"
    with i18nkit.override("de"):
        page = request_too_large(request, caught.value).text
    assert "<p>Der Anfrageinhalt ist größer als 10 Bytes</p>" in page
    with i18nkit.override("ru"):
        assert "Тело запроса больше 10 байт" in request_too_large(request, caught.value).text
    assert "<p>The request body is larger than 10 bytes</p>" in (
        request_too_large(request, caught.value).text
    )


def test_sitemaps_page_errors_in_the_active_language() -> None:
    import webob

    from manouche.sitemaps import Sitemap, sitemap

    class Pages(Sitemap):
        def items(self) -> list[str]:
            return ["/a/"]

        def location(self, item: str) -> str:
            return item

    def page(query: str) -> str:
        request = webob.Request.blank(f"/sitemap.xml?{query}", base_url="http://testserver")
        response = request.get_response(sitemap(request, {"pages": Pages}))
        assert response.status_code == 404
        return str(response.text)

    with i18nkit.override("de"):
        assert "Seite 9 ist leer" in page("p=9")
        assert "Keine Seite „x“" in page("p=x")
    assert "Page 9 empty" in page("p=9")


def test_syndication_errors_in_the_active_language() -> None:
    import webob

    from manouche.syndication import Feed, FeedDoesNotExist

    class Missing(Feed):
        title = "t"
        link = "/"
        description = "d"

        def get_object(self, request: webob.Request, *args: object, **kwargs: object) -> object:
            raise FeedDoesNotExist

    def text(host: str) -> tuple[int, str]:
        request = webob.Request.blank("/feed/", headers={"Host": host})
        response = request.get_response(Missing()(request))
        return response.status_code, str(response.text)

    with i18nkit.override("de"):
        status, body = text("example.com")
        assert status == 404 and "Das Feed-Objekt existiert nicht." in body
        status, body = text("bad host")
        assert status == 400 and "Fehlerhafter Host-Header" in body
    assert "Feed object does not exist." in text("example.com")[1]
