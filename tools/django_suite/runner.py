"""Run Django's own test modules against one Manouche package, with a ratchet.

    python3 dev.py django-suite                 every package that has a suite
    python3 dev.py django-suite signals urlmap  those packages
    python3 dev.py django-suite signals --update    record the new passes
    python3 dev.py django-suite signals -k test_send    only matching ids, no ratchet

A package opts in with ``packages/<name>/tests/django_suite/suite.toml``
(see ``tools/django_suite/README.md``); its per-test outcomes are committed
beside it in ``outcomes.json``. A test recorded as passing that does not pass
now fails the run, named; tests that pass now and were not recorded as
passing are listed, and ``--update`` records them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "django-suite"
WORKER = Path(__file__).resolve().parent / "worker.py"
# What is kept of Django's source distribution: the tests and the licence
# they are distributed under (BSD-3-Clause, with Python's licence for the
# parts derived from it).
KEPT = ("tests/", "LICENSE", "LICENSE.python", "AUTHORS")
OUTCOMES = ("pass", "fail", "error", "skip", "crash", "timeout")
#: Where a suite may run: SQLite (the shim's file) or a server named as in manouche.testkit.
BACKENDS = ("sqlite", "postgresql", "mariadb")


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


@dataclass
class Suite:
    """One package's ``suite.toml``."""

    package: str
    name: str
    folder: Path
    django: str
    labels: list[str]
    shim: dict[str, str]
    apps: list[str]
    scope: list[str]
    settings: dict[str, Any]
    requirements: list[str]
    exclude: dict[str, str]
    timeout: int
    #: "sqlite" (the shim's own file), or a server the suite runs on in a fresh
    #: database ("postgresql", "mariadb"), each with its own record.
    backend: str = "sqlite"
    outcomes_file: Path = field(init=False)

    def __post_init__(self) -> None:
        stem = "outcomes" if self.name == "suite" else f"outcomes-{self.name}"
        if self.backend != "sqlite":
            stem += f"-{self.backend}"
        self.outcomes_file = self.folder / f"{stem}.json"

    @property
    def path_label(self) -> str:
        label = str((self.folder / f"{self.name}.toml").relative_to(ROOT))
        return label if self.backend == "sqlite" else f"{label} on {self.backend}"

    @property
    def title(self) -> str:
        title = self.package if self.name == "suite" else f"{self.package}/{self.name}"
        return title if self.backend == "sqlite" else f"{title}/{self.backend}"

    def selected_by(self, only: str) -> bool:
        """Whether ``package/ONLY`` names this suite: its name, its backend, or both."""
        return not only or only in (self.name, self.backend, f"{self.name}/{self.backend}")

    @classmethod
    def load_all(cls, package: str) -> list[Suite]:
        """The package's suites: ``suite.toml`` and any other ``*.toml`` beside it."""
        folder = ROOT / "packages" / package / "tests" / "django_suite"
        paths = sorted(folder.glob("*.toml"))
        if not paths:
            raise SystemExit(f"packages/{package} has no tests/django_suite/suite.toml")
        return [suite for path in paths for suite in cls.load(package, path)]

    @classmethod
    def load(cls, package: str, path: Path) -> list[Suite]:
        """The suite of one ``.toml``, once per backend it lists."""
        folder = path.parent
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        unknown = set(data) - {
            "django", "labels", "shim", "apps", "scope", "settings",
            "requirements", "exclude", "timeout", "backends",
        }  # fmt: skip
        if unknown:
            raise SystemExit(f"{path}: unknown keys {sorted(unknown)}")
        labels = list(data["labels"])
        apps = list(data.get("apps") or sorted({label.split(".")[0] for label in labels}))
        exclude = dict(data.get("exclude", {}))
        for key, reason in exclude.items():
            if not isinstance(reason, str) or not reason.strip():
                raise SystemExit(f"{path}: the exclusion of {key!r} needs a reason")
        backends = list(data.get("backends", ["sqlite"]))
        bad = sorted(set(backends) - set(BACKENDS))
        if bad:
            raise SystemExit(f"{path}: unknown backends {bad}; known: {', '.join(BACKENDS)}")
        return [
            cls(
                package=package,
                name=path.stem,
                folder=folder,
                django=str(data["django"]),
                labels=labels,
                shim=dict(data["shim"]),
                apps=apps,
                scope=list(data.get("scope") or apps),
                settings=dict(data.get("settings", {})),
                requirements=list(data.get("requirements", [])),
                exclude=exclude,
                timeout=int(data.get("timeout", 120)),
                backend=backend,
            )
            for backend in backends
        ]

    def excluded(self, test_id: str) -> str | None:
        for key, reason in self.exclude.items():
            if test_id == key or test_id.startswith(key + "."):
                return reason
        return None


