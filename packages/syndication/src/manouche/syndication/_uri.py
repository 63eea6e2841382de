"""IRI to URI conversion (RFC 3987 section 3.1), as feeds need ASCII links."""

from __future__ import annotations

from typing import overload
from urllib.parse import quote

# RFC 3986 reserved and unreserved characters stay as they are; so does "%",
# which RFC 3987 says must not be escaped again.
_SAFE = "/#%[]=:;$&()+,!?*@'~"


@overload
def iri_to_uri(iri: None) -> None: ...
@overload
def iri_to_uri(iri: object) -> str: ...
def iri_to_uri(iri: object) -> str | None:
    """Percent-encode the characters of ``iri`` that may not appear in a URI (UTF-8)."""
    if iri is None:
        return None
    return quote(str(iri), safe=_SAFE)
