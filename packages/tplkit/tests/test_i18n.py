"""Translations: Jinja2's i18n extension fed by any gettext translations object."""

from __future__ import annotations

import gettext
import io
import struct
from typing import Any

import pytest

from manouche.tplkit import create_environment, install_translations


def compiled_catalog(messages: dict[str, str | tuple[str, ...]]) -> bytes:
    """A GNU .mo file holding ``messages`` (plural entries keyed by "singular\\0plural")."""
    entries = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    }
    for key, value in messages.items():
        entries[key] = value if isinstance(value, str) else "\0".join(value)
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), entries[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    start = 7 * 4
    table = start + len(keys) * 16
    ids_at = table
    strs_at = ids_at + len(ids)
    out = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), start, start + len(keys) * 8, 0, 0)
    for o, ln, _, _ in offsets:
        out += struct.pack("ii", ln, ids_at + o)
    for _, _, o, ln in offsets:
        out += struct.pack("ii", ln, strs_at + o)
    return out + ids + strs


@pytest.fixture
def translations() -> gettext.GNUTranslations:
    data = compiled_catalog(
        {
            "Hello %(name)s": "Bonjour %(name)s",
            "Welcome": "Bienvenue",
            "%(num)d apple\0%(num)d apples": ("%(num)d pomme", "%(num)d pommes"),
            "%(count)s apple\0%(count)s apples": ("%(count)s pomme", "%(count)s pommes"),
        }
    )
    return gettext.GNUTranslations(io.BytesIO(data))


def test_trans_blocks_and_functions(translations: gettext.GNUTranslations) -> None:
    env = create_environment(translations=translations)
    out = env.from_string(
        "{% trans %}Welcome{% endtrans %}|{{ _('Welcome') }}"
        "|{{ gettext('Hello %(name)s', name=who) }}"
        "|{% trans count=n %}{{ count }} apple{% pluralize %}{{ count }} apples{% endtrans %}"
        "|{{ ngettext('%(num)d apple', '%(num)d apples', 1) }}|{{ _('Untranslated') }}"
    ).render(who="Ann", n=3)
    assert out == "Bienvenue|Bienvenue|Bonjour Ann|3 pommes|1 pomme|Untranslated"


def test_translated_placeholders_are_escaped(translations: gettext.GNUTranslations) -> None:
    env = create_environment(translations=translations)
    out = env.from_string(
        "{{ _('Hello %(name)s', name=who) }}|{% trans %}Hello {{ who }}{% endtrans %}"
    )
    assert out.render(who="<script>") == "Bonjour &lt;script&gt;|Hello &lt;script&gt;"


def test_any_object_with_gettext_methods(translations: gettext.GNUTranslations) -> None:
    class Shouting:
        def gettext(self, message: str) -> str:
            return message.upper()

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return (singular if n == 1 else plural).upper()

    env = create_environment(translations=Shouting())
    assert env.from_string("{% trans %}hi{% endtrans %} {{ _('there') }}").render() == "HI THERE"
    null = create_environment(translations=gettext.NullTranslations())
    assert null.from_string("{% trans %}hi{% endtrans %}").render() == "hi"


def test_translations_chosen_per_request(translations: gettext.GNUTranslations) -> None:
    import webob

    def select(request: Any) -> Any:
        return translations if request.headers.get("Accept-Language") == "fr" else None

    env = create_environment(translations=select)
    tmpl = "{% trans %}Welcome{% endtrans %} {{ ngettext('%(num)d apple', '%(num)d apples', 2) }}"
    fr = webob.Request.blank("/", headers={"Accept-Language": "fr"})
    en = webob.Request.blank("/", headers={"Accept-Language": "en"})
    assert env.from_string(tmpl).render(request=fr) == "Bienvenue 2 pommes"
    assert env.from_string(tmpl).render(request=en) == "Welcome 2 apples"
    assert env.from_string(tmpl).render() == "Welcome 2 apples"
    ctx = "{{ pgettext('menu', 'Welcome') }} {{ npgettext('m', 'a', 'b', 1) }}"
    assert env.from_string(ctx).render(request=fr) == "Welcome a"
    assert env.render_to_string(env.from_string("{{ _('Welcome') }}"), request=fr) == "Bienvenue"


def test_bad_translations_object() -> None:
    with pytest.raises(TypeError, match="gettext"):
        install_translations(create_environment(), 42)
