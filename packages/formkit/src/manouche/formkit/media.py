"""Media: the CSS and JavaScript a widget or form needs, merged in a safe order.

Django's ``forms.Media``: a widget or form class declares an inner
``class Media`` with ``css = {"all": [...]}`` and ``js = [...]``; instances
get a ``media`` property that adds their bases' media (``extend = False``
stops that, ``extend = ("css",)`` keeps only some types). Adding media keeps
each list's relative order; a file listed in opposite orders raises
:class:`MediaOrderConflictWarning` and keeps the first order seen.

.. versionadded:: 0.2
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from graphlib import CycleError, TopologicalSorter
from itertools import chain
from typing import Any

from markupsafe import Markup, escape

__all__ = ["MEDIA_TYPES", "Media", "MediaDefiningClass", "MediaOrderConflictWarning"]

#: The kinds of assets a ``Media`` holds: ``("css", "js")``.
MEDIA_TYPES = ("css", "js")


class MediaOrderConflictWarning(RuntimeWarning):
    """Two media lists name the same files in opposite orders."""


class Media:
    """CSS per medium and JavaScript files; ``str()`` renders the tags.

    A path that starts with ``http://``, ``https://`` or ``/`` is used as
    is; any other is prefixed with :attr:`static_url` (``"/static/"``; set it
    on a subclass, or override :meth:`absolute_path`, to serve elsewhere). An
    object with ``__html__`` is rendered as its own HTML (a ``<script>`` with
    attributes, say).
    """

    static_url = "/static/"

    def __init__(
        self,
        media: Any = None,
        css: Mapping[str, Sequence[Any]] | None = None,
        js: Sequence[Any] | None = None,
    ) -> None:
        if media is not None:
            css = getattr(media, "css", {})
            js = getattr(media, "js", [])
        self._css_lists: list[Mapping[str, Sequence[Any]]] = [css or {}]
        self._js_lists: list[Sequence[Any]] = [js or []]

    def __repr__(self) -> str:
        return f"Media(css={self._css!r}, js={self._js!r})"

    @property
    def _css(self) -> dict[str, list[Any]]:
        per_medium: dict[str, list[Sequence[Any]]] = defaultdict(list)
        for css in self._css_lists:
            for medium, paths in css.items():
                per_medium[medium].append(paths)
        return {medium: self.merge(*lists) for medium, lists in per_medium.items()}

    @property
    def _js(self) -> list[Any]:
        return self.merge(*self._js_lists)

    def absolute_path(self, path: str) -> str:
        if path.startswith(("http://", "https://", "/")):
            return path
        return self.static_url + path

    def render_js(self) -> list[str]:
        return [
            str(path.__html__())
            if hasattr(path, "__html__")
            else f'<script src="{escape(self.absolute_path(path))}"></script>'
            for path in self._js
        ]

    def render_css(self) -> Iterator[str]:
        css = self._css
        for medium in sorted(css):
            for path in css[medium]:
                if hasattr(path, "__html__"):
                    yield str(path.__html__())
                else:
                    yield (
                        f'<link href="{escape(self.absolute_path(path))}" '
                        f'media="{escape(medium)}" rel="stylesheet">'
                    )

    def render(self) -> Markup:
        return Markup("\n".join(chain(self.render_css(), self.render_js())))

    def __str__(self) -> Markup:
        return self.render()

    def __html__(self) -> Markup:
        return self.render()

    def __getitem__(self, name: str) -> Media:
        if name == "css":
            return Media(css=self._css)
        if name == "js":
            return Media(js=self._js)
        raise KeyError(f'Unknown media type "{name}"')

    @staticmethod
    def merge(*lists: Iterable[Any] | None) -> list[Any]:
        """One list keeping the relative order of every list given."""
        sorter: TopologicalSorter[Any] = TopologicalSorter()
        given: list[list[Any]] = [list(items) for items in lists if items]  # None adds nothing
        for items in given:
            head, *tail = items
            sorter.add(head)
            for item in tail:
                if item != head:
                    sorter.add(item, head)
                head = item
        try:
            return list(sorter.static_order())
        except CycleError:
            warnings.warn(
                "Detected duplicate Media files in an opposite order: "
                + ", ".join(repr(items) for items in given),
                MediaOrderConflictWarning,
                stacklevel=2,
            )
            return list(dict.fromkeys(chain.from_iterable(given)))

    def __add__(self, other: Media) -> Media:
        combined = type(self)()
        combined._css_lists = self._css_lists[:]
        combined._js_lists = self._js_lists[:]
        for css in other._css_lists:
            if css and css not in self._css_lists:
                combined._css_lists.append(css)
        for js in other._js_lists:
            if js and js not in self._js_lists:
                combined._js_lists.append(js)
        return combined


def _media_property(cls: Any) -> property:
    def media(self: Any) -> Media:
        try:
            base: Media = super(cls, self).media
        except AttributeError:
            base = Media()
        definition = getattr(cls, "Media", None)
        if definition is None:
            return base
        extend = getattr(definition, "extend", True)
        if not extend:
            return Media(definition)
        if extend is True:
            return base + Media(definition)
        kept = Media()
        for medium in extend:
            kept += base[medium]
        return kept + Media(definition)

    return property(media)


class MediaDefiningClass(type):
    """Gives each class a ``media`` property from its inner ``class Media``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class = super().__new__(mcs, name, bases, attrs)
        if "media" not in attrs:
            new_class.media = _media_property(new_class)  # type: ignore[attr-defined]
        return new_class
