#!/usr/bin/env python3
"""Manouche development commands. Needs only Python 3.11+ and pip.

    python3 dev.py demo            install what the demo needs, serve it, print its URL
    python3 dev.py test            every quality gate and every test suite
    python3 dev.py test -p NAME    one package installed alone and tested, with coverage
    python3 dev.py test -p NAME --shared
                                   one package's tests in the workspace environment (quick)
    python3 dev.py check           lint, format, types, import contracts, uv.lock up to date
    python3 dev.py bench [NAME]    the benchmarks, side by side with the peers
    python3 dev.py docs [--serve]  build the documentation site (strict) into docs/_build/html
    python3 dev.py django-suite [NAME] [--update]
                                   Django's own tests against the packages, with a ratchet
    python3 dev.py env             relock (uv lock) and bring .venv in step with uv.lock

Every environment comes from the workspace lockfile ``uv.lock``, through uv
(installed on first use into ``.cache/uv``, at the version the root
``pyproject.toml`` pins): ``.venv`` holds every package (editable) and the
``dev`` dependency group; ``.venv-iso/<name>/`` holds one package, built as a
wheel, with its ``test`` extra and what those need, nothing else, which proves
the package declares every dependency it uses. The Python version is the one
in ``.python-version``. After a change to a ``pyproject.toml``,
``python3 dev.py env`` relocks; commit ``uv.lock`` with the change
(``dev.py check`` fails while it is stale).

The test command also runs Django's own test modules against the packages
that have a ``tests/django_suite/suite.toml`` (tools/django_suite/README.md),
and measures each package's branch coverage in its isolated session.

Tests that need PostgreSQL, MariaDB, Redis or memcached skip, naming the
server, when it does not answer on 127.0.0.1; with MANOUCHE_REQUIRE_SERVICES=1
they fail instead (CI sets it).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
import tomllib  # noqa: I001
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

if sys.version_info < (3, 11):  # noqa: UP036 - say so plainly on an old interpreter
    sys.exit("Manouche needs Python 3.11 or newer to run dev.py")

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
ISO = ROOT / ".venv-iso"
RESULTS = ROOT / ".cache" / "results"
UV_HOME = ROOT / ".cache" / "uv"
DEMO_TARGET = os.environ.get("MANOUCHE_DEMO", "examples.polls.app:application")
PACKAGE_TIMEOUT = 40 * 60

sys.path.insert(0, str(ROOT))
from tools.coupling import importlinter_config  # noqa: E402

# -- helpers ---------------------------------------------------------------


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def run(cmd: list[str], **kw: object) -> int:
    return subprocess.call(cmd, **kw)  # type: ignore[call-overload,no-any-return]


def packages() -> dict[str, dict[str, object]]:
    """Folder name -> parsed pyproject of every package, in name order."""
    found: dict[str, dict[str, object]] = {}
    for pp in sorted(ROOT.glob("packages/*/pyproject.toml")):
        with pp.open("rb") as fh:
            found[pp.parent.name] = tomllib.load(fh)
    return found


def import_name(folder: str) -> str:
    return folder.replace("-", "_")


def uv_version() -> str:
    """The uv the workspace pins (``uv==X`` in the root ``dev`` dependency group)."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        groups = tomllib.load(fh)["dependency-groups"]["dev"]
    for req in groups:
        if isinstance(req, str) and req.startswith("uv=="):
            return req[len("uv==") :]
    sys.exit("pyproject.toml: the dev dependency group must pin uv (uv==X.Y.Z)")


def uv() -> str:
    """The pinned uv, installed with pip into ``.cache/uv`` on first use."""
    version = uv_version()
    exe = UV_HOME / "bin" / "uv"
    if not (UV_HOME / f"uv-{version}.dist-info").is_dir() or not exe.exists():
        say(f"installing uv {version} into .cache/uv (it makes every environment)")
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        cmd += ["--root-user-action=ignore", "--upgrade", "--target", str(UV_HOME)]
        cmd.append(f"uv=={version}")
        if run(cmd) != 0:
            sys.exit(f"could not install uv {version} with {sys.executable} -m pip")
    return str(exe)


