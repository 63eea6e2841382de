"""The README's blocks run as written, and its app answers at the URL manouche-serve prints."""

from __future__ import annotations

import wsgiref.util
from pathlib import Path

import pytest

from manouche.testkit.readme import run_readme

README = Path(__file__).parents[1] / "README.md"


def test_readme_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_readme(README)


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
def test_the_example_answers_where_the_server_says_it_serves(host: str) -> None:
    application = run_readme(README).application
    environ: dict[str, object] = {"HTTP_HOST": host, "PATH_INFO": "/", "REQUEST_METHOD": "GET"}
    wsgiref.util.setup_testing_defaults(environ)
    statuses: list[str] = []
    body = b"".join(application(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert b"<h1>Hello</h1>" in body
