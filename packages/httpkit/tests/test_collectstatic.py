"""collectstatic: hashed names, CSS rewriting and the manifest, against Django's storage."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from manouche.httpkit.collectstatic import (
    MANIFEST_NAME,
    CollectStaticError,
    StaticManifest,
    collectstatic,
    main,
)

PNG = bytes(range(256)) * 3
SITE_CSS = """@import "base.css";
@import url(deep/a.css);
@IMPORT 'print.css' print;
body { background: url(../img/bg.png) no-repeat; }
.logo { background-image: URL('../img/logo.png'); }
.abs { background: url(/static/img/logo.png); }
.other { background: url(/elsewhere/logo.png); }
.ext { background: url(http://example.com/x.png), url(//cdn.example.com/y.png); }
.data { background: url(data:image/png;base64,iVBORw0KGgo=); }
.frag { filter: url(#blur); }
.svg { mask: url("../img/icons.svg#star"); }
@font-face {
  font-family: F;
  src: url("../fonts/f.eot?#iefix") format("embedded-opentype"),
       url('../fonts/f.woff2?v=3') format("woff2"),
       url(../fonts/f%20x.woff);
}
/*# sourceMappingURL=site.css.map */
"""

FILES: dict[str, bytes] = {
    "css/site.css": SITE_CSS.encode(),
    "css/base.css": b"h1 { background: url('../img/bg.png'); }\n" + b"/* pad */" * 40,
    "css/print.css": b"@import 'base.css';\nbody { color: black }\n",
    "css/deep/a.css": b"@import '../deeper/b.css';\n.a { background: url(../../img/logo.png) }\n",
    "css/deeper/b.css": b"@import 'c.css';\n",
    "css/deeper/c.css": b".c { background: url('../../img/bg.png') }\n",
    "css/site.css.map": b'{"version": 3, "sources": ["site.scss"]}',
    "js/app.js": b"console.log(1);\n//# sourceMappingURL=app.js.map\n" + b"// x\n" * 80,
    "js/app.js.map": b'{"version": 3}',
    "img/bg.png": PNG,
    "img/logo.png": PNG[::-1],
    "img/icons.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "fonts/f.eot": b"eot",
    "fonts/f.woff2": b"woff2",
    "fonts/f x.woff": b"woff",
    "robots.txt": b"User-agent: *\n",
}


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _django_collect(src: Path, dest: Path) -> dict[str, bytes]:
    """Django's ManifestStaticFilesStorage on the same files: the copy, then post_process."""
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
    from django.core.files.storage import FileSystemStorage
    from django.test import override_settings

    with override_settings(STATIC_URL="/static/", STATIC_ROOT=str(dest)):
        storage = ManifestStaticFilesStorage(location=str(dest), base_url="/static/")
        source = FileSystemStorage(location=str(src))
        paths: dict[str, Any] = {}
        for name in sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()):
            with source.open(name) as handle:
                storage.save(name, handle)
            paths[name] = (source, name)
        for _name, _hashed, processed in storage.post_process(paths):
            if isinstance(processed, Exception):
                raise processed
    return {p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()}


def test_same_names_css_and_manifest_as_djangos_manifest_storage(tmp_path, django_settings):
    src = _tree(tmp_path / "src", FILES)
    django_files = _django_collect(src, tmp_path / "django")
    result = collectstatic(tmp_path / "ours", [src], packages=False, compress=[])
    ours = {
        p.relative_to(tmp_path / "ours").as_posix(): p.read_bytes()
        for p in (tmp_path / "ours").rglob("*")
        if p.is_file()
    }
    assert sorted(ours) == sorted(django_files)
    for name in ours:
        assert ours[name] == django_files[name], name
    # The manifest is byte for byte Django's, so either side reads the other's.
    assert json.loads(ours[MANIFEST_NAME]) == json.loads(django_files[MANIFEST_NAME])
    assert result.manifest == json.loads(ours[MANIFEST_NAME])["paths"]
    # The rewriting did happen (not two copies of the same no-op).
    site = ours[result.manifest["css/site.css"]].decode()
    assert f'url("../img/{Path(result.manifest["img/bg.png"]).name}")' in site
    assert "url(/elsewhere/logo.png)" in site and "url(data:image/png" in site
    assert f'@import url("{Path(result.manifest["css/base.css"]).name}")' in site
    assert '.eot?#iefix"' in site and "sourceMappingURL=site.css." in site


def test_chained_imports_settle_like_django(tmp_path, django_settings):
    # a imports b imports c imports d, all in one folder: the hashes must propagate.
    files = {
        "a.css": b"@import 'b.css';",
        "b.css": b"@import 'c.css';",
        "c.css": b"@import 'd.css';",
        "d.css": b".d { background: url(x.png) }",
        "x.png": b"png",
    }
    src = _tree(tmp_path / "src", files)
    django_files = _django_collect(src, tmp_path / "django")
    collectstatic(tmp_path / "ours", [src], packages=False, compress=[])
    manifest = json.loads((tmp_path / "ours" / MANIFEST_NAME).read_text())
    assert manifest == json.loads(django_files[MANIFEST_NAME])
    for hashed in manifest["paths"].values():
        assert (tmp_path / "ours" / hashed).read_bytes() == django_files[hashed]


def test_missing_reference_is_an_error_naming_the_file(tmp_path, django_settings):
    src = _tree(tmp_path / "src", {"css/x.css": b".x { background: url(missing.png) }"})
    with pytest.raises(ValueError, match="missing.png"):
        _django_collect(src, tmp_path / "django")
    with pytest.raises(CollectStaticError, match=r"css/x\.css.*missing\.png"):
        collectstatic(tmp_path / "ours", [src], packages=False)


def test_reference_above_the_root_is_refused(tmp_path):
    src = _tree(tmp_path / "src", {"x.css": b".x { background: url(../../etc/passwd) }"})
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("secret")
    with pytest.raises(CollectStaticError, match="not collected"):
        collectstatic(tmp_path / "ours", [src], packages=False)


def test_cycle_is_an_error(tmp_path):
    src = _tree(tmp_path / "src", {"a.css": b"@import 'b.css';", "b.css": b"@import 'a.css';"})
    with pytest.raises(CollectStaticError, match="passes exceeded"):
        collectstatic(tmp_path / "ours", [src], packages=False)


def test_first_folder_wins_and_ignored_names_skipped(tmp_path):
    app = _tree(tmp_path / "app", {"x.txt": b"app", ".secret": b"no", "y.txt~": b"no"})
    other = _tree(tmp_path / "other", {"x.txt": b"other", "z.txt": b"z"})
    result = collectstatic(tmp_path / "out", [app, other], packages=False)
    assert (tmp_path / "out" / "x.txt").read_bytes() == b"app"
    assert (tmp_path / "out" / "z.txt").read_bytes() == b"z"
    assert sorted(result.manifest) == ["x.txt", "z.txt"]
    assert not (tmp_path / "out" / ".secret").exists()
    assert not (tmp_path / "out" / "y.txt~").exists()


def test_package_static_folders_are_collected(tmp_path, monkeypatch):
    import manouche

    fake = tmp_path / "ns"
    _tree(fake / "fakepkg" / "static" / "fakepkg", {"app.css": b"body{}"})
    monkeypatch.setattr(manouche, "__path__", [*manouche.__path__, str(fake)])
    result = collectstatic(tmp_path / "out", [], packages=True)
    assert "fakepkg/app.css" in result.manifest
    result = collectstatic(tmp_path / "out2", [], packages=False)
    assert "fakepkg/app.css" not in result.manifest


def test_precompressed_copies(tmp_path):
    text = b"body { color: red }\n" * 100
    src = _tree(tmp_path / "src", {"a.css": text, "b.png": PNG * 4, "tiny.txt": b"x"})
    result = collectstatic(tmp_path / "out", [src], packages=False, compress=["gzip"])
    hashed = result.manifest["a.css"]
    for name in ("a.css", hashed):
        assert gzip.decompress((tmp_path / "out" / (name + ".gz")).read_bytes()) == text
    # Already compressed formats and tiny files get no copy.
    assert not (tmp_path / "out" / "b.png.gz").exists()
    assert not (tmp_path / "out" / "tiny.txt.gz").exists()


def test_brotli_copies(tmp_path):
    brotli = pytest.importorskip("brotli")
    text = b"body { color: red }\n" * 100
    src = _tree(tmp_path / "src", {"a.css": text})
    result = collectstatic(tmp_path / "out", [src], packages=False)
    hashed = result.manifest["a.css"]
    assert brotli.decompress((tmp_path / "out" / (hashed + ".br")).read_bytes()) == text
    assert (tmp_path / "out" / (hashed + ".gz")).exists()


def test_bad_arguments(tmp_path):
    with pytest.raises(CollectStaticError, match="does not exist"):
        collectstatic(tmp_path / "out", [tmp_path / "nope"], packages=False)
    with pytest.raises(ValueError, match="end with '/'"):
        collectstatic(tmp_path / "out", [], static_url="/static")
    with pytest.raises(ValueError, match="unknown compression 'zip'"):
        collectstatic(tmp_path / "out", [], compress=["zip"])
    src = _tree(tmp_path / "src", {"bad.css": b"\xff\xfe body"})
    with pytest.raises(CollectStaticError, match=r"bad\.css: not UTF-8"):
        collectstatic(tmp_path / "out", [src], packages=False)


def test_static_manifest_urls(tmp_path):
    src = _tree(tmp_path / "src", FILES)
    result = collectstatic(tmp_path / "out", [src], packages=False, compress=[])
    static = StaticManifest(tmp_path / "out", "/static/")
    assert static("css/site.css") == "/static/" + result.manifest["css/site.css"]
    assert static("/img/logo.png") == "/static/" + result.manifest["img/logo.png"]
    eot = result.manifest["fonts/f.eot"]
    assert static("fonts/f.eot?#iefix") == f"/static/{eot}?#iefix"
    assert static("fonts/f.eot?v=1#x") == f"/static/{eot}?v=1#x"
    assert static("fonts/f x.woff") == "/static/" + result.manifest["fonts/f x.woff"].replace(
        " ", "%20"
    )
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry for 'nope.css'"):
        static("nope.css")
    assert StaticManifest(tmp_path / "out", strict=False)("nope.css") == "/static/nope.css"
    with pytest.raises(ValueError, match="run collectstatic first"):
        StaticManifest(tmp_path / "src")


def test_static_manifest_matches_djangos_url(tmp_path, django_settings):
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
    from django.test import override_settings

    src = _tree(tmp_path / "src", FILES)
    collectstatic(tmp_path / "out", [src], packages=False, compress=[])
    ours = StaticManifest(tmp_path / "out", "/static/")
    with override_settings(STATIC_URL="/static/"):
        storage = ManifestStaticFilesStorage(location=str(tmp_path / "out"), base_url="/static/")
        for name in ("css/site.css", "img/logo.png", "fonts/f.eot?#iefix", "fonts/f x.woff"):
            # Django answers the URL unquoted ("f x.woff"); ours is a valid URL
            # ("f%20x.woff") for the same file.
            assert unquote(ours(name)) == storage.url(name), name
        assert ours("fonts/f x.woff").startswith("/static/fonts/f%20x.")


def test_works_as_tplkits_static_callable(tmp_path):
    tplkit = pytest.importorskip("manouche.tplkit")
    src = _tree(tmp_path / "src", {"a.css": b"a{}"})
    result = collectstatic(tmp_path / "out", [src], packages=False)
    env = tplkit.create_environment(static_url=StaticManifest(tmp_path / "out"))
    html = env.from_string('<link href="{{ static("a.css") }}">').render()
    assert html == f'<link href="/static/{result.manifest["a.css"]}">'


def test_command_line(tmp_path, capsys):
    src = _tree(tmp_path / "src", {"a.css": b"a{}"})
    assert main([str(tmp_path / "out"), str(src), "--no-packages", "--compress", "none"]) == 0
    assert "1 static files collected" in capsys.readouterr().out
    assert (tmp_path / "out" / MANIFEST_NAME).exists()
    assert main([str(tmp_path / "out"), str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_writes_are_atomic_no_temporary_left(tmp_path):
    src = _tree(tmp_path / "src", FILES)
    collectstatic(tmp_path / "out", [src], packages=False)
    leftovers = [n for n in os.listdir(tmp_path / "out") if n.startswith(".tmp-")]
    assert leftovers == []


def test_concurrent_runs_into_one_root_leave_whole_files(tmp_path):
    """Three processes collecting into the same folder at once (a deploy run twice)."""
    import subprocess
    import sys

    src = _tree(tmp_path / "src", FILES)
    root = tmp_path / "out"
    command = [sys.executable, "-m", "manouche.httpkit.collectstatic", str(root), str(src)]
    pipe = subprocess.PIPE
    procs = [
        subprocess.Popen([*command, "--no-packages"], stdout=pipe, stderr=pipe) for _ in range(3)
    ]
    results = [proc.communicate(timeout=120) + (proc.returncode,) for proc in procs]
    assert [code for _, _, code in results] == [0, 0, 0], results
    manifest = json.loads((root / MANIFEST_NAME).read_text())["paths"]
    alone = collectstatic(tmp_path / "alone", [src], packages=False)
    assert manifest == alone.manifest
    for name in alone.written:
        assert (root / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    assert not [p for p in root.rglob(".tmp-*")]


EDGE_CSS = b"""@import url("sub/x.css") screen;
@import url('sub/x.css?v=1#frag');
.b { background: url(  sub/img.png  ) }
.c { background: url('/static/sub/img.png#top') }
.d { background: url(sub/img.png?#q) }
.e { background: url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>") }
.f { background: url(https://example.com/a.png), url(mailto:x@example.com) }
.g { background: url(./sub/./img.png), url(sub/../sub/img.png) }
.h { background: url() }
.i { content: "url(sub/img.png)" }
/*# sourceMappingURL=data:application/json;base64,e30= */
"""


def test_edge_cases_match_django(tmp_path, django_settings):
    files = {
        "edge.css": EDGE_CSS,
        "sub/x.css": b".x { background: url(img.png) }",
        "sub/img.png": b"png",
        "mod.js": b"let a = 1;\n//# sourceMappingURL=mod.js.map\n",
        "mod.js.map": b"{}",
    }
    src = _tree(tmp_path / "src", files)
    try:
        django_files = _django_collect(src, tmp_path / "django")
    except Exception as exc:  # Django refuses: so must we, naming a file
        with pytest.raises(CollectStaticError):
            collectstatic(tmp_path / "ours", [src], packages=False, compress=[])
        pytest.fail(f"Django refused the edge cases: {exc}")
    collectstatic(tmp_path / "ours", [src], packages=False, compress=[])
    for name, data in django_files.items():
        assert (tmp_path / "ours" / name).read_bytes() == data, name


def test_uppercase_scheme_left_alone(tmp_path):
    # Django matches schemes in lower case only and fails on HTTPS://...; a scheme
    # is case-insensitive (RFC 3986), so the reference is left as written.
    src = _tree(tmp_path / "src", {"a.css": b".f { background: url(HTTPS://EXAMPLE.COM/a.png) }"})
    result = collectstatic(tmp_path / "out", [src], packages=False, compress=[])
    rewritten = (tmp_path / "out" / result.manifest["a.css"]).read_bytes()
    assert rewritten == b".f { background: url(HTTPS://EXAMPLE.COM/a.png) }"