def uv_env(project_env: Path | None = None) -> dict[str, str]:
    """The environment uv runs in: never a downloaded interpreter (.python-version
    names one the machine has), and the environment to sync when not ``.venv``."""
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    env.pop("VIRTUAL_ENV", None)
    if project_env is not None:
        env["UV_PROJECT_ENVIRONMENT"] = str(project_env)
    else:
        env.pop("UV_PROJECT_ENVIRONMENT", None)
    return env


def vpy(venv: Path = VENV) -> str:
    return str(venv / "bin" / "python")


def ensure_env(relock: bool = False) -> None:
    """Bring ``.venv`` in step with ``uv.lock``: every package editable, with all its
    extras, and the ``dev`` group. ``relock`` updates ``uv.lock`` first (``dev.py env``);
    otherwise a stale lockfile is an error."""
    cmd = [uv(), "sync", "--all-packages", "--all-extras", "-q"]
    cmd.append("--locked" if not relock else "--no-progress")
    if run(cmd, cwd=ROOT, env=uv_env()) != 0:
        sys.exit(
            "uv could not sync .venv with uv.lock (see above); after a pyproject.toml "
            "change run `python3 dev.py env` and commit uv.lock"
        )


def workspace_closure(folder: str, extras: tuple[str, ...] = ("test",)) -> list[str]:
    """Sibling folders a package needs (runtime and ``extras``), transitively, as
    ``uv.lock`` resolved them."""
    with (ROOT / "uv.lock").open("rb") as fh:
        entries: list[dict[str, Any]] = tomllib.load(fh)["package"]
    folders = {
        e["name"]: e["source"]["editable"].split("/")[-1]
        for e in entries
        if "editable" in e.get("source", {})
    }
    members = {e["name"]: e for e in entries if e["name"] in folders}
    start = next((name for name, f in folders.items() if f == folder), None)
    if start is None:
        sys.exit(f"packages/{folder} is not in uv.lock: run `python3 dev.py env`")
    seen: set[tuple[str, tuple[str, ...]]] = set()
    todo = [(start, extras)]
    while todo:
        name, wanted = todo.pop()
        deps = list(members[name].get("dependencies", []))
        for extra in wanted:
            deps += members[name].get("optional-dependencies", {}).get(extra, [])
        for dep in deps:
            key = (dep["name"], tuple(dep.get("extra", ())))
            if dep["name"] in members and key not in seen:
                seen.add(key)
                todo.append(key)
    return sorted({folders[name] for name, _ in seen} - {folder})


# -- quality gates ---------------------------------------------------------


def check_layout() -> list[str]:
    problems = []
    for folder, meta in packages().items():
        base = ROOT / "packages" / folder
        name = import_name(folder)
        project = meta.get("project", {})
        assert isinstance(project, dict)
        if project.get("name") != f"manouche-{folder}":
            problems.append(f"packages/{folder}: distribution must be named manouche-{folder}")
        if (base / "src" / "manouche" / "__init__.py").exists():
            problems.append(
                f"packages/{folder}/src/manouche/__init__.py exists: "
                "manouche is a namespace package"
            )
        pkg = base / "src" / "manouche" / name
        if not (pkg / "__init__.py").exists():
            problems.append(f"packages/{folder}: src/manouche/{name}/__init__.py is missing")
        if not (pkg / "py.typed").exists():
            problems.append(f"packages/{folder}: src/manouche/{name}/py.typed is missing")
        for doc in ("README.md", "CHANGELOG.md"):
            if not (base / doc).exists():
                problems.append(f"packages/{folder}/{doc} is missing")
        if not (base / "tests").is_dir():
            problems.append(f"packages/{folder}/tests/ is missing")
        changelog = base / "CHANGELOG.md"
        if changelog.exists():
            problems += check_changelog(folder, changelog.read_text(), project.get("version"))
    problems += check_sibling_ranges()
    return problems