def configured_packages() -> list[str]:
    return sorted({p.parts[-4] for p in ROOT.glob("packages/*/tests/django_suite/*.toml")})


# -- Django's sources ------------------------------------------------------------


def _pip_python() -> str:
    """An interpreter with pip: the workspace environments are made by uv, without pip,
    so the interpreter they were made from downloads the sdist."""
    for python in (sys.executable, getattr(sys, "_base_executable", None), "python3"):
        if not python:
            continue
        probe = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return python
    raise SystemExit("no interpreter with pip to download Django's source distribution")


def fetch(version: str) -> Path:
    """Django ``version``'s tests and licence, from its sdist on PyPI, cached."""
    target = CACHE / f"django-{version}"
    if (target / ".complete").exists():
        return target
    say(f"fetching Django {version}'s source distribution (tests and licence)")
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.check_call(
            [
                _pip_python(), "-m", "pip", "download", "-q", "--no-deps",
                "--no-binary", ":all:", f"django=={version}", "-d", tmp,
            ]
        )  # fmt: skip
        (sdist,) = Path(tmp).glob("[Dd]jango-*.tar.gz")
        with tarfile.open(sdist) as tar:
            prefix = tar.getnames()[0].split("/")[0] + "/"
            members = []
            for member in tar.getmembers():
                rel = member.name[len(prefix) :]
                if any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in KEPT):
                    member.name = rel
                    members.append(member)
            tar.extractall(target, members=members, filter="data")
    (target / ".complete").write_text(version + "\n")
    return target


# -- the environment ---------------------------------------------------------------


def ensure_env(suite: Suite) -> Path:
    """A virtual environment with Django ``suite.django`` and the package (editable):
    the package and its siblings as ``uv.lock`` resolves them, then the suite's Django
    and requirements on top."""
    sys.path.insert(0, str(ROOT))
    from dev import uv, uv_env

    env = CACHE / f"env-{suite.package}-{suite.django}"
    specs = [f"django=={suite.django}", *suite.requirements]
    digest = hashlib.sha256(json.dumps(specs).encode())
    digest.update((ROOT / "uv.lock").read_bytes())
    stamp = env / ".suite-stamp"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return env
    say(f"building {env.relative_to(ROOT)}")
    shutil.rmtree(env, ignore_errors=True)
    sync = [uv(), "sync", "--locked", "-q", "--package", f"manouche-{suite.package}"]
    subprocess.check_call(sync, cwd=ROOT, env=uv_env(env))
    install = [uv(), "pip", "install", "-q", "-p", str(env / "bin" / "python"), *specs]
    subprocess.check_call(install, cwd=ROOT, env=uv_env())
    stamp.write_text(digest.hexdigest())
    return env


# -- running -----------------------------------------------------------------------


def _worker_config(suite: Suite) -> str:
    return json.dumps(
        {
            "labels": suite.labels,
            "shim": suite.shim,
            "shim_dir": str(suite.folder),
            "apps": suite.apps,
            "scope": suite.scope,
            "settings": suite.settings,
        }
    )


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def discover(suite: Suite, python: Path, tests_dir: Path) -> tuple[list[str], list[str]]:
    """The test ids of the suite's labels, and the labels that failed to load."""
    proc = subprocess.run(
        [str(python), str(WORKER), "--tests-dir", str(tests_dir), "--config",
         _worker_config(suite), "--list"],
        capture_output=True, text=True, cwd=tests_dir, env=_worker_env(), timeout=600,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"listing the tests of {suite.package} failed:\n{proc.stderr}")
    ids: list[str] = []
    broken: list[str] = []
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "test" in record:
            ids.append(record["test"])
        else:
            broken.append(f"{record['unloadable']}:\n{record['detail']}")
    return ids, broken


