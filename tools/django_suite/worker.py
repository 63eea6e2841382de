"""Run Django test ids in this process against one Manouche package.

Started by ``tools/django_suite/runner.py`` with the suite environment's
Python (Django of the tests' release plus the package under test). It
configures Django as Django's own ``runtests.py`` does, installs the import
shim, runs the given test ids in order and writes one JSON line per event to
``--out``, flushed at once, so the runner knows which test was running when
a crash took the process down:

    {"start": "dispatch.tests.DispatcherTests.test_send"}
    {"id": "dispatch.tests.DispatcherTests.test_send", "outcome": "pass"}

The shim: the modules of the test apps (``dispatch``, ``urlpatterns``, ...)
are loaded with their own ``__builtins__`` whose ``__import__`` answers the
redirected names (``django.dispatch`` -> the package's shim module). Django
itself, and every module outside the test apps, imports the real Django.

This file imports nothing from the workspace: it runs in another environment.
"""

from __future__ import annotations

import argparse
import builtins
import copy
import importlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import tempfile
import traceback
import unittest
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import IO, Any

ALWAYS_INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sites",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.staticfiles",
]

ALWAYS_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]


# -- the import shim --------------------------------------------------------


def make_shim_builtins(redirects: dict[str, str]) -> dict[str, Any]:
    """A copy of the builtins whose ``__import__`` follows ``redirects``."""
    real_import = builtins.__import__

    def shim_import(
        name: str,
        globals: dict[str, Any] | None = None,  # noqa: A002 - __import__'s names
        locals: dict[str, Any] | None = None,  # noqa: A002
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level == 0 and name in redirects:
            target = importlib.import_module(redirects[name])
            if fromlist:
                return target
            # ``import django.urls``: the name bound is the top package, whose
            # attribute must be the shim for the rest of the statement.
            raise ImportError(
                f"the Django suite shim redirects {name!r}: use 'from {name} import ...'"
            )
        return real_import(name, globals, locals, fromlist or (), level)

    shimmed = dict(vars(builtins))
    shimmed["__import__"] = shim_import
    return shimmed


class _ShimLoader(importlib.machinery.SourceFileLoader):
    shim_builtins: dict[str, Any] = {}

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__["__builtins__"] = self.shim_builtins
        super().exec_module(module)


class ShimFinder(importlib.abc.MetaPathFinder):
    """Loads the modules of the test apps with the shim's builtins."""

    def __init__(self, scope: set[str], shim_builtins: dict[str, Any]) -> None:
        self.scope = scope
        self.shim_builtins = shim_builtins

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in self.scope:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        loader = _ShimLoader(spec.loader.name, spec.loader.path)
        loader.shim_builtins = self.shim_builtins
        spec.loader = loader
        return spec


# -- Django ------------------------------------------------------------------


def configure_django(tests_dir: str, apps: list[str], extra: dict[str, Any]) -> None:
    import django
    from django.conf import settings
    from django.utils.log import DEFAULT_LOGGING

    logging_config = copy.deepcopy(DEFAULT_LOGGING)
    logging_config["loggers"]["django"]["level"] = "ERROR"
    tmp = tempfile.mkdtemp(prefix="django-suite-")
    values: dict[str, Any] = {
        "DATABASES": {
            "default": {"ENGINE": "django.db.backends.sqlite3"},
            "other": {"ENGINE": "django.db.backends.sqlite3"},
        },
        "SECRET_KEY": "django_tests_secret_key",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "USE_TZ": False,
        "INSTALLED_APPS": ALWAYS_INSTALLED_APPS
        + [a for a in apps if a not in ALWAYS_INSTALLED_APPS],
        "ROOT_URLCONF": "urls",
        "STATIC_URL": "static/",
        "STATIC_ROOT": os.path.join(tmp, "static"),
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [os.path.join(tests_dir, "templates")],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            }
        ],
        "LANGUAGE_CODE": "en",
        "SITE_ID": 1,
        "MIDDLEWARE": ALWAYS_MIDDLEWARE,
        "MIGRATION_MODULES": {"auth": None, "contenttypes": None, "sessions": None},
        "LOGGING": logging_config,
        "SILENCED_SYSTEM_CHECKS": ["fields.W342"],
    }
    values.update(extra)
    settings.configure(**values)
    django.setup()


# -- running -------------------------------------------------------------------