_RELEASE = re.compile(r"\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}")
_SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def check_changelog(folder: str, text: str, version: object) -> list[str]:
    """One CHANGELOG format (Keep a Changelog): ``## [Unreleased]`` first, then
    ``## [X.Y.Z] - YYYY-MM-DD`` releases, newest (the pyproject version) first,
    with ``### Added`` / ``Changed`` / ``Deprecated`` / ``Removed`` / ``Fixed`` /
    ``Security`` sections."""
    where = f"packages/{folder}/CHANGELOG.md"
    problems = []
    headings = re.findall(r"^## (.*?)\s*$", text, re.M)
    if not headings or headings[0] != "[Unreleased]":
        problems.append(f"{where}: the first section must be '## [Unreleased]'")
    released = []
    for index, heading in enumerate(headings):
        if index == 0 and heading == "[Unreleased]":
            continue
        match = _RELEASE.fullmatch(heading)
        if match is None:
            problems.append(f"{where}: '## {heading}' is not '## [X.Y.Z] - YYYY-MM-DD'")
        else:
            released.append(match[1])
    if not released or released[0] != version:
        problems.append(
            f"{where}: newest release ({released[0] if released else 'none'}) "
            f"is not the pyproject version ({version})"
        )
    for section in re.findall(r"^### (.*?)\s*$", text, re.M):
        if section not in _SECTIONS:
            problems.append(f"{where}: '### {section}' is not one of {sorted(_SECTIONS)}")
    return problems


def check_sibling_ranges() -> list[str]:
    """A package's runtime dependency on a sibling is bounded on both sides around the
    sibling's current version (``>=0.2,<0.3``): a range a release of both can honour."""
    pkgs = packages()
    versions = {}
    for meta in pkgs.values():
        project = meta.get("project", {})
        assert isinstance(project, dict)
        versions[str(project.get("name"))] = str(project.get("version"))
    problems = []
    for folder, meta in pkgs.items():
        project = meta.get("project", {})
        assert isinstance(project, dict)
        for dep in project.get("dependencies", []):
            match = re.match(r"(manouche-[a-z0-9-]+)(\[[^\]]*\])?\s*(.*)$", str(dep))
            if match is None or match[1] not in versions:
                continue
            name, spec, current = match[1], match[3].replace(" ", ""), versions[match[1]]
            bounds = re.fullmatch(r">=(\d+)\.(\d+),<(\d+)\.(\d+)", spec)
            now = tuple(int(x) for x in current.split(".")[:2])
            if bounds is None or not (
                (int(bounds[1]), int(bounds[2])) <= now < (int(bounds[3]), int(bounds[4]))
            ):
                major, minor = now
                problems.append(
                    f"packages/{folder}: depends on {name}{spec or ' (any version)'}; "
                    f"write {name}>={major}.{minor},<{major}.{minor + 1} (its version is {current})"
                )
    return problems


def quality_gates(only: list[str] | None = None) -> bool:
    """Run the gates; ``only`` limits ruff and mypy to those package folders."""
    ok = True
    say("uv.lock is in step with every pyproject.toml")
    if run([uv(), "lock", "--check", "-q"], cwd=ROOT, env=uv_env()) != 0:
        print("    uv.lock is stale: run `python3 dev.py env` and commit uv.lock")
        ok = False
    say("layout: namespace package, py.typed, README, CHANGELOG version")
    problems = check_layout()
    for p in problems:
        print("   ", p)
    ok &= not problems
    bindir = VENV / "bin"
    targets = [f"packages/{f}" for f in only] if only else ["."]
    say("ruff check")
    ok &= run([str(bindir / "ruff"), "check", *targets], cwd=ROOT) == 0
    say("ruff format --check")
    ok &= run([str(bindir / "ruff"), "format", "--check", *targets], cwd=ROOT) == 0
    pkgs = packages()
    srcs = [f"packages/{folder}/src" for folder in pkgs]
    if only:
        pkgs = {f: pkgs[f] for f in only}
    if srcs:
        say("mypy --strict on every package's src/")
        env = dict(os.environ, MYPYPATH=os.pathsep.join(srcs))
        mods = []
        for folder in pkgs:
            mods += ["-p", f"manouche.{import_name(folder)}"]
        ok &= run([str(bindir / "mypy"), *mods], cwd=ROOT, env=env) == 0
        typing_checks = [
            str(path.relative_to(ROOT))
            for folder in pkgs
            for path in sorted((ROOT / "packages" / folder / "tests").glob("test_typing*.py"))
        ]
        if typing_checks:
            say("mypy --strict on the typing checks (tests/test_typing*.py: assert_type)")
            ok &= run([str(bindir / "mypy"), *typing_checks], cwd=ROOT, env=env) == 0
        say("import-linter: the coupling rules of ARCHITECTURE.md")
        cfg = ROOT / ".cache" / "importlinter.ini"
        cfg.parent.mkdir(exist_ok=True)
        config = importlinter_config([import_name(f) for f in pkgs])
        if "[importlinter:contract:" in config:
            cfg.write_text(config)
            ok &= run([str(bindir / "lint-imports"), str(cfg), "--no-cache"], cwd=ROOT) == 0
    return bool(ok)


