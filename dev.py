#!/usr/bin/env python3
"""Manouche development commands. Needs only Python 3.11+ and pip.

    python3 dev.py demo            install what the demo needs, serve it, print its URL
    python3 dev.py test            every quality gate and every test suite
    python3 dev.py test -p NAME    one package's tests in the workspace environment (quick)
    python3 dev.py check           lint, format, types and import contracts only
    python3 dev.py bench [NAME]    the benchmarks, side by side with the peers
    python3 dev.py docs [--serve]  build the documentation site (strict) into docs/_build/html
    python3 dev.py django-suite [NAME] [--update]
                                   Django's own tests against the packages, with a ratchet
    python3 dev.py env             (re)build the workspace environment only

The workspace environment is ``.venv``; it is built on the first call and
rebuilt when a ``pyproject.toml`` or ``tools/requirements-dev.txt`` changes.
The test command also runs Django's own test modules against the packages
that have a ``tests/django_suite/suite.toml`` (tools/django_suite/README.md)
and installs each package alone into a fresh environment
under ``.venv-iso/`` from its own ``pyproject.toml`` and runs its tests there,
which proves the package declares every dependency it uses.

Tests that need PostgreSQL, MariaDB, Redis or memcached skip, naming the
server, when it does not answer on 127.0.0.1; with MANOUCHE_REQUIRE_SERVICES=1
they fail instead (CI sets it).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib  # noqa: I001
import xml.etree.ElementTree as ET
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - say so plainly on an old interpreter
    sys.exit("Manouche needs Python 3.11 or newer to run dev.py")

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
ISO = ROOT / ".venv-iso"
RESULTS = ROOT / ".cache" / "results"
DEV_REQUIREMENTS = ROOT / "tools" / "requirements-dev.txt"
DEMO_TARGET = os.environ.get("MANOUCHE_DEMO", "examples.polls.app:application")
PACKAGE_TIMEOUT = 25 * 60

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


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)")


def _sibling_requirements(meta: dict[str, object], extras: tuple[str, ...]) -> set[str]:
    project = meta.get("project", {})
    assert isinstance(project, dict)
    reqs: list[str] = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        reqs += optional.get(extra, [])
    names = set()
    for req in reqs:
        m = _REQ_NAME.match(req)
        if m and m.group(1).lower().startswith("manouche-"):
            names.add(m.group(1).lower()[len("manouche-") :])
    return names


def sibling_closure(folder: str, pkgs: dict[str, dict[str, object]]) -> list[str]:
    """Sibling folders a package needs, runtime and test, transitively."""
    seen: set[str] = set()
    todo = list(_sibling_requirements(pkgs[folder], ("test",)))
    while todo:
        name = todo.pop()
        if name in seen or name == folder:
            continue
        if name not in pkgs:
            sys.exit(f"packages/{folder} depends on manouche-{name}, which is not in packages/")
        seen.add(name)
        todo += _sibling_requirements(pkgs[name], ())
    return sorted(seen)


def find_python() -> str:
    """The interpreter for the environments: 3.12 preferred (Django 6.0, the
    behavioural reference, needs it), else the one running this script."""

    def ok(exe: str) -> bool:
        try:
            out = subprocess.run(
                [exe, "-c", "import sys, venv; print(sys.version_info[:2] >= (3, 11))"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return out.returncode == 0 and out.stdout.strip() == "True"

    override = os.environ.get("MANOUCHE_PYTHON")
    if override:
        return override
    if sys.version_info[:2] == (3, 12):
        return sys.executable
    candidates = [shutil.which("python3.12") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"), reverse=True)
    candidates += ["/usr/bin/python3.12", "/usr/local/bin/python3.12"]
    for exe in candidates:
        if exe and ok(exe):
            return exe
    return sys.executable


def vpy(venv: Path = VENV) -> str:
    return str(venv / "bin" / "python")


def uv() -> str:
    return str(VENV / "bin" / "uv")


def _stamp() -> str:
    h = hashlib.sha256()
    for path in sorted(ROOT.glob("packages/*/pyproject.toml")) + [DEV_REQUIREMENTS]:
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def ensure_env(force: bool = False) -> None:
    """Build or refresh the workspace environment (editable installs)."""
    stamp_file = VENV / ".manouche-stamp"
    stamp = _stamp()
    if not force and stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    if not (VENV / "bin" / "python").exists():
        python = find_python()
        say(f"creating .venv with {python}")
        subprocess.check_call([python, "-m", "venv", str(VENV)])
    if not Path(uv()).exists():
        say("installing uv into .venv (fast installs for the isolated environments)")
        subprocess.check_call([vpy(), "-m", "pip", "install", "-q", "uv"])
    pkgs = packages()
    args = [uv(), "pip", "install", "-q", "-p", vpy(), "-r", str(DEV_REQUIREMENTS)]
    for folder, meta in pkgs.items():
        extras = meta.get("project", {}).get("optional-dependencies", {})  # type: ignore[union-attr]
        spec = f"packages/{folder}"
        if extras:
            spec += "[" + ",".join(sorted(extras)) + "]"
        args += ["-e", spec]
    say("installing the workspace packages (editable) and the development tools")
    subprocess.check_call(args, cwd=ROOT)
    stamp_file.write_text(stamp)


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


def _pytest(python: str, cwd: Path, name: str, extra: list[str], log: Path | None) -> int:
    xml = RESULTS / f"{name}.xml"
    xml.unlink(missing_ok=True)
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}", *extra]
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


def isolated_run(folder: str, python: str) -> tuple[str, int, str]:
    """Install one package alone, from its own pyproject, and run its tests."""
    pkgs = packages()
    env_dir = ISO / folder
    shutil.rmtree(env_dir, ignore_errors=True)
    log = RESULTS / f"{folder}.log"
    started = time.monotonic()
    with log.open("w") as fh:
        rc = subprocess.call(
            [uv(), "venv", "-q", "-p", python, str(env_dir)], stdout=fh, stderr=subprocess.STDOUT
        )
        spec = [f"./packages/{folder}[test]"] + [
            f"./packages/{sib}" for sib in sibling_closure(folder, pkgs)
        ]
        if rc == 0:
            rc = subprocess.call(
                [uv(), "pip", "install", "-q", "-p", vpy(env_dir), *spec],
                cwd=ROOT,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
    if rc != 0:
        return folder, rc, f"install failed, see {log.relative_to(ROOT)}"
    test_log = RESULTS / f"{folder}.test.log"
    rc = _pytest(vpy(env_dir), ROOT / "packages" / folder, folder, [], test_log)
    took = time.monotonic() - started
    return folder, rc, f"{took:.0f}s, log {test_log.relative_to(ROOT)}"


def cmd_test(args: argparse.Namespace) -> int:
    ensure_env()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.package:
        rc = 0
        for folder in args.package:
            rc |= _pytest(vpy(), ROOT / "packages" / folder, folder, args.pytest_args, None)
        return rc
    ok = quality_gates()
    python = vpy()
    folders = list(packages())
    say(f"isolated installs and tests of {len(folders)} package(s), two at a time")
    totals = [0, 0, 0]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for folder, rc, note in pool.map(lambda f: isolated_run(f, python), folders):
            p, f, s = _counts(RESULTS / f"{folder}.xml")
            if rc != 0 and f == 0:
                f = 1
            totals = [totals[0] + p, totals[1] + f, totals[2] + s]
            status = "ok" if rc == 0 else "FAILED"
            print(f"    {folder:<12} {status:<7} {p} passed, {f} failed, {s} skipped ({note})")
            if rc != 0:
                ok = False
                for logname in (f"{folder}.test.log", f"{folder}.log"):
                    logf = RESULTS / logname
                    if logf.exists():
                        print(f"---- {logname} (last 150 lines) ----")
                        print("\n".join(logf.read_text(errors="replace").splitlines()[-150:]))
    say("Django's own test suites against the packages (tools/django_suite)")
    ok &= run([vpy(), "-m", "tools.django_suite"], cwd=ROOT) == 0
    say("cross-package and end-to-end tests (tests/)")
    rc = _pytest(python, ROOT, "root", args.pytest_args, None)
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
    ensure_env(force=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("test", help="quality gates and every test suite")
    t.add_argument("-p", "--package", action="append", help="only this package, in .venv")
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
    sub.add_parser("env", help="rebuild .venv").set_defaults(func=cmd_env)
    sub.add_parser("django-suite", help="Django's own tests against the packages (ratchet)")
    argv = sys.argv[1:]
    if argv[:1] == ["django-suite"]:  # its own options, --help included
        return cmd_django_suite(argparse.Namespace(suite_args=argv[1:]))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
