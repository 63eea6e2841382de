"""The Django-suite harness (tools/django_suite): shim scope, crash isolation, ratchet.

A fake test app stands in for Django's test tree, so these run in seconds
with the Django of the workspace environment and fetch nothing.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.django_suite.runner import Suite, ratchet, run_ids  # noqa: E402

FAKE_TESTS = textwrap.dedent(
    """
    import os
    import time
    import unittest

    from fakemod import VALUE
    from . import helper


    class Behaviour(unittest.TestCase):
        def test_a_shimmed(self):
            self.assertEqual(VALUE, "shim")

        def test_b_outside_scope_sees_the_real_module(self):
            self.assertEqual(helper.VALUE, "real")

        def test_c_crash(self):
            os._exit(3)

        def test_d_fails(self):
            self.assertEqual(1, 2)

        def test_e_hangs(self):
            time.sleep(120)

        def test_f_after_the_hang(self):
            pass

        @unittest.skip("Django's own skip")
        def test_g_skipped(self):
            pass


    class BrokenSetup(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("setUpClass broke")

        def test_never_runs(self):
            pass
    """
)


@pytest.fixture
def fake_suite(tmp_path: Path) -> tuple[Suite, Path]:
    tests_dir = tmp_path / "tests"
    app = tests_dir / "fakeapp"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "tests.py").write_text(FAKE_TESTS)
    (tests_dir / "fakemod.py").write_text('VALUE = "real"\n')
    (tests_dir / "helper_real.py").write_text("from fakemod import VALUE\n")
    # fakeapp.helper is outside the shim's scope: it re-exports a module
    # loaded normally.
    (app / "helper.py").write_text("from helper_real import VALUE  # noqa\n")
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    (shim_dir / "fakeshim.py").write_text('VALUE = "shim"\n')
    suite = Suite(
        package="fake",
        name="suite",
        folder=shim_dir,
        django="0",
        labels=["fakeapp.tests"],
        shim={"fakemod": "fakeshim"},
        apps=["fakeapp"],
        scope=["fakeapp"],
        settings={},
        requirements=[],
        exclude={"fakeapp.tests.Behaviour.test_x": "a reason"},
        timeout=3,
    )
    return suite, tests_dir


def test_run_survives_crashes_and_hangs(fake_suite: tuple[Suite, Path]) -> None:
    suite, tests_dir = fake_suite
    prefix = "fakeapp.tests."
    ids = [
        prefix + "Behaviour.test_a_shimmed",
        prefix + "Behaviour.test_b_outside_scope_sees_the_real_module",
        prefix + "Behaviour.test_c_crash",
        prefix + "Behaviour.test_d_fails",
        prefix + "Behaviour.test_e_hangs",
        prefix + "Behaviour.test_f_after_the_hang",
        prefix + "Behaviour.test_g_skipped",
        prefix + "BrokenSetup.test_never_runs",
    ]
    results = run_ids(suite, Path(sys.executable), tests_dir, ids)
    outcomes = {tid.removeprefix(prefix): results[tid][0] for tid in ids}
    assert outcomes == {
        "Behaviour.test_a_shimmed": "pass",
        "Behaviour.test_b_outside_scope_sees_the_real_module": "pass",
        "Behaviour.test_c_crash": "crash",
        "Behaviour.test_d_fails": "fail",
        "Behaviour.test_e_hangs": "timeout",
        "Behaviour.test_f_after_the_hang": "pass",
        "Behaviour.test_g_skipped": "skip",
        "BrokenSetup.test_never_runs": "error",
    }
    assert "setUpClass broke" in results[prefix + "BrokenSetup.test_never_runs"][1]
    assert "1 != 2" in results[prefix + "Behaviour.test_d_fails"][1]


def test_exclusions_match_ids_and_prefixes(fake_suite: tuple[Suite, Path]) -> None:
    suite, _ = fake_suite
    assert suite.excluded("fakeapp.tests.Behaviour.test_x") == "a reason"
    assert suite.excluded("fakeapp.tests.Behaviour.test_xy") is None
    suite.exclude = {"fakeapp.tests.Behaviour": "class"}
    assert suite.excluded("fakeapp.tests.Behaviour.test_a") == "class"
    assert suite.excluded("fakeapp.tests.BehaviourTwo.test_a") is None


def test_ratchet() -> None:
    record = {"a": "pass", "b": "fail", "c": "pass", "d": "error"}
    now = {"a": "pass", "b": "pass", "c": "fail", "e": "pass"}
    regressions, new = ratchet(record, now)
    assert regressions == ["c"]
    assert new == ["b", "e"]
    # A recorded pass that is gone (no longer found, or excluded) is a regression too.
    assert ratchet({"gone": "pass"}, {}) == (["gone"], [])
    assert ratchet({}, {}) == ([], [])


def test_a_toml_with_backends_is_one_suite_per_backend_with_its_own_record(
    tmp_path: Path,
) -> None:
    toml = tmp_path / "suite.toml"
    toml.write_text(
        'django = "5.2"\nlabels = ["app.tests"]\nbackends = ["sqlite", "postgresql", "mariadb"]\n'
        '[shim]\n"django.x" = "shim_x"\n'
    )
    suites = Suite.load("fake", toml)
    assert [s.backend for s in suites] == ["sqlite", "postgresql", "mariadb"]
    assert [s.outcomes_file.name for s in suites] == [
        "outcomes.json",
        "outcomes-postgresql.json",
        "outcomes-mariadb.json",
    ]
    assert [s.title for s in suites] == ["fake", "fake/postgresql", "fake/mariadb"]
    assert [s.selected_by("mariadb") for s in suites] == [False, False, True]
    assert all(s.selected_by("") and s.selected_by("suite") for s in suites)
    other = tmp_path / "django60.toml"
    other.write_text(toml.read_text())
    assert Suite.load("fake", other)[1].outcomes_file.name == "outcomes-django60-postgresql.json"
    toml.write_text(toml.read_text().replace('"mariadb"', '"oracle"'))
    with pytest.raises(SystemExit, match="unknown backends \\['oracle'\\]"):
        Suite.load("fake", toml)