def run_ids(
    suite: Suite, python: Path, tests_dir: Path, ids: list[str]
) -> dict[str, tuple[str, str]]:
    """Run ``ids`` in worker processes; a crash or hang costs only the test it hit."""
    results: dict[str, tuple[str, str]] = {}
    todo = list(ids)
    with tempfile.TemporaryDirectory() as tmp:
        attempt = 0
        while todo:
            attempt += 1
            ids_file = Path(tmp) / f"ids-{attempt}.txt"
            out_file = Path(tmp) / f"out-{attempt}.jsonl"
            ids_file.write_text("\n".join(todo) + "\n")
            out_file.touch()
            cmd = [
                str(python), str(WORKER), "--tests-dir", str(tests_dir), "--config",
                _worker_config(suite), "--ids", str(ids_file), "--out", str(out_file),
            ]  # fmt: skip
            log = Path(tmp) / f"log-{attempt}.txt"
            with log.open("w") as fh:
                rc, ended, running = _watch(
                    subprocess.Popen(
                        cmd, cwd=tests_dir, env=_worker_env(), stdout=fh, stderr=subprocess.STDOUT
                    ),
                    out_file,
                    results,
                    suite.timeout,
                )
            tail = log.read_text(errors="replace")[-3000:]
            if running is not None:
                results[running] = (ended, f"worker exit {rc}; output:\n{tail}")
            left = [t for t in todo if t not in results]
            if len(left) == len(todo):
                # No progress (the worker died before its first test): every
                # remaining test is that failure, rather than trying forever.
                for tid in todo:
                    results[tid] = ("crash", f"worker exit {rc} before any test; output:\n{tail}")
                left = []
            todo = left
    return results


def _watch(
    proc: subprocess.Popen[bytes],
    out_file: Path,
    results: dict[str, tuple[str, str]],
    per_test: int,
) -> tuple[int, str, str | None]:
    """Follow a worker's records until it exits; kill it when one test runs too long.

    Returns (exit code, "crash" or "timeout", the test running when it ended).
    """
    running: str | None = None
    started = time.monotonic()
    offset = 0
    ended = "crash"
    while True:
        rc = proc.poll()
        with out_file.open() as fh:
            fh.seek(offset)
            chunk = fh.read()
        complete = chunk[: chunk.rfind("\n") + 1]
        offset += len(complete.encode())
        for line in complete.splitlines():
            record = json.loads(line)
            if "start" in record:
                running, started = record["start"], time.monotonic()
            else:
                results[record["id"]] = (record["outcome"], record.get("detail", ""))
                if running == record["id"]:
                    running = None
        if rc is not None:
            return rc, ended, running
        # A test gets ``per_test`` seconds; starting Django gets ten times that.
        limit = per_test if running is not None else per_test * 10
        if time.monotonic() - started > limit:
            proc.kill()
            proc.wait()
            ended = "timeout"
            continue
        time.sleep(0.05)


# -- the record and the ratchet ------------------------------------------------------


def read_record(suite: Suite) -> dict[str, str]:
    if not suite.outcomes_file.exists():
        return {}
    data = json.loads(suite.outcomes_file.read_text())
    return dict(data.get("outcomes", {}))


def write_record(suite: Suite, outcomes: dict[str, str], total: int, excluded: int) -> None:
    counted = {t: o for t, o in outcomes.items() if o != "skip"}
    passed = sum(1 for o in counted.values() if o == "pass")
    data = {
        "django": suite.django,
        "labels": suite.labels,
        "summary": {
            "tests": total,
            "excluded": excluded,
            "skipped": len(outcomes) - len(counted),
            "passed": passed,
            "pass_rate": f"{passed}/{len(counted)}",
        },
        "outcomes": dict(sorted(outcomes.items())),
    }
    suite.outcomes_file.write_text(json.dumps(data, indent=1) + "\n")


def ratchet(record: dict[str, str], outcomes: dict[str, str]) -> tuple[list[str], list[str]]:
    """(tests recorded as passing that do not pass now, passing tests not recorded so).

    A recorded pass that is missing from ``outcomes`` (no longer found, or
    newly excluded) counts as a regression: the ratchet never loosens silently.
    """
    regressions = sorted(t for t, o in record.items() if o == "pass" and outcomes.get(t) != "pass")
    new_passes = sorted(t for t, o in outcomes.items() if o == "pass" and record.get(t) != "pass")
    return regressions, new_passes


