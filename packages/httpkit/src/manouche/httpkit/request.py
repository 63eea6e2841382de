"""``Request``: a ``webob.Request`` whose decoding errors are 400s, not 500s.

WebOb decodes the query string as UTF-8 when a view first reads
``request.GET``/``params``; a client that sends broken percent-encoding
(``?q=%ff``) makes that raise ``UnicodeDecodeError``, which would surface as
a 500. (Form bodies are decoded with replacement characters; should decoding
``request.POST`` ever raise, the same applies.) This subclass raises
:class:`~manouche.httpkit.BadRequest` instead, so the client gets a 400.
Everything else is WebOb's; views may annotate ``webob.Request``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import webob

if TYPE_CHECKING:
    from webob.multidict import GetDict, MultiDict, NoVars
    from webob.request import _FieldStorageWithFile

from manouche.httpkit.exceptions import BadRequest

__all__ = ["Request", "get_csp_nonce"]

CSP_NONCE_KEY = "manouche.csp_nonce"


class Request(webob.Request):
    """WebOb's request, answering an undecodable query string with a 400."""

    @property
    def GET(self) -> GetDict:  # noqa: N802 - WebOb's name
        try:
            return super().GET
        except UnicodeDecodeError as exc:
            raise BadRequest("The query string is not valid UTF-8") from exc

    @property
    def POST(self) -> MultiDict[str, str | _FieldStorageWithFile] | NoVars:  # noqa: N802
        try:
            return super().POST
        except UnicodeDecodeError as exc:
            raise BadRequest("The request body is not valid UTF-8 form data") from exc


def get_csp_nonce(request: webob.Request) -> str:
    """The Content-Security-Policy nonce of this request ("" when none was made).

    :class:`~manouche.httpkit.SecurityMiddleware` stores it in
    ``request.environ["manouche.csp_nonce"]``; templates put it in
    ``<script nonce="...">``.
    """
    nonce = request.environ.get(CSP_NONCE_KEY, "")
    return nonce if isinstance(nonce, str) else ""
