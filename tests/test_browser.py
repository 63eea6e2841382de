"""The polls site in a real browser: Debian's Chromium driven by Playwright.

A person's path through the site: vote on a question (the form carries its
CSRF token), see the result, try to add a poll, get sent to the login page,
log in, come back to the form through ``?next=``, add the poll and vote on it.
Screenshots of each step land in the test's temporary folder.

Skipped, naming what is missing, when Playwright or Chromium is not installed
(``.ci/run`` installs both).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._serve import BIN, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DEMO_PASSWORD = "demo-pass-for-the-browser"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'polls.sqlite3'}",
        "POLLS_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    cmd = [str(BIN / "manouche-serve"), "examples.polls.app:application", "--host", "127.0.0.1"]
    with serving([*cmd, "--port", "0"], r"Serving on (http://127\.0\.0\.1:\d+/)", env) as url:
        yield url


def test_vote_then_log_in_and_add_a_poll(browser_page: Any, site: str, tmp_path: Path) -> None:
    page = browser_page
    shots = tmp_path / "screenshots"
    shots.mkdir()

    page.goto(f"{site}/")
    assert page.locator("h1").inner_text() == "Polls"
    first = page.locator("#questions a").first
    question = first.inner_text()
    first.click()
    page.screenshot(path=str(shots / "1-question.png"))
    page.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url(re.compile(r".*/results/$"))
    page.screenshot(path=str(shots / "2-results.png"))
    assert page.locator("h1").inner_text() == question
    votes = [int(v) for v in page.locator("#results .votes").all_inner_texts()]
    assert votes[0] == 1 and sum(votes) == 1

    # The "add a poll" page wants a login, and brings the visitor back after it.
    page.goto(f"{site}/add/")
    assert re.search(r"/login/?\?next=", page.url), page.url
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "wrong password")
    page.get_by_role("button", name="Log in").click()
    assert "didn't match" in page.content()
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/add/$"))
    page.fill("input[name=question_text]", "Browser <b>or</b> terminal?")
    page.fill("textarea[name=choices]", "Browser\nTerminal")
    page.screenshot(path=str(shots / "3-add.png"))
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r".*/\d+/$"))
    # The question text is shown as text, never as markup.
    assert page.locator("legend h1").inner_text() == "Browser <b>or</b> terminal?"
    page.get_by_label("Terminal").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url(re.compile(r".*/results/$"))
    page.screenshot(path=str(shots / "4-new-results.png"))
    assert page.locator("#results .votes").all_inner_texts() == ["0", "1"]
    assert len(list(shots.iterdir())) == 4
