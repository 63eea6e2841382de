"""The environment factory: override order, package templates, autoescape, strictness,
sandbox, bytecode cache, and errors that name the template and line."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import jinja2
import jinja2.sandbox
import pytest
from jinja2.exceptions import SecurityError

from manouche.tplkit import (
    Environment,
    ResourceLoader,
    SandboxedEnvironment,
    create_environment,
    template_location,
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def packages(tmp_path: Path) -> Iterator[Path]:
    """Two importable packages shipping templates: one as a directory, one in a zip file."""
    root = tmp_path / "site-packages"
    write(
        root,
        {
            "tplpkg_dir/__init__.py": "",
            "tplpkg_dir/templates/shared.html": "dir package",
            "tplpkg_dir/templates/only_dir.html": "only in dir package",
            "tplpkg_dir/templates/admin/base.html": "package base {{ x }}",
            "tplpkg_dir/custom/alt.html": "from custom directory",
        },
    )
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("tplpkg_zip/__init__.py", "")
        zf.writestr("tplpkg_zip/templates/shared.html", "zip package")
        zf.writestr("tplpkg_zip/templates/only_zip.html", "zipped {{ 1 + 1 }}")
        zf.writestr("tplpkg_zip/templates/sub/deep.html", "deep")
    sys.path[:0] = [str(root), str(archive)]
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        sys.path.remove(str(archive))
        for name in [m for m in sys.modules if m.startswith(("tplpkg_dir", "tplpkg_zip"))]:
            del sys.modules[name]


def test_override_order_app_dirs_then_packages(tmp_path: Path, packages: Path) -> None:
    first = write(tmp_path / "app", {"admin/base.html": "app base", "shared.html": "app shared"})
    second = write(tmp_path / "more", {"shared.html": "second dir", "extra.html": "extra"})
    env = create_environment([first, second], packages=["tplpkg_dir", "tplpkg_zip"])
    assert env.get_template("admin/base.html").render() == "app base"
    assert env.get_template("shared.html").render() == "app shared"
    assert env.get_template("extra.html").render() == "extra"
    assert env.get_template("only_dir.html").render() == "only in dir package"
    assert env.get_template("only_zip.html").render() == "zipped 2"
    env2 = create_environment(packages=["tplpkg_zip", "tplpkg_dir"])
    assert env2.get_template("shared.html").render() == "zip package"
    assert env2.get_template("admin/base.html").render(x=1) == "package base 1"


def test_resource_loader_directory_listing_and_traversal(packages: Path) -> None:
    env = create_environment(packages=[("tplpkg_dir", "custom")])
    assert env.get_template("alt.html").render() == "from custom directory"
    assert ResourceLoader("tplpkg_zip").list_templates() == [
        "only_zip.html",
        "shared.html",
        "sub/deep.html",
    ]
    zipped = create_environment(packages=["tplpkg_zip"])
    assert zipped.get_template("sub/deep.html").render() == "deep"
    with pytest.raises(jinja2.TemplateNotFound):
        zipped.get_template("../tplpkg_zip/__init__.py")
    with pytest.raises(jinja2.TemplateNotFound):
        zipped.get_template("missing.html")
    with pytest.raises(jinja2.TemplateNotFound, match="not importable"):
        create_environment(packages=["no_such_package_xyz"]).get_template("a.html")


def test_directory_templates_reload_when_changed(tmp_path: Path, packages: Path) -> None:
    import os

    env = create_environment(packages=["tplpkg_dir"])
    assert env.get_template("only_dir.html").render() == "only in dir package"
    path = packages / "tplpkg_dir/templates/only_dir.html"
    path.write_text("changed")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert env.get_template("only_dir.html").render() == "changed"


def test_autoescape_by_extension_and_for_strings(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            n: "{{ v }}"
            for n in ("a.html", "a.htm", "a.xml", "a.txt", "a.md", "a.html.j2", "a.xml.jinja")
        },
    )
    env = create_environment(tmp_path)
    v = "<b>&</b>"
    for name in ("a.html", "a.htm", "a.xml", "a.html.j2", "a.xml.jinja"):
        assert env.get_template(name).render(v=v) == "&lt;b&gt;&amp;&lt;/b&gt;"
    for name in ("a.txt", "a.md"):
        assert env.get_template(name).render(v=v) == v
    assert env.from_string("{{ v }}").render(v=v) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert create_environment(autoescape=False).from_string("{{ v }}").render(v=v) == v


def test_strict_undefined() -> None:
    assert create_environment().from_string("[{{ missing }}]").render() == "[]"
    strict = create_environment(strict=True)
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        strict.from_string("{{ missing }}").render()
    with pytest.raises(TypeError, match="not both"):
        create_environment(strict=True, undefined=jinja2.ChainableUndefined)


def test_sandbox_blocks_unsafe_access() -> None:
    env = create_environment(sandboxed=True)
    assert isinstance(env, SandboxedEnvironment)
    assert isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    assert isinstance(env, Environment)
    assert env.from_string("{{ x|intcomma }}").render(x=1000) == "1,000"
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()
    # An unsafe attribute printed on its own shows nothing; used further, it raises.
    assert env.from_string("{{ f.__globals__ }}").render(f=test_sandbox_blocks_unsafe_access) == ""
    with pytest.raises(SecurityError):
        env.from_string("{{ f.__globals__['os'] }}").render(f=test_sandbox_blocks_unsafe_access)
    unsafe = create_environment()
    assert "object" in unsafe.from_string("{{ ''.__class__.__mro__ }}").render()


def test_bytecode_cache_directory(tmp_path: Path) -> None:
    write(tmp_path / "t", {"page.html": "{% for i in range(3) %}{{ i }}{% endfor %}"})
    cache_dir = tmp_path / "bytecode"
    env = create_environment(tmp_path / "t", bytecode_cache=cache_dir)
    assert env.get_template("page.html").render() == "012"
    assert len(list(cache_dir.iterdir())) == 1
    fresh = create_environment(tmp_path / "t", bytecode_cache=str(cache_dir))
    assert fresh.get_template("page.html").render() == "012"
    custom = jinja2.FileSystemBytecodeCache(str(tmp_path / "other"))
    (tmp_path / "other").mkdir()
    assert create_environment(bytecode_cache=custom).bytecode_cache is custom
    with pytest.raises(TypeError, match="bytecode_cache"):
        create_environment(bytecode_cache=42)  # type: ignore[arg-type]


def test_runtime_errors_name_template_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.html": "<html>\n{% block body %}{% endblock %}\n</html>",
            "page.html": (
                '{% extends "base.html" %}\n{% block body %}\nline 3\n'
                '{% include "row.html" %}\n{% endblock %}'
            ),
            "row.html": "ok\n{{ 1 // zero }}\n",
        },
    )
    env = create_environment(tmp_path)
    with pytest.raises(ZeroDivisionError) as info:
        env.get_template("page.html").render(zero=0)
    notes = info.value.__notes__
    # Innermost first, then the way there: page.html's include inside the body block,
    # which base.html calls, which page.html's extends started.
    assert notes == [
        'in template "row.html", line 2 '
        '(from "page.html", line 4, "base.html", line 2, "page.html", line 1)'
    ]
    where = template_location(info.value)
    assert where[-1][0].endswith("row.html") and where[-1][1] == 2
    assert template_location(ValueError()) == []


def test_strict_undefined_error_names_template(tmp_path: Path) -> None:
    write(tmp_path, {"x.html": "a\nb\n{{ user.name }}"})
    env = create_environment(tmp_path, strict=True)
    with pytest.raises(jinja2.UndefinedError) as info:
        env.get_template("x.html").render()
    assert info.value.__notes__ == ['in template "x.html", line 3']


def test_syntax_errors_name_template_and_line(tmp_path: Path) -> None:
    write(tmp_path, {"bad.html": "one\ntwo\n{% if %}\n"})
    env = create_environment(tmp_path)
    with pytest.raises(jinja2.TemplateSyntaxError) as info:
        env.get_template("bad.html")
    assert info.value.name == "bad.html"
    assert info.value.lineno == 3
    assert info.value.__notes__ == ['in template "bad.html", line 3']


def test_options_pass_through_and_bad_processor() -> None:
    env = create_environment(trim_blocks=True, lstrip_blocks=True)
    assert env.from_string("  {% if 1 %}\nx{% endif %}").render() == "x"
    with pytest.raises(TypeError, match="context processor must be callable"):
        create_environment(context_processors=["nope"])  # type: ignore[list-item]


def test_namespace_package_templates_from_several_directories(tmp_path: Path) -> None:
    write(tmp_path / "a", {"nstpl/templates/one.html": "from a"})
    write(tmp_path / "b", {"nstpl/templates/sub/two.html": "from b"})
    sys.path[:0] = [str(tmp_path / "a"), str(tmp_path / "b")]
    try:
        env = create_environment(packages=["nstpl"])
        assert env.get_template("one.html").render() == "from a"
        assert env.get_template("sub/two.html").render() == "from b"
        assert ResourceLoader("nstpl").list_templates() == ["one.html", "sub/two.html"]
    finally:
        del sys.path[:2]
        sys.modules.pop("nstpl", None)


def test_overlay_keeps_the_tplkit_setup() -> None:
    def processor(request: object) -> dict[str, str]:
        return {"who": "overlay"}

    env = create_environment(context_processors=[processor], time_zone="Europe/Paris")
    child = env.overlay(autoescape=False)
    assert isinstance(child, Environment)
    assert child.tplkit_context_processors == (processor,)
    assert str(child.tplkit_time_zone) == "Europe/Paris"
    assert child.from_string("{{ 1000|intcomma }} {{ '<b>' }}").render() == "1,000 <b>"
