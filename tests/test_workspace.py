"""The workspace keeps the layout ARCHITECTURE.md promises."""

from __future__ import annotations

import importlib
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in ROOT.glob("packages/*/pyproject.toml"))

sys.path.insert(0, str(ROOT))
from dev import check_changelog, check_layout, packages, workspace_closure  # noqa: E402
from tools.coupling import ALLOWED, importlinter_config  # noqa: E402


def test_layout_rules_hold() -> None:
    assert check_layout() == []


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.name)
def test_every_public_name_is_exported(pkg: Path) -> None:
    name = pkg.name.replace("-", "_")
    module = importlib.import_module(f"manouche.{name}")
    exported = getattr(module, "__all__", None)
    assert exported, f"manouche.{name} must list its public names in __all__"
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == []


def test_manouche_is_a_namespace_package() -> None:
    import manouche

    assert getattr(manouche, "__file__", None) is None
    assert len(list(manouche.__path__)) >= len(PACKAGES)


def test_sibling_dependencies_use_ranges_not_pins() -> None:
    for pkg in PACKAGES:
        meta = tomllib.loads((pkg / "pyproject.toml").read_text())
        deps = list(meta["project"].get("dependencies", []))
        for extra in meta["project"].get("optional-dependencies", {}).values():
            deps += extra
        for dep in deps:
            if dep.startswith("manouche-"):
                assert "==" not in dep, f"{pkg.name}: pin {dep!r}; use a compatible range"


def test_isolation_installs_declared_siblings_only() -> None:
    pkgs = packages()
    for folder in pkgs:
        closure = workspace_closure(folder, extras=())
        assert folder not in closure
        assert set(closure) <= set(pkgs)
    # The ground floor needs no sibling; a package's test extra may add some.
    assert workspace_closure("signals", extras=()) == []
    assert workspace_closure("validation", extras=()) == []
    assert workspace_closure("orm-lite", extras=()) == ["signals", "validation"]
    assert "testkit" in workspace_closure("orm-lite")


def test_import_contracts_cover_every_forbidden_edge() -> None:
    cfg = importlinter_config(["signals", "httpkit", "urlmap"])
    # httpkit may import signals, nothing else; signals imports no sibling.
    httpkit = cfg.split("[importlinter:contract:httpkit]")[1].split("[importlinter")[0]
    assert "manouche.urlmap" in httpkit and "manouche.signals" not in httpkit
    signals = cfg.split("[importlinter:contract:signals]")[1].split("[importlinter")[0]
    assert "manouche.httpkit" in signals and "manouche.urlmap" in signals
    assert ALLOWED["orm_lite"] == frozenset({"signals", "validation"})
    # The ground floor imports no sibling.
    assert "validation" not in ALLOWED


GOOD_CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Something new.

## [0.2.0] - 2026-12-07

### Fixed
- Something fixed.

## [0.1.0] - 2026-11-25
"""


def test_changelog_format_is_checked() -> None:
    assert check_changelog("x", GOOD_CHANGELOG, "0.2.0") == []
    assert check_changelog("x", GOOD_CHANGELOG, "0.3.0") == [
        "packages/x/CHANGELOG.md: newest release (0.2.0) is not the pyproject version (0.3.0)"
    ]
    no_unreleased = GOOD_CHANGELOG.replace("## [Unreleased]\n\n### Added\n- Something new.\n\n", "")
    assert check_changelog("x", no_unreleased, "0.2.0") == [
        "packages/x/CHANGELOG.md: the first section must be '## [Unreleased]'"
    ]
    assert (
        "is not '## [X.Y.Z] - YYYY-MM-DD'"
        in check_changelog(
            "x", GOOD_CHANGELOG.replace("## [0.1.0] - 2026-11-25", "## 0.1.0"), "0.2.0"
        )[0]
    )
    assert (
        "'### Improved' is not one of"
        in check_changelog("x", GOOD_CHANGELOG.replace("### Fixed", "### Improved"), "0.2.0")[0]
    )


def test_sibling_ranges_hold_the_current_version() -> None:
    versions = {
        tomllib.loads((pkg / "pyproject.toml").read_text())["project"]["name"]: tomllib.loads(
            (pkg / "pyproject.toml").read_text()
        )["project"]["version"]
        for pkg in PACKAGES
    }
    for pkg in PACKAGES:
        for dep in tomllib.loads((pkg / "pyproject.toml").read_text())["project"].get(
            "dependencies", []
        ):
            name = dep.split(">=")[0].split("[")[0]
            if name in versions:
                low, high = dep.split(">=")[1].split(",<")
                current = tuple(int(x) for x in versions[name].split(".")[:2])
                assert tuple(int(x) for x in low.split(".")) <= current, dep
                assert current < tuple(int(x) for x in high.split(".")), dep
