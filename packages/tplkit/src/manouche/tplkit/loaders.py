"""Loading templates that packages ship, through ``importlib.resources``."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable

import jinja2
from jinja2.loaders import split_template_path

__all__ = ["ResourceLoader"]


class ResourceLoader(jinja2.BaseLoader):
    """Templates bundled in a Python package, under ``directory`` (``"templates"``).

    Found through ``importlib.resources``, so it works for packages installed
    as directories, in zip files or wheels, and for namespace packages. Paths
    with ``..`` are refused, as Jinja2's own loaders refuse them.
    """

    def __init__(self, package: str, directory: str = "templates", encoding: str = "utf-8"):
        self.package = package
        self.directory = directory
        self.encoding = encoding
        self._root: Traversable | None = None

    def __repr__(self) -> str:
        return f"ResourceLoader({self.package!r}, {self.directory!r})"

    def _base(self) -> Traversable:
        if self._root is None:
            try:
                root = resources.files(self.package)
            except ModuleNotFoundError as exc:
                raise jinja2.TemplateNotFound(
                    f"package {self.package!r} for templates is not importable: {exc}"
                ) from exc
            for part in self.directory.strip("/").split("/"):
                if part:
                    root = root.joinpath(part)
            self._root = root
        return self._root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        pieces = split_template_path(template)
        node = self._base()
        for piece in pieces:
            node = node.joinpath(piece)
        if not node.is_file():
            raise jinja2.TemplateNotFound(template)
        source = node.read_bytes().decode(self.encoding)
        if isinstance(node, os.PathLike):
            filename = os.fspath(node)
            try:
                mtime = os.path.getmtime(filename)
            except OSError:
                return source, filename, None

            def uptodate() -> bool:
                try:
                    return os.path.getmtime(filename) == mtime
                except OSError:
                    return False

            return source, filename, uptodate
        return source, f"{self.package}/{self.directory}/{'/'.join(pieces)}", lambda: True

    def list_templates(self) -> list[str]:
        found: list[str] = []

        def walk(node: Traversable, prefix: str) -> None:
            for child in node.iterdir():
                name = f"{prefix}{child.name}"
                if child.is_dir():
                    walk(child, name + "/")
                elif child.is_file():
                    found.append(name)

        base = self._base()
        if base.is_dir():
            walk(base, "")
        return sorted(found)
