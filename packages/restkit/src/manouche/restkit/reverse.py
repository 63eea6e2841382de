"""``reverse()`` that answers absolute URLs when given the request, as DRF's does."""

from __future__ import annotations

from typing import Any

from manouche.urlmap import reverse as _reverse


def reverse(
    viewname: str,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    request: Any = None,
    format: str | None = None,  # noqa: A002 - DRF's argument name
    urlconf: Any = None,
    **extra: Any,
) -> str:
    """The URL of ``viewname``; absolute (``http://host/...``) when ``request`` is given."""
    if format is not None:
        kwargs = dict(kwargs or {})
        kwargs["format"] = format
    url = _reverse(viewname, urlconf=urlconf, args=args, kwargs=kwargs, **extra)
    if request is not None:
        base = getattr(request, "host_url", None)
        if base:
            return str(base) + url
    return str(url)
