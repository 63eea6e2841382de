"""The polls admin in a real browser: Debian's Chromium driven by Playwright, over HTTP.

Log in, list questions with a filter and a search, add a question with its
choices inline, edit it, see a validation error that saves nothing, delete
two questions through the confirmation page, read the history, be refused as
a user with fewer permissions, and see the Arabic layout. Screenshots of the
main pages land in the test's temporary folder (``ADMIN_SCREENSHOTS=<dir>``
keeps them there instead).

Skipped, naming what is missing, when Playwright or Chromium is not installed.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._serve import BIN, serving
from tests.test_browser import CHROMIUM, FLAGS

ADMIN_PASSWORD = "admin-pass-for-the-browser"
VIEWER_PASSWORD = "viewer-pass-for-the-browser"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def polls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "polls.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "POLLS_ADMIN_PASSWORD": ADMIN_PASSWORD}
    cmd = [str(BIN / "manouche-serve"), "examples.polls.app:application", "--host", "127.0.0.1"]
    with serving([*cmd, "--port", "0"], r"Serving on (http://127\.0\.0\.1:\d+/)", env) as url:
        yield url, database


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ADMIN_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as conn:
        return list(conn.execute(sql))


def log_in(page: Any, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/admin/")
    assert "/admin/login/?next=" in page.url
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_admin_in_a_browser(browser: Any, polls: tuple[str, Path], shots: Path) -> None:
    site, database = polls
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    log_in(page, site, "admin", ADMIN_PASSWORD)
    assert page.locator("h1").inner_text() == "Site administration"
    page.screenshot(path=str(shots / "1-index.png"), full_page=True)
    # The keyboard: the first Tab reaches the skip link, shown with a visible outline;
    # following it puts the focus on the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["skip-link", "solid"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content-start"

    # The list, with a filter and a search.
    page.get_by_role("link", name="Questions").first.click()
    page.wait_for_url(re.compile(r".*/admin/polls/question/$"))
    assert page.locator("#result_list tbody tr").count() == 3
    page.get_by_role("link", name="Today").click()
    page.get_by_label("Search").fill("favourite")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*q=favourite.*"))
    assert "pub_date__gte" in page.url
    assert page.locator("#result_list tbody tr").count() == 1
    assert "batteries-included" in page.locator("#result_list tbody").inner_text()
    page.screenshot(path=str(shots / "2-change-list.png"), full_page=True)

    # Add a question with two choices inline.
    page.goto(f"{site}/admin/polls/question/add/")
    page.get_by_label("Question text:").fill("Which <b>editor</b>?")
    page.locator("#id_choice_set-0-choice_text").fill("Vim")
    page.locator("#id_choice_set-1-choice_text").fill("Emacs")
    page.screenshot(path=str(shots / "3-add.png"), full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r".*/admin/polls/question/\d+/change/$"))
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    question_id = int(page.url.rstrip("/").split("/")[-2])
    assert rows(
        database,
        f"select choice_text from polls_choice where question_id={question_id} order by id",
    ) == [("Vim",), ("Emacs",)]

    # Edit it: one choice renamed, one added, one deleted.
    page.locator("#id_choice_set-1-choice_text").fill("Emacs (with evil)")
    page.locator("#id_choice_set-2-choice_text").fill("Helix")
    page.get_by_label("Delete?").first.check()
    page.screenshot(path=str(shots / "4-change-inline.png"), full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/polls/question/$"))
    assert rows(
        database,
        f"select choice_text from polls_choice where question_id={question_id} order by id",
    ) == [("Emacs (with evil)",), ("Helix",)]

    # A validation error: shown, and nothing saved (not even the inline change).
    page.goto(f"{site}/admin/polls/question/{question_id}/change/")
    page.get_by_label("Question text:").fill("")
    page.locator("#id_choice_set-0-choice_text").fill("Never saved")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".errornote").inner_text() == "Please correct the errors below."
    assert "This field is required." in page.locator(".errorlist").first.inner_text()
    page.screenshot(path=str(shots / "5-validation-error.png"), full_page=True)
    assert rows(database, f"select question_text from polls_question where id={question_id}") == [
        ("Which <b>editor</b>?",)
    ]
    assert ("Never saved",) not in rows(database, "select choice_text from polls_choice")

    # The history of that question.
    page.goto(f"{site}/admin/polls/question/{question_id}/history/")
    history = page.locator("#change-history").inner_text()
    assert "Added." in history and "Deleted choice “Vim”." in history and "admin" in history
    page.screenshot(path=str(shots / "6-history.png"), full_page=True)

    # Delete two questions at once, through the confirmation page.
    page.goto(f"{site}/admin/polls/question/?q=Which")
    page.goto(f"{site}/admin/polls/question/")
    boxes = page.locator("input.action-select")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.locator(".action-counter").inner_text() == "2 / 4"
    page.get_by_label("Action:").select_option("delete_selected")
    page.get_by_role("button", name="Go").click()
    assert page.locator("h1").inner_text() == "Delete multiple objects"
    assert page.locator(".summary").inner_text().startswith("Choices:")
    page.screenshot(path=str(shots / "7-delete-confirmation.png"), full_page=True)
    assert rows(database, "select count(*) from polls_question") == [(4,)]
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.wait_for_url(re.compile(r".*/admin/polls/question/$"))
    assert "Successfully deleted 2 questions." in page.locator(".messagelist").inner_text()
    assert rows(database, "select count(*) from polls_question") == [(2,)]

    # A staff user who may only view questions.
    page.get_by_role("button", name="Log out").click()
    make_viewer(database)
    log_in(page, site, "viewer", VIEWER_PASSWORD)
    page.goto(f"{site}/admin/polls/question/")
    assert page.locator("#result_list tbody tr").count() == 2
    assert page.locator("a.addlink").count() == 0
    first = page.locator("#result_list tbody th a").first
    first.click()
    assert page.locator("h1").inner_text().startswith("View question")
    assert page.get_by_role("button", name="Save", exact=True).count() == 0
    response = page.goto(f"{site}/admin/polls/choice/")
    assert response is not None and response.status == 403
    page.screenshot(path=str(shots / "8-permission-denied.png"), full_page=True)
    page.close()

    # Arabic: right to left, translated.
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 800})
    arabic = context.new_page()
    arabic.set_default_timeout(30_000)
    arabic.goto(f"{site}/admin/")
    arabic.locator("#id_username").fill("admin")
    arabic.locator("#id_password").fill(ADMIN_PASSWORD)
    arabic.get_by_role("button", name="تسجيل الدخول").click()
    arabic.wait_for_url(re.compile(r".*/admin/$"))
    arabic.goto(f"{site}/admin/polls/question/")
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert arabic.locator("#changelist-filter h2").inner_text() == "تصفية"
    # The filter column is on the left of the list in a right-to-left page.
    filter_box = arabic.locator("#changelist-filter").bounding_box()
    table_box = arabic.locator("#result_list").bounding_box()
    assert filter_box is not None and table_box is not None and filter_box["x"] < table_box["x"]
    arabic.screenshot(path=str(shots / "9-arabic.png"), full_page=True)
    context.close()

    # Dark mode follows the system setting.
    dark = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 800})
    night = dark.new_page()
    night.goto(f"{site}/admin/login/")
    background = night.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
    night.screenshot(path=str(shots / "10-dark-login.png"))
    dark.close()
    assert len(list(shots.glob("*.png"))) >= 10


def make_viewer(database: Path) -> None:
    """A staff user with only polls.view_question, written as authkit writes users."""
    from manouche import orm_lite as models
    from manouche.authkit import Permission, User

    db = models.Database(f"sqlite:///{database}")
    db.make_default()
    try:
        with db.atomic():
            user = User.objects.create_user("viewer", password=VIEWER_PASSWORD, is_staff=True)
            user.user_permissions.add(Permission.objects.get(codename="view_question"))
    finally:
        db.engine.dispose()


def test_autocomplete_is_a_combobox_driven_by_the_keyboard(
    browser: Any, polls: tuple[str, Path], shots: Path
) -> None:
    site, database = polls
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    log_in(page, site, "admin", ADMIN_PASSWORD)
    (wanted,) = rows(
        database, "select id from polls_question where question_text like '%favourite%'"
    )
    page.goto(f"{site}/admin/polls/choice/add/")
    # The field's label names the search box, which is an ARIA combobox.
    box = page.get_by_role("combobox", name="Question:")
    assert box.get_attribute("aria-expanded") == "false"
    box.focus()
    box.press_sequentially("favour")
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option")
    option.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert option.count() == 1 and "favourite" in option.first.inner_text()
    assert "1 result" in page.locator("[role=status]").inner_text()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.first.get_attribute("id")
    assert option.first.get_attribute("aria-selected") == "true"
    page.screenshot(path=str(shots / "10-autocomplete.png"), full_page=True)
    box.press("Enter")
    assert box.get_attribute("aria-expanded") == "false"
    assert "favourite" in box.input_value()
    assert page.locator("#id_question").input_value() == str(wanted[0])
    # Escape closes the list and keeps the choice.
    box.press("ArrowDown")
    option.first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#id_question").input_value() == str(wanted[0])
    page.get_by_label("Choice text:").fill("Picked with the keyboard")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/polls/choice/$"))
    picked = "select question_id from polls_choice where choice_text='Picked with the keyboard'"
    assert rows(database, picked) == [wanted]
    # The change page shows the current choice by its name.
    page.goto(f"{site}/admin/polls/choice/")
    page.get_by_role("link", name="Picked with the keyboard").click()
    assert "favourite" in page.get_by_role("combobox", name="Question:").input_value()
    page.close()


def test_raw_id_lookup_sends_the_key_back_to_the_opener(browser: Any, tmp_path: Path) -> None:
    database = tmp_path / "lookup.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    app = "tests._admin_lookup_app:application"
    cmd = [str(BIN / "manouche-serve"), app, "--host", "127.0.0.1"]
    with serving([*cmd, "--port", "0"], r"Serving on (http://127\.0\.0\.1:\d+/)", env) as url:
        site = url.rstrip("/")
        (wanted,) = rows(
            database, "select id from polls_question where question_text like '%Tabs%'"
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(30_000)
        page.goto(f"{site}/polls/choice/add/")
        with page.expect_popup() as opened:
            page.get_by_role("link", name="Look up").click()
        popup = opened.value
        popup.wait_for_load_state()
        assert "_popup=1" in popup.url and "_to_field=id" in popup.url
        # Searching inside the popup keeps it a lookup.
        popup.get_by_label("Search").fill("Tabs")
        popup.get_by_role("button", name="Search").click()
        popup.wait_for_url(re.compile(r".*q=Tabs.*"))
        assert "_popup=1" in popup.url
        with popup.expect_event("close"):
            popup.get_by_role("link", name="Tabs or spaces?").click()
        assert page.locator("#id_question").input_value() == str(wanted[0])
        assert page.evaluate("document.activeElement.id") == "id_question"
        page.close()
