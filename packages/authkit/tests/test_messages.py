"""Messages: shown once, levels and tags, cookie and session storage, Django's cookie format."""

from __future__ import annotations

import pytest
import webob
from cachelib import SimpleCache
from webtest import TestApp

from manouche.authkit import messages, sessions
from manouche.httpkit import make_wsgi_app
from manouche.testsupport import TEST_SECRET_KEY as SECRET


def view(request: webob.Request) -> webob.Response:
    if request.path_info == "/add":
        messages.success(request, "Saved.")
        messages.info(request, "Note <b>", extra_tags="note")
        messages.debug(request, "hidden below INFO")
        return webob.Response("added")
    if request.path_info == "/many":
        for i in range(int(request.GET["n"])):
            messages.warning(request, f"message number {i} " + "x" * 40)
        return webob.Response("many")
    shown = [(m.tags, str(m)) for m in messages.get_messages(request)]
    return webob.Response(repr(shown))


def client(storage: type[messages.BaseStorage]) -> TestApp:
    engine = sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET)
    options = {} if storage is messages.SessionStorage else {"secret_key": SECRET}
    return TestApp(
        make_wsgi_app(
            view,
            [
                sessions.SessionMiddleware.configure(engine=engine),
                messages.MessageMiddleware.configure(storage=storage, **options),
            ],
        )
    )


@pytest.mark.parametrize(
    "storage", [messages.CookieStorage, messages.SessionStorage, messages.FallbackStorage]
)
def test_shown_once_with_levels_and_tags(storage: type[messages.BaseStorage]) -> None:
    c = client(storage)
    c.get("/add")
    assert c.get("/show").text == repr([("success", "Saved."), ("note info", "Note <b>")])
    assert c.get("/show").text == "[]"


def test_fallback_puts_the_overflow_in_the_session() -> None:
    c = client(messages.FallbackStorage)
    c.get("/many?n=60")
    assert len(c.cookies["messages"]) <= 2048 + 20
    shown = eval(c.get("/show").text)  # noqa: S307 - our own repr of a list of tuples
    assert [text for _, text in shown] == [f"message number {i} " + "x" * 40 for i in range(60)]


def test_tampered_cookie_is_ignored() -> None:
    c = client(messages.CookieStorage)
    c.get("/add")
    value = c.cookies["messages"].strip('"')
    c.set_cookie("messages", value[:-3] + "abc")
    assert c.get("/show").text == "[]"


def test_djangos_cookie_format_both_ways() -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message as DjMessage
    from django.contrib.messages.storage.cookie import CookieStorage as DjCookie
    from django.test import RequestFactory

    dj = DjCookie(RequestFactory().get("/"))
    encoded = dj._encode([DjMessage(constants.ERROR, "Boom", "x"), DjMessage(constants.INFO, "ok")])
    request = webob.Request.blank("/", headers={"Cookie": f"messages={encoded}"})
    ours = messages.CookieStorage(request, secret_key=SECRET)
    assert [(m.level, m.message, m.extra_tags) for m in ours] == [
        (40, "Boom", "x"),
        (20, "ok", None),
    ]
    mine = ours._encode_cookie([messages.Message(25, "Done", "big")])
    decoded = dj._decode(mine)
    assert [(m.level, m.message, m.extra_tags) for m in decoded] == [(25, "Done", "big")]


def test_api_without_middleware_and_levels() -> None:
    request = webob.Request.blank("/")
    with pytest.raises(messages.MessageFailure):
        messages.error(request, "x")
    messages.error(request, "x", fail_silently=True)
    assert messages.get_messages(request) == []
    assert not messages.set_level(request, messages.DEBUG)
    request.environ["manouche.messages"] = messages.CookieStorage(request, secret_key=SECRET)
    assert messages.set_level(request, messages.DEBUG)
    assert messages.get_level(request) == messages.DEBUG
    messages.debug(request, "now shown")
    assert len(request.environ["manouche.messages"]) == 1
    assert messages.Message(20, "a") == messages.Message(20, "a")
    with pytest.raises(ValueError, match="secret_key"):
        messages.MessageMiddleware.configure()
