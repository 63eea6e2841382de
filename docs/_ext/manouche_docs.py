"""The site's Sphinx extension: a package's section from one line, and strictness helpers.

``.. manouche-package:: signals`` writes, for the package in ``packages/signals``:
what it is (its pyproject description), how to install it, the API reference of
every name in its ``__all__`` (through autodoc, with signatures and type hints)
and its changelog (``CHANGELOG.md``, parsed as Markdown). A new package's page
is that one directive in ``docs/packages/<folder>.rst``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from pygments.lexers.special import TextLexer
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"


def import_name(folder: str) -> str:
    return folder.replace("-", "_")


def public_names(folder: str) -> list[tuple[str, Any]]:
    """``(name, object)`` of every name in the package's ``__all__``, in that order."""
    module = importlib.import_module(f"manouche.{import_name(folder)}")
    return [(name, getattr(module, name)) for name in module.__all__]


def kind(obj: Any) -> str:
    """The autodoc directive that documents ``obj``: class, exception, function or data."""
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj) or (callable(obj) and hasattr(obj, "__wrapped__")):
        return "function"
    return "data"


def data_doc(folder: str, name: str, obj: Any) -> str:
    """The ``#:`` doc comment (or the string below the assignment) of a public constant.

    The constant is looked up in every module of the package that binds the
    same object under that name, so a name re-exported from a private module
    finds the comment where it was assigned; then, for a name re-exported from
    another Manouche package (formkit's ``EMPTY_VALUES`` is validation's), in
    that package's modules.
    """
    if inspect.ismodule(obj):
        return inspect.cleandoc(obj.__doc__ or "")
    attrs = getattr(obj, "__dict__", None)
    own = attrs.get("__doc__") if isinstance(attrs, dict) else None  # a signal's ``doc``
    if isinstance(own, str) and own.strip():
        return inspect.cleandoc(own)
    found = _data_doc_in(folder, name, obj)
    if found:
        return found
    for other in sorted(p.name for p in PACKAGES.iterdir() if p.name != folder):
        if (PACKAGES / other / "src").is_dir():
            found = _data_doc_in(other, name, obj, same_name_only=True)
            if found:
                return found
    return ""


def _data_doc_in(folder: str, name: str, obj: Any, same_name_only: bool = False) -> str:
    """The doc comment of ``obj`` in the modules of package ``folder`` ('' when none)."""
    package = f"manouche.{import_name(folder)}"
    src = PACKAGES / folder / "src" / "manouche" / import_name(folder)
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        modname = ".".join([package, *parts])
        # Only modules the package has imported can bind the object; the others
        # (scripts such as Alembic's env.py) are not imported here.
        module = sys.modules.get(modname)
        if module is None:
            continue
        try:
            docs = ModuleAnalyzer.for_file(str(path), modname).find_attr_docs()
        except Exception:  # noqa: BLE001 - unreadable source: keep looking
            continue
        lines = docs.get(("", name)) if getattr(module, name, None) is obj else None
        constant = isinstance(obj, (str, int, float, bytes, tuple))
        if not lines and not same_name_only and not constant:
            # Re-exported under another name (``View as ViewFunction``): the same
            # object's comment where it was assigned. Not for constants, which
            # equal values may share.
            aliases = [k for (cls, k) in docs if not cls and getattr(module, k, None) is obj]
            lines = docs.get(("", aliases[0])) if aliases else None
        if lines and "".join(lines).strip():
            return "\n".join(lines).strip()
    return ""