class Recorder(unittest.TestResult):
    """Writes each test's start and outcome as it happens."""

    def __init__(self, out: IO[str], wanted: set[str]) -> None:
        super().__init__()
        self.out = out
        self.wanted = wanted
        self.current: dict[str, tuple[str, str]] = {}
        self.reported: set[str] = set()
        self.started: set[str] = set()

    def emit(self, record: dict[str, str]) -> None:
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()

    def startTest(self, test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
        super().startTest(test)
        self.current[test.id()] = ("pass", "")
        self.started.add(test.id())
        self.emit({"start": test.id()})

    def _set(self, test: unittest.TestCase, outcome: str, detail: str) -> None:
        tid = test.id()
        if tid not in self.wanted:
            # setUpClass/tearDownClass errors come on a holder: blame the class.
            self.class_error(tid, outcome, detail)
            return
        previous = self.current.get(tid, ("pass", ""))
        if previous[0] in ("fail", "error"):
            return
        self.current[tid] = (outcome, detail)

    def class_error(self, holder_id: str, outcome: str, detail: str) -> None:
        # "setUpClass (pkg.mod.Class)": the class's tests that have not run
        # yet will not run; each is that error.
        inner = holder_id[holder_id.find("(") + 1 : holder_id.rfind(")")] or holder_id
        for tid in sorted(self.wanted - self.reported - self.started):
            if tid.startswith(inner + "."):
                self.current[tid] = (outcome, f"{holder_id}: {detail}")
                self.stopTest_id(tid)

    def stopTest_id(self, tid: str) -> None:  # noqa: N802
        if tid in self.reported:
            return
        outcome, detail = self.current.get(tid, ("error", "not run"))
        self.reported.add(tid)
        record = {"id": tid, "outcome": outcome}
        if detail:
            record["detail"] = detail[-4000:]
        self.emit(record)

    def addError(self, test: Any, err: Any) -> None:  # noqa: N802
        super().addError(test, err)
        self._set(test, "error", self._exc_info_to_string(err, test))

    def addFailure(self, test: Any, err: Any) -> None:  # noqa: N802
        super().addFailure(test, err)
        self._set(test, "fail", self._exc_info_to_string(err, test))

    def addSkip(self, test: Any, reason: str) -> None:  # noqa: N802
        super().addSkip(test, reason)
        self._set(test, "skip", reason)

    def addExpectedFailure(self, test: Any, err: Any) -> None:  # noqa: N802
        super().addExpectedFailure(test, err)
        self._set(test, "skip", "expected failure")

    def addUnexpectedSuccess(self, test: Any) -> None:  # noqa: N802
        super().addUnexpectedSuccess(test)
        self._set(test, "fail", "unexpected success")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:  # noqa: N802
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._set(test, "fail" if failed else "error", self._exc_info_to_string(err, test))

    def stopTest(self, test: unittest.TestCase) -> None:  # noqa: N802
        super().stopTest(test)
        self.stopTest_id(test.id())


def flatten(suite: unittest.TestSuite | unittest.TestCase) -> list[unittest.TestCase]:
    if isinstance(suite, unittest.TestCase):
        return [suite]
    found: list[unittest.TestCase] = []
    for item in suite:
        found += flatten(item)
    return found


def load(labels: list[str]) -> list[unittest.TestCase]:
    loader = unittest.TestLoader()
    tests: list[unittest.TestCase] = []
    for label in labels:
        tests += flatten(loader.loadTestsFromName(label))
    return tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests-dir", required=True)
    parser.add_argument("--config", required=True, help="JSON: apps, shim, scope, settings")
    parser.add_argument("--list", action="store_true", help="print the test ids of the labels")
    parser.add_argument("--ids", help="file with one test id a line, to run in order")
    parser.add_argument("--out", help="JSON lines of starts and outcomes")
    args = parser.parse_args(argv)
    config = json.loads(args.config)
    sys.path[:0] = [args.tests_dir, config["shim_dir"]]
    os.environ.setdefault("TMPDIR", tempfile.gettempdir())
    redirects: dict[str, str] = config["shim"]
    finder = ShimFinder(set(config["scope"]), make_shim_builtins(redirects))
    sys.meta_path.insert(0, finder)
    configure_django(args.tests_dir, config["apps"], config.get("settings", {}))
    for target in sorted(set(redirects.values())):
        install: Callable[[], None] | None = getattr(
            importlib.import_module(target), "install", None
        )
        if install is not None:
            install()

    if args.list:
        ids: list[str] = []
        for label in config["labels"]:
            try:
                ids += [t.id() for t in load([label])]
            except Exception:
                print(json.dumps({"unloadable": label, "detail": traceback.format_exc()}))
        for tid in ids:
            print(json.dumps({"test": tid}))
        return 0

    assert args.ids and args.out
    with open(args.ids) as fh:
        wanted = [line.strip() for line in fh if line.strip()]
    from django.test import TransactionTestCase
    from django.test.utils import setup_databases, setup_test_environment

    with open(args.out, "a") as out:
        recorder = Recorder(out, set(wanted))
        tests: list[unittest.TestCase] = []
        for tid in wanted:
            try:
                tests += load([tid])
            except Exception:
                recorder.current[tid] = ("error", traceback.format_exc())
                recorder.stopTest_id(tid)
        setup_test_environment(debug=False)
        if any(isinstance(t, TransactionTestCase) for t in tests):
            aliases = set()
            for t in tests:
                aliases |= set(getattr(t, "databases", ()) or ())
            setup_databases(verbosity=0, interactive=False, aliases=aliases or {"default"})
        unittest.TestSuite(tests).run(recorder)
        for tid in wanted:
            recorder.stopTest_id(tid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
