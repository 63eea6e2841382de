"""Malformed requests to every URL of every example site: 4xx, never a 5xx or a traceback.

Each site is served for real (``manouche-serve``); the polls site on SQLite,
PostgreSQL and MariaDB. The cases are what a fuzzer or a hostile client sends:
forms in charsets other than UTF-8, broken multipart bodies, bad
percent-encoding, integers no column holds, odd methods and bad framing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.security._http import SECURITY_HEADERS, Reply, build, csrf_headers, request, send

FORM = "application/x-www-form-urlencoded"
MULTIPART_PART = b'--xx\r\nContent-Disposition: form-data; name="choice"\r\n\r\n1\r\n'


def multipart(parts: bytes, boundary: str = "xx") -> tuple[dict[str, str], bytes]:
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, parts


def _files(n: int) -> bytes:
    part = b'--xx\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n'
    return part * n + b"--xx--\r\n"


#: (name, method, headers, body): sent to every URL of a site.
BODY_CASES: list[tuple[str, str, dict[str, str], bytes]] = [
    ("latin-1 form", "POST", {"Content-Type": f"{FORM}; charset=latin-1"}, b"choice=%E9"),
    ("utf-16 form", "POST", {"Content-Type": f"{FORM}; charset=utf-16"}, b"choice=1"),
    (
        "utf-16 body",
        "POST",
        {"Content-Type": f"{FORM}; charset=utf-16"},
        "choice=1".encode("utf-16"),
    ),
    ("bogus charset", "POST", {"Content-Type": f"{FORM}; charset=bogus"}, b"choice=1"),
    ("huge charset", "POST", {"Content-Type": f"{FORM}; charset={'x' * 3000}"}, b"choice=1"),
    ("bad escapes in form", "POST", {"Content-Type": FORM}, b"choice=%ff%fe%&%zz=%c0%af&x=%00"),
    ("raw bytes in form", "POST", {"Content-Type": FORM}, b"choice=\xff\xfe\x00"),
    ("huge choice", "POST", {"Content-Type": FORM}, b"choice=" + b"9" * 50),
    ("negative choice", "POST", {"Content-Type": FORM}, b"choice=-9223372036854775809"),
    ("too many fields", "POST", {"Content-Type": FORM}, b"&".join([b"a=1"] * 1500)),
    ("multipart without boundary", "POST", {"Content-Type": "multipart/form-data"}, MULTIPART_PART),
    (
        "multipart with a huge boundary",
        "POST",
        {"Content-Type": "multipart/form-data; boundary=" + "b" * 2000},
        MULTIPART_PART,
    ),
    ("multipart truncated", "POST", *multipart(b"--xx\r\nContent-Disposition: form-da")),
    ("multipart garbage", "POST", *multipart(b"\x00\xff" * 100)),
    (
        "multipart bad part charset",
        "POST",
        *multipart(
            b'--xx\r\nContent-Disposition: form-data; name="choice"\r\n'
            b"Content-Type: text/plain; charset=bogus\r\n\r\n1\r\n--xx--\r\n"
        ),
    ),
    (
        "multipart bad base64",
        "POST",
        *multipart(
            b'--xx\r\nContent-Disposition: form-data; name="choice"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n1\r\n--xx--\r\n"
        ),
    ),
    ("multipart many files", "POST", *multipart(_files(150))),
    ("json body", "POST", {"Content-Type": "application/json"}, b'{"choice": '),
    ("bad content type", "POST", {"Content-Type": "\x00;;;=;charset"}, b"choice=1"),
    ("bad content length", "POST", {"Content-Type": FORM, "Content-Length": "abc"}, b""),
    ("negative content length", "POST", {"Content-Type": FORM, "Content-Length": "-5"}, b""),
    (
        "bad chunked body",
        "POST",
        {"Content-Type": FORM, "Transfer-Encoding": "chunked"},
        b"zz\r\nchoice=1\r\n0\r\n\r\n",
    ),
    ("TRACE", "TRACE", {}, b""),
    ("unknown method", "BREW", {}, b""),
    ("PROPFIND", "PROPFIND", {}, b""),
    ("DELETE", "DELETE", {}, b""),
    ("PUT form", "PUT", {"Content-Type": f"{FORM}; charset=utf-16"}, b"choice=1"),
    ("PATCH multipart", "PATCH", {"Content-Type": "multipart/form-data"}, b"x"),
    ("lower-case method", "get", {}, b""),
    ("OPTIONS", "OPTIONS", {}, b""),
]

#: (name, suffix appended to a URL): query strings and path damage.
QUERY_CASES = [
    ("bad escape in query", "?q=%ff"),
    ("broken escape in query", "?q=%&%zz=%c0%af"),
    ("NUL in query", "?q=%00"),
    ("many query fields", "?" + "&".join(["a=1"] * 1500)),
    ("secret in query", "?token=abc&password=x"),
]

POLLS_URLS = ["/", "/1/", "/1/results/", "/1/vote/", "/1", "/999999/"]
#: Integers beyond what a column holds, and paths that are not UTF-8.
POLLS_PATHS = [
    "/99999999999999999999999999/",
    "/99999999999999999999999999/results/",
    "/99999999999999999999999999/vote/",
    "/9223372036854775808/",
    "/9223372036854775807/",
    "/2147483648/",
    "/2147483648/vote/",
    "/-1/",
    "/%ff/",
    "/1%ff/",
    "/%c0%af/",
    "/1/%2e%2e/",
    "/" + "9" * 5000 + "/",
    "/%00/",
]
HELLO_URLS = ["/", "/hello/", "/api/time/", "/greet/", "/hello", "/nothing/"]
HELLO_PATHS = ["/%ff", "/hello/%ff", "/static/%ff", "/static/../app.py", "/static/%2e%2e/x"]
FLASK_URLS = ["/", "/bookmarks"]
FLASK_PATHS = ["/%ff", "/bookmarks%ff", "/99999999999999999999999"]


def check(reply: Reply, what: str) -> None:
    assert reply.status < 500, f"{what}: {reply.status}\n{reply.text()[:2000]}"
    text = reply.text()
    assert "Traceback" not in text and 'File "' not in text, f"{what}: a traceback"


def run_all(
    base: str, urls: list[str], paths: list[str], extra: Callable[[Reply, str], None]
) -> None:
    failures = []
    for url in urls:
        for name, method, headers, body in BODY_CASES:
            what = f"{name}: {method} {url}"
            try:
                reply = request(base, method, url, headers, body)
                check(reply, what)
                extra(reply, what)
            except (AssertionError, OSError) as exc:
                failures.append(f"{what}: {exc!r}"[:3000])
        for name, suffix in QUERY_CASES:
            what = f"{name}: GET {url}{suffix[:40]}"
            try:
                reply = request(base, "GET", url + suffix)
                check(reply, what)
                extra(reply, what)
            except (AssertionError, OSError) as exc:
                failures.append(f"{what}: {exc!r}"[:3000])
    for path in paths:
        for method in ("GET", "POST"):
            what = f"{method} {path[:60]}"
            try:
                reply = request(base, method, path, {"Content-Type": FORM}, b"choice=1")
                check(reply, what)
                extra(reply, what)
            except (AssertionError, OSError) as exc:
                failures.append(f"{what}: {exc!r}"[:3000])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def httpkit_headers(reply: Reply, what: str) -> None:
    """httpkit sites: every answer carries the security headers, error pages included."""
    for name in SECURITY_HEADERS:
        assert name in reply.headers, f"{what}: {reply.status} without {name}"


def test_polls_answers_malformed_requests_with_4xx(polls: str) -> None:
    run_all(polls, POLLS_URLS, POLLS_PATHS, httpkit_headers)


def test_hello_answers_malformed_requests_with_4xx(hello: str) -> None:
    run_all(hello, HELLO_URLS, HELLO_PATHS, httpkit_headers)


def test_flask_mix_answers_malformed_requests_with_4xx(flask_mix: str) -> None:
    run_all(flask_mix, FLASK_URLS, FLASK_PATHS, lambda reply, what: None)


@pytest.mark.parametrize(
    "path", ["/99999999999999999999999999/", "/9223372036854775808/results/", "/2147483648/"]
)
def test_polls_huge_integers_are_404_as_in_django(polls: str, path: str) -> None:
    # Django's site answers 404 (its ORM finds no row for a number no column holds).
    assert request(polls, "GET", path).status == 404


def test_append_slash_never_redirects_to_an_error(polls: str) -> None:
    for path in ("/99999999999999999999999999", "/2147483648", "/1"):
        reply = request(polls, "GET", path)
        if reply.status == 301:
            target = reply.headers["location"]
            assert request(polls, "GET", target).status < 400, f"{path} -> {target}"
        else:
            assert reply.status == 404, path


@pytest.mark.parametrize("url", ["/", "/1/", "/1/results/"])
@pytest.mark.parametrize("method", ["TRACE", "BREW", "DELETE", "PUT", "POST"])
def test_polls_pages_answer_only_their_methods(polls: str, url: str, method: str) -> None:
    # With the page's CSRF token the request reaches the URL map: 405 and Allow.
    reply = request(polls, method, url, csrf_headers(polls))
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, HEAD"
    assert request(polls, "HEAD", url).status == 200
    # Without it an unsafe method stops at the CSRF check first, as in Django.
    refused = request(polls, method, url)
    assert refused.status == (405 if method == "TRACE" else 403)


def test_polls_vote_is_post_only(polls: str) -> None:
    for method in ("GET", "TRACE", "PUT"):
        reply = request(polls, method, "/1/vote/", csrf_headers(polls))
        assert reply.status == 405 and reply.headers["allow"] == "POST"


@pytest.mark.parametrize("url", ["/", "/hello/", "/api/time/"])
def test_hello_pages_refuse_trace(hello: str, url: str) -> None:
    reply = request(hello, "TRACE", url)
    assert reply.status == 405 and "GET" in reply.headers["allow"]


@pytest.mark.parametrize(
    ("charset", "status"), [("latin-1", 400), ("utf-16", 400), ("bogus", 400), ("utf-8", 303)]
)
def test_polls_vote_in_a_charset(polls: str, charset: str, status: int) -> None:
    # Django 6.0 refuses forms in any charset but UTF-8 (400); an unknown name too, here.
    headers = {"Content-Type": f"{FORM}; charset={charset}", **csrf_headers(polls)}
    reply = request(polls, "POST", "/1/vote/", headers, b"choice=1")
    assert reply.status == status, reply.text()
    if status == 400:
        assert "charset" in reply.text() or "UTF-8" in reply.text()


def test_polls_too_many_fields_names_the_limit(polls: str) -> None:
    csrf = csrf_headers(polls)
    fields = b"&".join([b"a=1"] * 101)
    reply = request(polls, "POST", "/1/vote/", {"Content-Type": FORM, **csrf}, fields)
    assert reply.status == 400 and "max_number_fields" in reply.text()
    headers, body = multipart(_files(1))
    reply = request(polls, "POST", "/1/vote/", {**headers, **csrf}, body)
    assert reply.status == 400 and "max_number_files" in reply.text()


def test_oversize_body_is_413_with_headers(polls: str) -> None:
    reply = send(
        polls, build("POST", "/1/vote/", {"Content-Type": FORM}, b"choice=1&" + b"x" * 70_000)
    )
    assert reply.status == 413
    httpkit_headers(reply, "413")


def test_huge_integers_answer_as_djangos_site(polls: str) -> None:
    import json
    import subprocess
    import sys

    pytest.importorskip("django")
    paths = [
        "/99999999999999999999999999/",
        "/9223372036854775808/",
        "/9223372036854775808/results/",
        "/18446744073709551616/",
    ]
    # (Without the slash Django redirects to the slashed URL, which is then a 404:
    # its resolver matches any digits. Here the URL matches nothing, so a 404 at once.)
    out = subprocess.run(
        [sys.executable, "-m", "tests.security._django_ints", *paths],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    django_statuses = json.loads(out)
    ours = {p: request(polls, "GET", p).status for p in paths}
    assert ours == django_statuses
    assert set(ours.values()) == {404}


def test_malformed_requests_among_concurrent_votes_lose_no_vote(polls: str) -> None:
    """Valid votes and malformed ones from many clients at once: each 303 is one stored vote."""
    import re
    import threading

    bad = [case for case in BODY_CASES if case[1] == "POST"]
    acknowledged = [0] * 8
    errors: list[str] = []
    barrier = threading.Barrier(8)

    def tally() -> int:
        page = request(polls, "GET", "/3/results/").text()
        return sum(int(n) for n in re.findall(r'<span class="votes">(\d+)</span>', page))

    before = tally()

    def client(index: int) -> None:
        csrf = csrf_headers(polls, "/3/")  # each client is a browser with its own token
        barrier.wait()
        for round_ in range(10):
            name, method, headers, body = bad[(index * 10 + round_) % len(bad)]
            try:
                reply = request(polls, method, "/3/vote/", {**headers, **csrf}, body)
                if reply.status >= 500:
                    errors.append(f"{name}: {reply.status}")
                valid = {"Content-Type": FORM, **csrf}
                vote = request(polls, "POST", "/3/vote/", valid, b"choice=7")
            except OSError as exc:
                errors.append(f"{name}: {exc!r}")
                continue
            if vote.status == 303:
                acknowledged[index] += 1
            else:
                errors.append(f"valid vote after {name}: {vote.status}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(acknowledged) == 80
    assert tally() - before == sum(acknowledged)