def docstring(folder: str, name: str, obj: Any) -> str:
    """What the reference shows as ``name``'s own documentation ('' when there is none)."""
    what = kind(obj)
    if what == "data":
        return data_doc(folder, name, obj)
    if what in ("class", "exception"):
        doc = obj.__dict__.get("__doc__")
    else:
        doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _summary(folder: str) -> tuple[str, str]:
    with (PACKAGES / folder / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    return str(project["version"]), str(project.get("description", ""))


_RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|mailto:|#)[^)]*\)")


def _unlink(markdown: str) -> str:
    """Links relative to a package folder (``[tests](tests/)``) as their text:
    they point into the repository, not at a page of the site."""
    return _RELATIVE_LINK.sub(r"\1", markdown)


def _changelog(folder: str) -> list[str]:
    """The changelog's release sections, without its title and preamble, as Markdown."""
    text = (PACKAGES / folder / "CHANGELOG.md").read_text(encoding="utf-8")
    start = re.search(r"^## ", text, re.M)
    return _unlink(text[start.start() if start else 0 :]).splitlines()


def readme_sections(folder: str, pattern: str) -> str:
    """The README sections of ``folder`` whose heading matches ``pattern``, as Markdown."""
    text = (PACKAGES / folder / "README.md").read_text(encoding="utf-8")
    wanted = re.compile(pattern, re.I)
    found: list[str] = []
    for match in re.finditer(r"^(#{2,3}) (.+)$", text, re.M):
        if not wanted.search(match.group(2)):
            continue
        level = len(match.group(1))
        end = re.compile(rf"^#{{2,{level}}} ", re.M).search(text, match.end())
        body = text[match.end() : end.start() if end else len(text)].strip()
        body = re.sub(r"^#{3,} (.+)$", r"**\1**", body, flags=re.M)
        found.append(f"*{match.group(2).strip()}*\n\n{body}")
    return _unlink("\n\n".join(found))


def _defined_elsewhere(module: str, obj: Any) -> bool:
    """Whether ``obj`` is another Manouche package's, re-exported by ``module``
    (formkit's and orm-lite's ``ValidationError`` is validation's)."""
    home = str(getattr(obj, "__module__", "") or "")
    return home.startswith("manouche.") and not (home == module or home.startswith(module + "."))


def _reexport(module: str, name: str, obj: Any, what: str) -> list[str]:
    """A re-exported name: an entry of its own on this page that points to the
    full reference on the page of the package defining it (documenting it twice
    would give two descriptions of one object)."""
    home = ".".join(str(obj.__module__).split(".")[:2])
    owner = sys.modules.get(home)
    public = name in getattr(owner, "__all__", ())
    target = f"{home}.{name}" if public else f"{obj.__module__}.{name}"
    role = "func" if what == "function" else "class"
    directive = {"function": "function", "exception": "exception"}.get(what, "class")
    return [
        f".. py:{directive}:: {name}",
        f"   :module: {module}",
        "",
        f"   The same object as :py:{role}:`{target}`, re-exported here so that",
        f"   ``from {module} import {name}`` keeps working.",
        "",
    ]


class PackageDirective(SphinxDirective):
    """``.. manouche-package:: <folder>``: the package's summary, API reference and changelog."""

    required_arguments = 1
    option_spec = {"no-changelog": directives.flag}

    def run(self) -> list[nodes.Node]:
        folder = self.arguments[0]
        if not (PACKAGES / folder / "pyproject.toml").exists():
            raise self.error(f"manouche-package: no package in packages/{folder}")
        module = f"manouche.{import_name(folder)}"
        version, description = _summary(folder)
        self.env.note_dependency(str(PACKAGES / folder / "CHANGELOG.md"))
        self.env.note_dependency(str(PACKAGES / folder / "pyproject.toml"))
        rst = [
            f"*{description}* Version {version}.",
            "",
            "::",
            "",
            f"    pip install manouche-{folder}",
            "",
            "API reference",
            "-------------",
            "",
            f"Every name of ``{module}.__all__``, in the order the package lists them.",
            "",
            f".. automodule:: {module}",
            "",
        ]
        for name, obj in public_names(folder):
            what = kind(obj)
            if what == "data":
                rst += [f".. py:data:: {name}", f"   :module: {module}", ""]
                doc = data_doc(folder, name, obj)
                rst += ["   " + line if line else "" for line in doc.splitlines()] + [""]
            elif _defined_elsewhere(module, obj):
                rst += _reexport(module, name, obj, what)
            elif what == "function":
                rst += [f".. autofunction:: {module}.{name}", ""]
            else:
                rst += [f".. auto{what}:: {module}.{name}", "   :members:", ""]
        body = nodes.section()
        nested_parse_with_titles(
            self.state, StringList(rst, source=f"<manouche-package {folder}>"), body
        )
        result = list(body.children)
        if "no-changelog" not in self.options:
            title = f"Changelog of manouche-{folder}"
            md = [f"# {title}", "", *_changelog(folder)]
            result += self._markdown(md, PACKAGES / folder / "CHANGELOG.md")
        return result

    def _markdown(self, lines: list[str], source: Path) -> list[nodes.Node]:
        """``lines`` of Markdown parsed with MyST, as nodes for this page.

        MyST renders a whole document: the text is rendered into a scratch
        document sharing this page's settings (and so its build environment),
        whose sections are then placed where the directive stands.
        """
        from docutils.utils import new_document
        from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
        from myst_parser.parsers.mdit import create_md_parser

        parser = create_md_parser(self.env.myst_config, SphinxRenderer)  # type: ignore[attr-defined]
        scratch = new_document(str(source), self.state.document.settings)
        parser.options["document"] = scratch
        parser.render("\n".join(lines))
        return list(scratch.children)


def _lookup(dotted: str) -> tuple[bool, Any]:
    """``(True, object)`` when ``dotted`` names a module or an attribute path that exists."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False, None
        return True, obj
    return False, None


class ReadmeSectionsDirective(PackageDirective):
    """``.. manouche-readme-sections:: <regex>``: the sections of every package's
    README whose heading matches, one section per package, in name order.

    The porting guide gathers the differences from Django this way
    (``differ|mirrors``) and the Flask guide the "With Flask" sections, so a
    README and the site never disagree. The blocks shown run in the README's
    own tests.
    """

    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        folders = sorted(p.parent.name for p in PACKAGES.glob("*/pyproject.toml"))
        md: list[str] = []
        for folder in folders:
            self.env.note_dependency(str(PACKAGES / folder / "README.md"))
            text = readme_sections(folder, self.arguments[0])
            if not text:
                continue
            md += [f"# manouche-{folder}", "", f"Reference: {{doc}}`/packages/{folder}`.", ""]
            md += [text, ""]
        if not md:
            raise self.error(f"no README section matches {self.arguments[0]!r}")
        return self._markdown(md, PACKAGES / "README.md")


def resolve_private(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """References to our own names that the public reference does not document.

    A public name reached through its private module (``manouche.pkg._mod.Name``,
    as type hints spell it) links to ``manouche.pkg.Name``. A private name that
    exists (a base class, a ``TypeVar``, a helper module) is shown as plain text:
    the reference documents ``__all__`` only. A name that does not exist at all
    stays a missing reference, and fails the strict build.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("manouche."):
        return None
    found, obj = _lookup(target)
    if not found:
        return None
    package = ".".join(target.split(".")[:2])
    try:
        public = importlib.import_module(package)
    except ImportError:
        return None
    name = target.rsplit(".", 1)[-1]
    if name in getattr(public, "__all__", ()) and getattr(public, name, None) is obj:
        node = node.deepcopy()
        node["reftarget"] = f"{package}.{name}"
        return env.get_domain("py").resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], f"{package}.{name}", node, contnode
        )
    return contnode


def public_bases(app: Sphinx, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Bases made at run time (a manager class built from a QuerySet) have no
    importable name to link to; show the bases they were made from instead."""
    index = 0
    while index < len(bases):
        base = bases[index]
        module = getattr(base, "__module__", "")
        if module.startswith("manouche.") and not _lookup(f"{module}.{base.__qualname__}")[0]:
            bases[index : index + 1] = list(base.__bases__)
            continue
        index += 1


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-bases", public_bases)
    app.add_directive("manouche-package", PackageDirective)
    app.add_directive("manouche-readme-sections", ReadmeSectionsDirective)
    # The READMEs' ``output`` blocks: what a block prints, shown as plain text.
    app.add_lexer("output", TextLexer)
    app.connect("missing-reference", resolve_private)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
