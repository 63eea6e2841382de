"""Resolving paths and reversing names over a tree of patterns.

Matching gives Django's results, found faster: each level of the tree is
indexed by the first path segment of its patterns' literal prefixes, and the
patterns a path can reach are tried through one combined regular expression
(compiled once) instead of one Python call per pattern. When the first
regex-level candidate is refused (a converter raising ``ValueError``, an
include with no matching child, a host or method restriction), the remaining
candidates are tried one by one in order, so the first pattern that Django
would pick is the one picked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pickle import PicklingError
from typing import Any

from manouche.urlmap._regexes import reverse_templates, safe_length
from manouche.urlmap.converters import Converter
from manouche.urlmap.exceptions import Resolver404
from manouche.urlmap.patterns import Mount, RoutePattern, URLPattern, URLResolver

__all__ = ["ResolverMatch"]

_Child = URLPattern | URLResolver | Mount


class ResolverMatch:
    """What ``resolve()`` found: Django's ``ResolverMatch``.

    ``func, args, kwargs = match`` works, as in Django. ``tried`` is ``None``
    for a successful match (it is only computed for 404 pages).
    """

    __slots__ = (
        "func",
        "args",
        "kwargs",
        "url_name",
        "app_names",
        "namespaces",
        "route",
        "tried",
        "captured_kwargs",
        "extra_kwargs",
        "_mount",
    )

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        url_name: str | None = None,
        app_names: list[str | None] | None = None,
        namespaces: list[str | None] | None = None,
        route: str | None = None,
        tried: list[list[Any]] | None = None,
        captured_kwargs: dict[str, Any] | None = None,
        extra_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.url_name = url_name
        self.app_names: list[str] = [x for x in app_names if x] if app_names else []
        self.namespaces: list[str] = [x for x in namespaces if x] if namespaces else []
        self.route = route
        self.tried = tried
        self.captured_kwargs = captured_kwargs
        self.extra_kwargs = extra_kwargs
        self._mount: tuple[Mount, str] | None = None

    @property
    def app_name(self) -> str:
        return ":".join(self.app_names)

    @property
    def namespace(self) -> str:
        return ":".join(self.namespaces)

    @property
    def _func_path(self) -> str:
        func = self.func
        if hasattr(func, "view_class"):
            func = func.view_class
        if not hasattr(func, "__name__"):
            return f"{type(func).__module__}.{type(func).__name__}"
        return f"{func.__module__}.{func.__name__}"

    @property
    def view_name(self) -> str:
        return ":".join([*self.namespaces, self.url_name or self._func_path])

    def __getitem__(self, index: int) -> Any:
        return (self.func, self.args, self.kwargs)[index]

    def __iter__(self) -> Any:
        return iter((self.func, self.args, self.kwargs))

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A match holds the view and the request's arguments: pickling it (to
        # cache a response, say) would pickle them; Django refuses too.
        raise PicklingError(f"Cannot pickle {type(self).__qualname__}.")

    def __repr__(self) -> str:
        func = repr(self.func) if isinstance(self.func, functools.partial) else self._func_path
        captured = f", captured_kwargs={self.captured_kwargs!r}" if self.captured_kwargs else ""
        extra = f", extra_kwargs={self.extra_kwargs!r}" if self.extra_kwargs else ""
        return (
            f"ResolverMatch(func={func}, args={self.args!r}, kwargs={self.kwargs!r}, "
            f"url_name={self.url_name!r}, app_names={self.app_names!r}, "
            f"namespaces={self.namespaces!r}, route={self.route!r}{captured}{extra})"
        )


# -- the matching index ----------------------------------------------------


@dataclass(slots=True)
class _Chunk:
    """Consecutive candidates: one combined regex, or a single child tried alone."""

    children: list[_Child]
    regex: re.Pattern[str] | None = None
    # wrapper group index -> (position in children, named groups, group indexes)
    slots: dict[int, tuple[int, tuple[tuple[str, int], ...], tuple[int, ...]]] | None = None


def _path_key(path: str) -> str:
    slash = path.find("/")
    return path if slash < 0 else path[: slash + 1]


class _Level:
    """The index of one URLResolver's direct children."""

    __slots__ = ("children", "buckets", "wild", "plans")

    def __init__(self, children: list[_Child]) -> None:
        self.children = children
        keys = [child.pattern.index_key() for child in children]
        self.buckets: dict[str, list[int]] = {}
        for key in {k for k in keys if k is not None}:
            self.buckets[key] = [i for i, k in enumerate(keys) if k is None or k == key]
        self.wild = [i for i, k in enumerate(keys) if k is None]
        self.plans: dict[str | None, list[_Chunk]] = {}

    def plan(self, key: str) -> list[_Chunk]:
        bucket_key: str | None = key if key in self.buckets else None
        plan = self.plans.get(bucket_key)
        if plan is None:
            indexes = self.buckets[key] if bucket_key is not None else self.wild
            plan = self.plans[bucket_key] = _build_plan([self.children[i] for i in indexes])
        return plan


