"""The documentation site (docs/): strict build, docstrings, runnable pages, in a browser.

- The site builds with ``sphinx-build -W -n`` (``python3 dev.py docs``): a
  warning, a broken cross-reference or a missing page fails.
- Every name of every package's ``__all__`` has documentation of its own (a
  docstring, or a ``#:`` comment for a constant) and appears in the reference.
- Every Python block of every page runs, with the collector the READMEs use
  (``manouche.testkit.readme``); the tutorial's parts run in order in one
  namespace, as a reader builds one file part after part.
- Every package has its page, with its changelog, and its README links to it.
- Debian's Chromium visits every page over HTTP: no console error, no asset
  that fails to load; screenshots of the home page and a guide are saved.
"""

from __future__ import annotations

import http.server
import re
import shutil
import socketserver
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manouche.testkit.readme import readme_blocks

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import manouche_docs  # noqa: E402

FOLDERS = sorted(p.parent.name for p in ROOT.glob("packages/*/pyproject.toml"))
TUTORIAL = sorted((DOCS / "tutorial").glob("part*.md"))
PAGES = sorted(
    p
    for p in DOCS.rglob("*.md")
    if "_build" not in p.parts and "_generated" not in p.parts and p.name != "README.md"
)
SCREENSHOTS = ROOT / ".cache" / "docs-screenshots"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly once for this session's tests."""
    sys.path.insert(0, str(ROOT))
    import dev

    out = tmp_path_factory.mktemp("docs") / "html"
    rc = dev.build_docs(out, python=sys.executable)
    assert rc == 0, "sphinx-build -W -n failed: the docs have warnings (see the output above)"
    return out


# -- the build ---------------------------------------------------------------


def test_strict_build_has_every_page(site: Path) -> None:
    for page in PAGES + sorted(DOCS.glob("packages/*.rst")):
        built = site / page.relative_to(DOCS).with_suffix(".html")
        assert built.exists(), f"{page.relative_to(ROOT)} was not built"


@pytest.mark.parametrize("folder", FOLDERS)
def test_package_page_documents_all_names_and_changelog(site: Path, folder: str) -> None:
    html = (site / "packages" / f"{folder}.html").read_text(encoding="utf-8")
    module = f"manouche.{manouche_docs.import_name(folder)}"
    for name, _ in manouche_docs.public_names(folder):
        assert f'id="{module}.{name}"' in html, f"{module}.{name} is not in the reference"
    changelog = (ROOT / "packages" / folder / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[?(\d+\.\d+\.\d+)", changelog, re.M)
    assert newest and newest.group(1) in html, f"{folder}'s changelog is not on its page"


def test_a_missing_reference_fails_the_build(tmp_path: Path) -> None:
    """The strictness is real: with the site's configuration, a page naming a public
    name that does not exist, or linking to a page that does not exist, fails."""
    import subprocess

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DOCS / "conf.py", src / "conf.py")
    shutil.copytree(DOCS / "_ext", src / "_ext")
    (src / "index.md").write_text(
        "# Broken\n\n{py:class}`manouche.signals.NoSuchSignal`\n\n[gone](nowhere.md)\n"
    )
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q"]
    proc = subprocess.run(
        [*cmd, str(src), str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode != 0
    assert "manouche.signals.NoSuchSignal" in proc.stderr
    assert "nowhere" in proc.stderr


# -- the docstrings ----------------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_public_name_has_a_docstring(folder: str) -> None:
    undocumented = [
        name
        for name, obj in manouche_docs.public_names(folder)
        if not manouche_docs.docstring(folder, name, obj)
    ]
    assert not undocumented, (
        f"manouche.{manouche_docs.import_name(folder)}: public names without a docstring "
        f"(or a #: comment for a constant): {', '.join(undocumented)}"
    )


def test_the_docstring_check_sees_a_missing_one() -> None:
    def undocumented() -> None:
        pass

    def documented() -> None:
        """Does nothing."""

    class Bare:
        pass

    class Child(Bare):
        pass

    Bare.__doc__ = "A base."
    assert manouche_docs.docstring("signals", "undocumented", undocumented) == ""
    assert manouche_docs.docstring("signals", "documented", documented) == "Does nothing."
    # A class's docstring is its own, not inherited.
    assert manouche_docs.docstring("signals", "Child", Child) == ""
    assert manouche_docs.docstring("signals", "not_a_constant", object()) == ""


def test_a_constant_reexported_from_another_package_has_its_comment() -> None:
    """formkit re-exports validation's constants: the ``#:`` comment where they are
    assigned documents them in formkit's reference too; an object of the same name
    that is not the same object finds nothing there."""
    import manouche.formkit as formkit
    import manouche.validation as validation

    for name in ("EMPTY_VALUES", "MAX_URL_LENGTH", "NON_FIELD_ERRORS"):
        own = manouche_docs.docstring("validation", name, getattr(validation, name))
        assert own
        assert manouche_docs.docstring("formkit", name, getattr(formkit, name)) == own
    assert manouche_docs.docstring("formkit", "EMPTY_VALUES", (None, "")) == ""


# -- the code blocks ---------------------------------------------------------

RUNNER = """
import sys
from manouche.testkit.readme import run_readme
run_readme(sys.argv[1], module_name=sys.argv[2])
"""


def _run_blocks(path: Path, cwd: Path, module_name: str = "docs_page") -> None:
    """Run the page's blocks with the READMEs' collector, in a process of its own
    (the pages define models; the suite's own models must not meet them)."""
    import os
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(cwd), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path), module_name],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if p not in TUTORIAL],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_page_blocks_run(page: Path, tmp_path: Path) -> None:
    _run_blocks(page, tmp_path)