# -- tests -----------------------------------------------------------------


def _counts(xml_path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a pytest junit file."""
    if not xml_path.exists():
        return (0, 1, 0)
    root = ET.parse(xml_path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for s in suites:
        total += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
    return (total - failed - skipped, failed, skipped)


def _pytest(
    python: str,
    cwd: Path,
    name: str,
    extra: list[str],
    log: Path | None,
    runner: list[str] | None = None,
) -> int:
    """pytest in ``cwd`` (``runner`` goes before ``-m pytest``: coverage's ``run``)."""
    xml = RESULTS / f"{name}.xml"
    xml.unlink(missing_ok=True)
    cmd = [python, *(runner or []), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += [f"--junitxml={xml}", *extra]
    if not any((cwd / arg.split("::")[0]).exists() for arg in extra if not arg.startswith("-")):
        # The configuration's testpaths apply at the workspace root only.
        cmd.append("tests")
    out = log.open("w") if log else None
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=PACKAGE_TIMEOUT
        )
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        if out:
            out.write(f"\n*** {name}: tests timed out after {PACKAGE_TIMEOUT}s\n")
        rc = 1
    finally:
        if out:
            out.close()
    return 0 if rc == 5 and not xml.exists() else rc


def sync_isolated(folder: str, log: Path) -> int:
    """``.venv-iso/<folder>``: the package alone, from ``uv.lock``: built as a wheel and
    installed with its ``test`` extra, what those need and coverage, nothing else."""
    closure = [folder, *workspace_closure(folder)]
    cmd = [uv(), "sync", "--locked", "--package", f"manouche-{folder}", "--extra", "test"]
    cmd += ["--group", "coverage", "--no-editable", "--no-progress"]
    # uv caches a wheel built from a folder until its pyproject.toml changes: the
    # siblings are rebuilt so that the session tests today's sources.
    for sibling in closure:
        cmd += ["--reinstall-package", f"manouche-{sibling}"]
    with log.open("w") as fh:
        return subprocess.call(
            cmd, cwd=ROOT, env=uv_env(ISO / folder), stdout=fh, stderr=subprocess.STDOUT
        )


def coverage_of(folder: str) -> dict[str, Any] | None:
    """Branch coverage totals of a package's last isolated session, or None."""
    report = RESULTS / f"{folder}.coverage.json"
    if not report.exists():
        return None
    totals: dict[str, Any] = json.loads(report.read_text())["totals"]
    return totals


def isolated_run(folder: str, extra: list[str]) -> tuple[str, int, str]:
    """Install one package alone, from the lockfile, and run its tests under coverage."""
    log = RESULTS / f"{folder}.log"
    started = time.monotonic()
    (RESULTS / f"{folder}.coverage.json").unlink(missing_ok=True)
    if sync_isolated(folder, log) != 0:
        return folder, 1, f"install failed, see {log.relative_to(ROOT)}"
    python = vpy(ISO / folder)
    data = RESULTS / f"{folder}.coverage"
    rcfile = f"--rcfile={ROOT / 'pyproject.toml'}"
    measure = ["-m", "coverage", "run", rcfile, f"--data-file={data}"]
    measure += [f"--source=manouche.{import_name(folder)}"]
    test_log = RESULTS / f"{folder}.test.log"
    rc = _pytest(python, ROOT / "packages" / folder, folder, extra, test_log, measure)
    if data.exists():
        report = [python, "-m", "coverage", "json", rcfile, f"--data-file={data}", "-q"]
        report += ["-o", str(RESULTS / f"{folder}.coverage.json")]
        with test_log.open("a") as fh:
            subprocess.call(report, stdout=fh, stderr=subprocess.STDOUT)
            text = [python, "-m", "coverage", "report", rcfile, f"--data-file={data}"]
            subprocess.call(text, stdout=fh, stderr=subprocess.STDOUT)
    took = time.monotonic() - started
    return folder, rc, f"{took:.0f}s, log {test_log.relative_to(ROOT)}"


def _coverage_cell(folder: str) -> str:
    totals = coverage_of(folder)
    if totals is None:
        return "coverage: none"
    return (
        f"coverage {totals['percent_covered']:.1f}% "
        f"(branches {totals['covered_branches']}/{totals['num_branches']})"
    )


def coverage_table(folders: list[str]) -> None:
    """Per package: statements and branches covered, and the combined percentage."""
    say("branch coverage per package (each measured in its isolated session)")
    print(f"    {'package':<12} {'statements':>12} {'branches':>12} {'total':>7}")
    for folder in folders:
        totals = coverage_of(folder)
        if totals is None:
            print(f"    {folder:<12} {'-':>12} {'-':>12} {'-':>7}")
            continue
        statements = f"{totals['covered_lines']}/{totals['num_statements']}"
        branches = f"{totals['covered_branches']}/{totals['num_branches']}"
        print(
            f"    {folder:<12} {statements:>12} {branches:>12} {totals['percent_covered']:>6.1f}%"
        )


def run_isolated(folders: list[str], jobs: int, extra: list[str]) -> tuple[bool, list[int]]:
    """Each package in its own isolated session, ``jobs`` at a time; (ok, totals)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    uv()  # installed once, before the sessions start
    ok = True
    totals = [0, 0, 0]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for folder, rc, note in pool.map(lambda f: isolated_run(f, extra), folders):
            p, f, s = _counts(RESULTS / f"{folder}.xml")
            if rc != 0 and f == 0:
                f = 1
            totals = [totals[0] + p, totals[1] + f, totals[2] + s]
            status = "ok" if rc == 0 else "FAILED"
            print(
                f"    {folder:<12} {status:<7} {p} passed, {f} failed, {s} skipped, "
                f"{_coverage_cell(folder)} ({note})",
                flush=True,
            )
            if rc != 0:
                ok = False
                for logname in (f"{folder}.test.log", f"{folder}.log"):
                    logf = RESULTS / logname
                    if logf.exists():
                        print(f"---- {logname} (last 150 lines) ----")
                        print("\n".join(logf.read_text(errors="replace").splitlines()[-150:]))
    coverage_table(folders)
    return ok, totals


def cmd_test(args: argparse.Namespace) -> int:
    ensure_env()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.package:
        unknown = sorted(set(args.package) - set(packages()))
        if unknown:
            sys.exit(f"no such package folder: {', '.join(unknown)} (see packages/)")
        if args.shared:
            rc = 0
            for folder in args.package:
                rc |= _pytest(vpy(), ROOT / "packages" / folder, folder, args.pytest_args, None)
            return rc
        ok, totals = run_isolated(args.package, args.jobs, args.pytest_args)
        print(f"\ntotal: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped", flush=True)
        return 0 if ok else 1
    ok = quality_gates()
    folders = list(packages())
    say(f"isolated installs and tests of {len(folders)} package(s), {args.jobs} at a time")
    isolated_ok, totals = run_isolated(folders, args.jobs, [])
    ok &= isolated_ok
    say("Django's own test suites against the packages (tools/django_suite)")
    ok &= run([vpy(), "-m", "tools.django_suite"], cwd=ROOT) == 0
    say("cross-package and end-to-end tests (tests/)")
    rc = _pytest(vpy(), ROOT, "root", args.pytest_args, None)
    p, f, s = _counts(RESULTS / "root.xml")
    if rc != 0 and f == 0:
        f = 1
    totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    ok &= rc == 0
    print(f"\ntotal: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped", flush=True)
    if not ok:
        print("a quality gate or a test failed (see above)", flush=True)
    return 0 if ok else 1


def cmd_check(args: argparse.Namespace) -> int:
    ensure_env()
    return 0 if quality_gates(args.package) else 1


def cmd_demo(args: argparse.Namespace) -> int:
    ensure_env()
    cmd = [str(VENV / "bin" / "manouche-serve"), DEMO_TARGET, "--host", args.host]
    cmd += ["--port", str(args.port)]
    if args.reload:
        cmd.append("--reload")
    if DEMO_TARGET.startswith("examples.polls.") and not os.environ.get("POLLS_ADMIN_PASSWORD"):
        # The polls app creates (or resets) the "admin" superuser with this password.
        import secrets

        os.environ["POLLS_ADMIN_PASSWORD"] = secrets.token_urlsafe(12)
    if os.environ.get("POLLS_ADMIN_PASSWORD"):
        say(
            f"admin: http://{args.host}:{args.port}/admin/ -- log in as admin, "
            f"password {os.environ['POLLS_ADMIN_PASSWORD']}"
        )
    say(" ".join(cmd[1:]))
    os.chdir(ROOT)
    os.execv(cmd[0], cmd)
    return 1  # not reached


def cmd_bench(args: argparse.Namespace) -> int:
    ensure_env()
    return run([vpy(), "-m", "bench", *args.names], cwd=ROOT)


def build_docs(out: Path, python: str | None = None) -> int:
    """Build the site from docs/ into ``out``, strictly: a warning, a broken
    reference or a missing target fails the build (sphinx-build -W -n)."""
    cmd = [python or vpy(), "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-E"]
    cmd += ["-q", "-d", str(out.parent / "doctrees"), str(ROOT / "docs"), str(out)]
    return run(cmd, cwd=ROOT)


def cmd_docs(args: argparse.Namespace) -> int:
    ensure_env()
    out = Path(args.output).resolve() if args.output else ROOT / "docs" / "_build" / "html"
    say(f"sphinx-build (strict) docs/ -> {out}")
    rc = build_docs(out)
    if rc != 0:
        print("the documentation has warnings or broken references (see above)", flush=True)
        return rc
    say(f"built: {out / 'index.html'}")
    if args.serve:
        say(f"serving {out} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
        cmd = [vpy(), "-m", "http.server", "-b", args.host, "-d", str(out), str(args.port)]
        return run(cmd)
    return 0


def cmd_django_suite(args: argparse.Namespace) -> int:
    ensure_env()
    return run([vpy(), "-m", "tools.django_suite", *args.suite_args], cwd=ROOT)


def cmd_env(args: argparse.Namespace) -> int:
    ensure_env(relock=True)
    say(".venv is in step with uv.lock (commit uv.lock when it changed)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("test", help="quality gates and every test suite")
    t.add_argument(
        "-p", "--package", action="append", help="only this package, installed alone (iso env)"
    )
    t.add_argument(
        "--shared", action="store_true", help="with -p: run in .venv instead (quick, no coverage)"
    )
    t.add_argument("-j", "--jobs", type=int, default=2, help="isolated runs at once (2)")
    t.add_argument("pytest_args", nargs="*", help="passed to pytest with -p, after --")
    t.set_defaults(func=cmd_test)
    c = sub.add_parser("check", help="lint, format, types, import contracts")
    c.add_argument("-p", "--package", action="append", help="only this package's lint and types")
    c.set_defaults(func=cmd_check)
    d = sub.add_parser("demo", help="serve the demo site")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=int(os.environ.get("MANOUCHE_DEMO_PORT", "8000")))
    d.add_argument("--reload", action="store_true")
    d.set_defaults(func=cmd_demo)
    b = sub.add_parser("bench", help="benchmarks against the peers")
    b.add_argument("names", nargs="*")
    b.set_defaults(func=cmd_bench)
    o = sub.add_parser("docs", help="build the documentation site (strict)")
    o.add_argument("-o", "--output", help="output folder (docs/_build/html)")
    o.add_argument("--serve", action="store_true", help="then serve it over HTTP")
    o.add_argument("--host", default="127.0.0.1")
    o.add_argument("--port", type=int, default=8001)
    o.set_defaults(func=cmd_docs)
    sub.add_parser("env", help="relock and sync .venv").set_defaults(func=cmd_env)
    sub.add_parser("django-suite", help="Django's own tests against the packages (ratchet)")
    argv = sys.argv[1:]
    if argv[:1] == ["django-suite"]:  # its own options, --help included
        return cmd_django_suite(argparse.Namespace(suite_args=argv[1:]))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
