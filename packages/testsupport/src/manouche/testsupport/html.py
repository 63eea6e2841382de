"""HTML fragments compared as documents, the way Django's ``assertHTMLEqual`` does."""

from __future__ import annotations

import difflib


def _parse(html: object) -> object:
    from django.conf import settings  # type: ignore[import-untyped]
    from django.test.html import parse_html  # type: ignore[import-untyped]

    if not settings.configured:
        from manouche.testsupport.reference import configure_django

        configure_django()
    return parse_html(str(html))


def html_equal(ours: object, theirs: object) -> bool:
    """Whether two HTML fragments are the same document (attribute order, whitespace
    between elements and class order do not count)."""
    return bool(_parse(ours) == _parse(theirs))


def assert_html_equal(ours: object, theirs: object, *, ours_name: str = "ours") -> None:
    """Raise ``AssertionError`` with a unified diff of the normalised documents when
    ``ours`` is not the same HTML as ``theirs`` (Django's output)."""
    a, b = _parse(ours), _parse(theirs)
    if a == b:
        return
    diff = "\n".join(
        difflib.unified_diff(
            str(b).splitlines(), str(a).splitlines(), "django", ours_name, lineterm="", n=2
        )
    )
    raise AssertionError(f"HTML differs from Django's:\n{diff}")
