"""The polls API example: token and session auth in-process, then fuzzed over real HTTP.

The fuzz test serves the example with manouche-serve (waitress) and lets
schemathesis generate requests for every operation of the API's own OpenAPI
document: no response may be a 5xx, and every response must conform to the
document (status code, content type, body schema).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._serve import BIN, serving

webtest = pytest.importorskip("webtest")
schemathesis = pytest.importorskip("schemathesis")

SERVE = [str(BIN / "manouche-serve"), "examples.polls_api.app:application", "--host", "127.0.0.1"]
SERVING_ON = r"Serving on (http://127\.0\.0\.1:\d+/)"


def _make_user(url: str) -> None:
    from manouche import orm_lite as models
    from manouche.authkit import User

    db = models.Database(url)
    with db.atomic():
        if not User.objects.using(db).filter(username="alice").exists():
            User.objects.db_manager(db).create_user("alice", password="correct horse")
    db.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[webtest.TestApp]:
    from examples.polls_api.app import create_app

    url = f"sqlite:///{tmp_path / 'api.sqlite3'}"
    app = create_app(url)
    _make_user(url)
    yield webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})


def test_token_auth_flow(site: webtest.TestApp) -> None:
    questions = site.get("/api/questions/").json
    assert questions["count"] == 3
    first = questions["results"][0]
    assert set(first) == {"url", "id", "question_text", "pub_date", "choices", "total_votes"}
    site.post_json("/api/questions/", {"question_text": "Nope?"}, status=401)
    bad = site.post_json("/api/token/", {"username": "alice", "password": "wrong"}, status=400)
    assert bad.json == {"non_field_errors": ["Unable to log in with provided credentials."]}
    token = site.post_json("/api/token/", {"username": "alice", "password": "correct horse"}).json[
        "token"
    ]
    auth = {"Authorization": f"Token {token}"}
    created = site.post_json("/api/questions/", {"question_text": "Cats or dogs?"}, headers=auth,
                             status=201).json  # fmt: skip
    choice = site.post_json(
        "/api/choices/",
        {"question": created["id"], "choice_text": "Cats"},
        headers=auth,
        status=201,
    ).json
    assert site.post(f"/api/choices/{choice['id']}/vote/", headers=auth).json == {"votes": 1}
    assert site.post(f"/api/choices/{choice['id']}/vote/", headers=auth).json == {"votes": 2}
    detail = site.get(f"/api/questions/{created['id']}/").json
    assert detail["total_votes"] == 2
    assert detail["choices"] == [{"id": choice["id"], "choice_text": "Cats", "votes": 2}]
    assert site.get(f"/api/choices/?question={created['id']}").json["count"] == 1


def test_session_auth_needs_csrf(site: webtest.TestApp) -> None:
    res = site.post_json("/api/session/", {"username": "alice", "password": "correct horse"})
    csrf = res.json["csrf_token"]
    assert "sessionid" in site.cookies
    res = site.post_json("/api/questions/", {"question_text": "Session?"}, status=403)
    assert res.json["detail"].startswith("CSRF Failed: ")
    res = site.post_json(
        "/api/questions/", {"question_text": "Session?"}, headers={"X-CSRFToken": csrf}, status=201
    )
    assert res.json["question_text"] == "Session?"
    # A token request is not a session request: no CSRF token needed.
    site.cookiejar.clear()
    site.post_json("/api/questions/", {"question_text": "Anon?"}, status=401)


def test_openapi_document_validates(site: webtest.TestApp) -> None:
    from openapi_spec_validator import validate

    doc = site.get("/api/openapi.json").json
    validate(doc)
    assert {
        "/api/questions/", "/api/questions/{pk}/", "/api/choices/{pk}/vote/", "/api/token/",
    } <= set(doc["paths"])  # fmt: skip
    page = site.get("/api/docs/")
    assert "Polls API" in page.text and "<script" not in page.text


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db = tmp_path_factory.mktemp("fuzz") / "api.sqlite3"
    url = f"sqlite:///{db}"
    from examples.polls_api.app import create_app

    create_app(url)  # migrate and seed before the server starts
    _make_user(url)
    with serving([*SERVE, "--port", "0"], SERVING_ON, env={"DATABASE_URL": url}) as base:
        body = json.dumps({"username": "alice", "password": "correct horse"}).encode()
        request = urllib.request.Request(
            base + "/api/token/", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            token = json.load(response)["token"]
        yield base, token


def test_fuzz_against_own_document(served: tuple[str, str]) -> None:
    """Every operation, positive and negative data: no 5xx, every response as documented."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    base, token = served
    schema = schemathesis.openapi.from_url(base + "/api/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    failures: list[str] = []
    operations = 0
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in modes:
            failure = _fuzz(operation, mode, base, token, checks)
            if failure:
                failures.append(failure)
    assert operations >= 12
    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, mode: Any, base: str, token: str, checks: list[Any]) -> str | None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        headers = {"Authorization": f"Token {token}"} if case.method != "GET" else None
        case.call_and_validate(base_url=base, headers=headers, checks=checks)

    try:
        run()
    except Unsatisfiable:  # no input to make invalid (an operation with no parameters)
        return None
    except Exception as exc:  # every operation's failure is reported, not just the first
        return f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"
    return None