def run_suite(suite: Suite, update: bool, keyword: str | None, verbose: bool) -> bool:
    """Run one suite; on a server, in a database of its own made for the run."""
    if suite.backend == "sqlite":
        return _run_suite(suite, update, keyword, verbose)
    from manouche.testkit.services import (
        fresh_database,
        get_service,
        service_answers,
        services_required,
    )

    if not service_answers(suite.backend):
        host, port = get_service(suite.backend).address
        reason = f"{get_service(suite.backend).label} does not answer on {host}:{port}"
        if services_required():
            print(f"    {suite.title}: {reason} (MANOUCHE_REQUIRE_SERVICES is set)")
            return False
        print(f"    {suite.title}: skipped, {reason}")
        return True
    with fresh_database(suite.backend, prefix="djsuite") as url:
        before = os.environ.get(DATABASE_URL_VAR)
        os.environ[DATABASE_URL_VAR] = url
        try:
            return _run_suite(suite, update, keyword, verbose)
        finally:
            if before is None:
                os.environ.pop(DATABASE_URL_VAR, None)
            else:
                os.environ[DATABASE_URL_VAR] = before


#: The database a server suite's shim runs on (read by the package's shim).
DATABASE_URL_VAR = "MANOUCHE_DJANGO_SUITE_DATABASE_URL"


def _run_suite(suite: Suite, update: bool, keyword: str | None, verbose: bool) -> bool:
    started = time.monotonic()
    package = suite.title
    source = fetch(suite.django)
    env = ensure_env(suite)
    python = env / "bin" / "python"
    tests_dir = source / "tests"
    ids, broken = discover(suite, python, tests_dir)
    for problem in broken:
        print(f"    cannot load {problem}")
    unused = [k for k in suite.exclude if not any(t == k or t.startswith(k + ".") for t in ids)]
    for key in unused:
        print(f"    exclusion {key!r} matches no test (remove it from suite.toml)")
    wanted = [t for t in ids if suite.excluded(t) is None]
    if keyword:
        wanted = [t for t in wanted if keyword in t]
    results = run_ids(suite, python, tests_dir, wanted)
    outcomes = {t: results[t][0] for t in wanted}
    counted = [t for t in wanted if outcomes[t] != "skip"]
    passed = [t for t in counted if outcomes[t] == "pass"]
    took = time.monotonic() - started
    n_excluded = len(ids) - len([t for t in ids if suite.excluded(t) is None])
    print(
        f"    {package}: Django {suite.django} {', '.join(suite.labels)}: "
        f"{len(passed)} of {len(counted)} pass ({len(ids)} tests, {n_excluded} excluded, "
        f"{len(wanted) - len(counted)} skipped by Django) in {took:.0f}s",
        flush=True,
    )
    for tid in counted:
        if outcomes[tid] != "pass" and verbose:
            print(f"    --- {outcomes[tid]}: {tid}\n{results[tid][1]}")
    if keyword:
        return not broken and all(o in ("pass", "skip") for o in outcomes.values())

    record = read_record(suite)
    regressions, new_passes = ratchet(record, outcomes)
    for tid in regressions:
        now = outcomes.get(tid, "not found (or now excluded)")
        print(f"    RATCHET: {tid} passed before and now is {now}")
        if tid in results:
            print("        " + results[tid][1].strip().replace("\n", "\n        ")[-2500:])
    if broken:
        print(f"    {len(broken)} test module(s) could not be loaded")
    if new_passes and not update:
        print(f"    {len(new_passes)} test(s) pass that the record does not list as passing:")
        for tid in new_passes:
            print(f"        {tid}")
        print(f"    record them: python3 dev.py django-suite {package} --update")
    changed = {t: o for t, o in outcomes.items() if record.get(t) != o}
    if update:
        if regressions:
            print("    not updating the record: fix the regressions first")
        else:
            write_record(suite, outcomes, len(ids), n_excluded)
            if changed or not suite.outcomes_file.exists():
                print(f"    recorded {suite.outcomes_file.relative_to(ROOT)}")
    return not regressions and not broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dev.py django-suite",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("packages", nargs="*", help="package folders (default: all with a suite)")
    parser.add_argument("--update", action="store_true", help="record the outcomes")
    parser.add_argument("-k", dest="keyword", help="only test ids containing this (no ratchet)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure")
    args = parser.parse_args(argv)
    names = args.packages or configured_packages()
    ok = True
    for name in names:
        package, _, only = name.partition("/")
        for suite in Suite.load_all(package):
            if not suite.selected_by(only):
                continue
            say(f"Django's own tests against manouche-{package} ({suite.path_label})")
            ok &= run_suite(suite, args.update, args.keyword, args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