def _build_plan(children: list[_Child]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    run: list[tuple[_Child, str]] = []

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            chunks.append(_Chunk([run[0][0]]))
        else:
            chunks.append(_combine(run))
        run.clear()

    for child in children:
        alternative = child.pattern.alternative()
        if alternative is None:
            flush()
            chunks.append(_Chunk([child]))
        else:
            run.append((child, alternative))
    flush()
    return chunks


def _combine(run: list[tuple[_Child, str]]) -> _Chunk:
    parts = []
    slots: dict[int, tuple[int, tuple[tuple[str, int], ...], tuple[int, ...]]] = {}
    group = 0
    for position, (child, alternative) in enumerate(run):
        wrapper = group + 1
        compiled = child.pattern.regex
        named = tuple((name, wrapper + index) for name, index in compiled.groupindex.items())
        numbered = tuple(range(wrapper + 1, wrapper + 1 + compiled.groups))
        slots[wrapper] = (position, named, numbered)
        parts.append(f"({alternative})")
        group = wrapper + compiled.groups
    try:
        regex = re.compile("|".join(parts))
    except (re.error, RecursionError, OverflowError):
        # Too large for one regex: fall back to trying each child alone.
        return _Chunk([child for child, _ in run])
    return _Chunk([child for child, _ in run], regex, slots)


def _level(node: URLResolver) -> _Level:
    level = node._engine
    if level is None:
        level = node._engine = _Level(node.url_patterns)
    return level  # type: ignore[no-any-return]


class _Context:
    """Per-resolve state: the request's host and method, and methods seen."""

    __slots__ = ("host", "method", "allowed")

    def __init__(self, host: str | None, method: str | None) -> None:
        self.host = host
        self.method = method
        self.allowed: set[str] = set()


def resolve_in(node: URLResolver, path: str, ctx: _Context) -> ResolverMatch | None:
    """The match for ``path`` among ``node``'s children (``node``'s prefix already consumed)."""
    for chunk in _level(node).plan(_path_key(path)):
        regex = chunk.regex
        if regex is None:
            for child in chunk.children:
                found = _try(child, path, ctx)
                if found is not None:
                    return found
            continue
        m = regex.match(path)
        if m is None:
            continue
        wrapper = m.lastindex
        assert wrapper is not None and chunk.slots is not None
        position, named, numbered = chunk.slots[wrapper]
        child = chunk.children[position]
        pattern = child.pattern
        rest = path[m.end(wrapper) :]
        args: tuple[Any, ...] = ()
        found = None
        if type(pattern) is RoutePattern:
            if named:
                kwargs = pattern.convert({name: m.group(index) for name, index in named})
                if kwargs is not None:
                    found = _finish(child, rest, (), kwargs, ctx)
            else:
                found = _finish(child, rest, (), {}, ctx)
        else:
            if named:
                kwargs = {name: v for name, index in named if (v := m.group(index)) is not None}
            else:
                kwargs = {}
                args = tuple(m.group(index) for index in numbered)
            found = _finish(child, rest, args, kwargs, ctx)
        if found is not None:
            return found
        for child in chunk.children[position + 1 :]:
            found = _try(child, path, ctx)
            if found is not None:
                return found
    return None


def _try(child: _Child, path: str, ctx: _Context) -> ResolverMatch | None:
    matched = child.pattern.match(path)
    if matched is None:
        return None
    rest, args, kwargs = matched
    return _finish(child, rest, args, kwargs, ctx)


def _finish(
    child: _Child, rest: str, args: tuple[Any, ...], kwargs: dict[str, Any], ctx: _Context
) -> ResolverMatch | None:
    if child.host is not None:
        if ctx.host is None:
            return None
        host_match = child.host.match(ctx.host)
        if host_match is None:
            return None
        kwargs = {**host_match[2], **kwargs}
    if type(child) is URLPattern:
        methods = child.methods
        if methods is not None and ctx.method is not None and ctx.method not in methods:
            ctx.allowed |= methods
            return None
        default_args = child.default_args
        return ResolverMatch(
            child.callback,
            args,
            {**kwargs, **default_args} if default_args else kwargs,
            child.name,
            route=str(child.pattern),
            captured_kwargs=kwargs,
            extra_kwargs=default_args,
        )
    if type(child) is Mount:
        match = ResolverMatch(child.app, (), kwargs, child.name, route=str(child.pattern))
        match._mount = (child, rest)
        return match
    assert isinstance(child, URLResolver)
    sub = resolve_in(child, rest, ctx)
    if sub is None:
        return None
    merged = {**kwargs, **child.default_kwargs}
    merged.update(sub.kwargs)
    sub_args = sub.args if merged else args + sub.args
    route = str(child.pattern)
    sub_route = sub.route or ""
    match = ResolverMatch(
        sub.func,
        sub_args,
        merged,
        sub.url_name,
        [child.app_name, *sub.app_names],
        [child.namespace, *sub.namespaces],
        route + sub_route.removeprefix("^") if route else sub_route,
        captured_kwargs=sub.captured_kwargs,
        extra_kwargs={**child.default_kwargs, **(sub.extra_kwargs or {})},
    )
    match._mount = sub._mount
    return match


def resolve_node(node: URLResolver, path: str) -> ResolverMatch:
    """Django's ``URLResolver.resolve``: ``node``'s own prefix, then its patterns.

    The match carries ``node``'s namespace and default kwargs; its route
    starts below ``node``'s prefix, as in Django.
    """
    matched = node.pattern.match(path)
    if matched is None:
        raise Resolver404({"path": path})
    rest, args, kwargs = matched
    sub = resolve_in(node, rest, _Context(None, None))
    if sub is None:
        raise Resolver404({"path": rest}, lambda: tried_chains(node, rest))
    if not (node.namespace or node.app_name or kwargs or args or node.default_kwargs):
        return sub
    merged = {**kwargs, **node.default_kwargs}
    merged.update(sub.kwargs)
    match = ResolverMatch(
        sub.func,
        sub.args if merged else args + sub.args,
        merged,
        sub.url_name,
        [node.app_name, *sub.app_names],
        [node.namespace, *sub.namespaces],
        sub.route,
        captured_kwargs=sub.captured_kwargs,
        extra_kwargs={**node.default_kwargs, **(sub.extra_kwargs or {})},
    )
    match._mount = sub._mount
    return match


def tried_chains(node: URLResolver, path: str) -> list[list[Any]]:
    """Django's ``tried`` for a path that matched nothing under ``node``."""
    tried: list[list[Any]] = []
    for child in node.url_patterns:
        if isinstance(child, URLResolver):
            matched = child.pattern.match(path)
            if matched is not None:
                tried.extend([child, *t] for t in tried_chains(child, matched[0]))
                continue
        tried.append([child])
    return tried


# -- reversing -------------------------------------------------------------


class _Possibility:
    __slots__ = ("variants", "pattern", "defaults", "default_keys", "converters", "_check")

    def __init__(
        self, pattern: str, defaults: dict[str, Any], converters: dict[str, Converter]
    ) -> None:
        self.variants = [
            (template, params, frozenset(params)) for template, params in reverse_templates(pattern)
        ]
        self.pattern = pattern
        self.defaults = defaults
        self.default_keys = frozenset(defaults)
        self.converters = converters
        self._check: Callable[[str], Any] | None = None

    @property
    def check(self) -> Callable[[str], Any]:
        """``match`` of the pattern: does a filled-in template really match it?

        Bounded like resolving (``_regexes.safe_length``): a pattern whose
        parts compete for characters is not run on longer URLs.
        """
        if self._check is None:
            match = re.compile(self.pattern).match
            limit = safe_length("^" + self.pattern)
            if limit is None:
                self._check = match
            else:
                self._check = lambda url: len(url) <= limit and match(url)
        return self._check


_Key = str | Callable[..., Any]


class ReverseTable:
    """Django's ``reverse_dict``, ``namespace_dict`` and ``app_dict`` for one resolver."""

    __slots__ = ("lookups", "namespaces", "apps", "_ns_cache", "translated", "key")

    def __init__(self, node: URLResolver) -> None:
        self.lookups: dict[_Key, list[_Possibility]] = {}
        self.namespaces: dict[str, tuple[str, URLResolver, dict[str, Converter]]] = {}
        self.apps: dict[str, list[str]] = {}
        self._ns_cache: dict[tuple[str, _Key], list[_Possibility]] = {}
        #: The translated patterns this table's templates were made from: the
        #: table holds for one combination of their texts (``key``).
        self.translated: list[Any] = []
        own_converters = node.pattern.converters
        for child in reversed(node.url_patterns):
            if child.pattern.translated:
                self.translated.append(child.pattern)
            p_pattern = child.pattern.regex_text.removeprefix("^")
            if isinstance(child, URLPattern | Mount):
                possibility = _Possibility(
                    p_pattern, child.default_args, dict(child.pattern.converters)
                )
                if isinstance(child, URLPattern) and _hashable(child.callback):
                    self.lookups.setdefault(child.callback, []).append(possibility)
                if child.name is not None:
                    self.lookups.setdefault(child.name, []).append(possibility)
                continue
            if child.app_name:
                self.apps.setdefault(child.app_name, []).append(child.namespace or "")
                self.namespaces[child.namespace or ""] = (
                    p_pattern,
                    child,
                    dict(child.pattern.converters),
                )
                continue
            # A namespaced include's table is only read when reversing goes
            # through its namespace, so a URLconf may include itself there.
            sub = table(child)
            self.translated += sub.translated
            for key, possibilities in sub.lookups.items():
                bucket = self.lookups.setdefault(key, [])
                for p in possibilities:
                    bucket.append(
                        _Possibility(
                            p_pattern + p.pattern,
                            {**p.defaults, **child.default_kwargs},
                            {**own_converters, **child.pattern.converters, **p.converters},
                        )
                    )
            for namespace, (prefix, resolver, converters) in sub.namespaces.items():
                self.namespaces[namespace] = (
                    p_pattern + prefix,
                    resolver,
                    {**converters, **child.pattern.converters},
                )
            for app_name, namespace_list in sub.apps.items():
                self.apps.setdefault(app_name, []).extend(namespace_list)
        self.key = tuple(str(p) for p in self.translated)

    def namespaced(
        self, ns_pattern: str, ns_converters: dict[str, Converter], key: _Key
    ) -> list[_Possibility]:
        """This table's possibilities for ``key`` under the namespace prefix ``ns_pattern``."""
        own = self.lookups.get(key)
        if not own:
            return []  # unknown names are not cached: callers may pass anything
        cache_key = (ns_pattern, key)
        found = self._ns_cache.get(cache_key)
        if found is None:
            found = [
                _Possibility(ns_pattern + p.pattern, p.defaults, {**ns_converters, **p.converters})
                for p in own
            ]
            self._ns_cache[cache_key] = found
        return found


def _hashable(obj: object) -> bool:
    try:
        hash(obj)
    except TypeError:
        return False
    return True


def table(node: URLResolver) -> ReverseTable:
    """``node``'s reverse table; with translated patterns, the one for their current texts."""
    found: ReverseTable | None = getattr(node, "_reverse_table", None)
    if found is None:
        found = ReverseTable(node)
        node._reverse_table = found  # type: ignore[attr-defined]
        return found
    if not found.translated:
        return found
    key = tuple(str(p) for p in found.translated)
    if key == found.key:
        return found
    tables: dict[tuple[str, ...], ReverseTable] = node.__dict__.setdefault("_reverse_tables", {})
    tables[found.key] = found
    other = tables.get(key)
    if other is None:
        other = ReverseTable(node)
        if len(tables) >= 64:
            tables.clear()
        tables[other.key] = other
    node._reverse_table = other  # type: ignore[attr-defined]
    return other