def test_tutorial_runs_part_after_part(tmp_path: Path) -> None:
    """The parts build one module, ``polls_site``: each part's blocks see the last's.

    The parts are joined into one file, in order, so that the collector runs
    them in one namespace; a failure names the part and its line.
    """
    assert len(TUTORIAL) >= 7, "the tutorial has its parts"
    blocks = [block for part in TUTORIAL for block in readme_blocks(part)]
    assert sum(1 for b in blocks if not b.fragment) >= 20
    assert sum(1 for b in blocks if b.output is not None) >= 15
    texts = [part.read_text(encoding="utf-8") for part in TUTORIAL]
    combined = tmp_path / "tutorial.md"
    combined.write_text("\n".join(texts), encoding="utf-8")
    try:
        _run_blocks(combined, tmp_path, module_name="polls_site")
    except AssertionError as exc:
        found = re.search(r"the block at line (\d+)", str(exc))
        line = int(found.group(1)) if found else 0
        for part, text in zip(TUTORIAL, texts, strict=True):
            count = len(text.splitlines()) + 1
            if 0 < line <= count:
                raise AssertionError(f"{part.name}, the block at line {line}:\n{exc}") from None
            line -= count
        raise


def test_a_wrong_output_fails(tmp_path: Path) -> None:
    """The runner is real: a page whose block prints something else fails."""
    page = tmp_path / "wrong.md"
    page.write_text("```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n")
    with pytest.raises(AssertionError, match="printed"):
        _run_blocks(page, tmp_path)


# -- the packages' READMEs ---------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS)
def test_package_has_a_page_and_its_readme_links_to_it(folder: str) -> None:
    page = DOCS / "packages" / f"{folder}.rst"
    assert page.exists(), f"docs/packages/{folder}.rst is missing (one line: see docs/README.md)"
    assert f".. manouche-package:: {folder}" in page.read_text(encoding="utf-8")
    readme = (ROOT / "packages" / folder / "README.md").read_text(encoding="utf-8")
    assert f"(../../docs/packages/{folder}.rst)" in readme, (
        f"packages/{folder}/README.md does not link to its section, docs/packages/{folder}.rst"
    )


# -- in a browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Quiet)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_every_page_in_a_browser(served: str, site: Path) -> None:
    from tests.test_browser import CHROMIUM, FLAGS

    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pages = sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_")
    )
    assert "index.html" in pages and len(pages) >= 25
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            current = {"url": ""}
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{current['url']}: console {m.type}: {m.text}")
                    if m.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"{current['url']}: {e}"))
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{current['url']}: {r.status} for {r.url}")
                    if r.status >= 400
                    else None
                ),
            )
            page.on(
                "requestfailed",
                lambda r: (
                    problems.append(f"{current['url']}: failed {r.url} ({r.failure})")
                    # Going to the next page cancels what the last one still fetched
                    # in the background (the favicon): ERR_ABORTED. A missing asset
                    # is a 404, caught above.
                    if r.url.startswith(served) and "ERR_ABORTED" not in (r.failure or "")
                    else None
                ),
            )
            for name in pages:
                current["url"] = name
                response = page.goto(f"{served}/{name}", wait_until="load")
                assert response is not None and response.status == 200, name
                if name not in ("search.html", "genindex.html", "py-modindex.html"):
                    assert page.locator("article h1").count() >= 1, f"{name} has no heading"
                if name == "index.html":
                    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=False)
                if name == "guides/porting.html":
                    page.screenshot(path=str(SCREENSHOTS / "guide-porting.png"))
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
    assert (SCREENSHOTS / "home.png").stat().st_size > 10_000
