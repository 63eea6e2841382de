"""``Request``: a ``webob.Request`` whose decoding errors are 400s, not 500s.

WebOb decodes the query string as UTF-8 when a view first reads
``request.GET``/``params``; a client that sends broken percent-encoding
(``?q=%ff``) makes that raise ``UnicodeDecodeError``, and WebOb refuses a
form posted in any charset but UTF-8 (it raises), which would surface as a
500. This subclass reads forms itself, as Django does:

- a form body (``application/x-www-form-urlencoded``) is UTF-8, as HTML and
  Django 6.0 say: another charset in its ``Content-Type`` (``latin-1``,
  ``utf-16``) is a 400 naming it, as in Django 6.0, and the body is decoded
  as Django's ``QueryDict`` decodes it (ISO-8859-1 when the raw bytes are not
  UTF-8, replacement characters for bad escapes);
- a multipart form's fields are decoded in the charset of its
  ``Content-Type`` (as Django does), which must be an ASCII superset;
- an unknown charset name is a 400 too (Django silently reads the form as
  UTF-8 then), and so is a multipart body without a valid boundary or one
  the parser cannot read (:class:`~manouche.httpkit.MalformedRequest`);
- more than ``max_number_fields`` fields (query string and form each, 1000
  by default) or ``max_number_files`` uploaded files (100) get a 400 naming
  the limit (:class:`~manouche.httpkit.TooManyFieldsSent`,
  :class:`~manouche.httpkit.TooManyFilesSent`), Django's
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` and ``DATA_UPLOAD_MAX_NUMBER_FILES``.
  :class:`~manouche.httpkit.RequestBodyLimitMiddleware` sets other limits.

Everything else is WebOb's; views may annotate ``webob.Request``.
"""

from __future__ import annotations

import codecs
import email.message
import io
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import webob
from webob.compat import cgi_FieldStorage
from webob.multidict import MultiDict

if TYPE_CHECKING:
    from webob.multidict import GetDict, NoVars
    from webob.request import _FieldStorageWithFile

from manouche.httpkit._i18n import gettext_noop
from manouche.httpkit.exceptions import (
    BadRequest,
    MalformedRequest,
    TooManyFieldsSent,
    TooManyFilesSent,
)

__all__ = [
    "DEFAULT_MAX_NUMBER_FIELDS",
    "DEFAULT_MAX_NUMBER_FILES",
    "Request",
    "get_csp_nonce",
]

CSP_NONCE_KEY = "manouche.csp_nonce"
#: Where :class:`~manouche.httpkit.RequestBodyLimitMiddleware` puts the
#: per-request limits: ``{"max_number_fields": int | None, "max_number_files": ...}``.
LIMITS_KEY = "manouche.request_limits"
#: Django's ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` default.
DEFAULT_MAX_NUMBER_FIELDS = 1000
#: Django's ``DATA_UPLOAD_MAX_NUMBER_FILES`` default.
DEFAULT_MAX_NUMBER_FILES = 100

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
# The boundary rule of the stdlib multipart parser (RFC 2046 allows 70 characters).
_BOUNDARY = re.compile(r"[ -~]{0,200}[!-~]")
_PROBE = "a=b&c=%2B+~-_.*"
#: WebOb's ``path_info`` property, which ours wraps.
_WEBOB_PATH_INFO: Any = webob.Request.path_info


def _shown(value: str, limit: int = 40) -> str:
    """A client's value quoted for an error message, cut short."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _limits(environ: dict[str, Any]) -> tuple[int | None, int | None]:
    limits = environ.get(LIMITS_KEY)
    if not isinstance(limits, dict):
        return DEFAULT_MAX_NUMBER_FIELDS, DEFAULT_MAX_NUMBER_FILES
    return (
        limits.get("max_number_fields", DEFAULT_MAX_NUMBER_FIELDS),
        limits.get("max_number_files", DEFAULT_MAX_NUMBER_FILES),
    )


def _too_many_fields(limit: int) -> TooManyFieldsSent:
    return TooManyFieldsSent(
        gettext_noop(
            "The request has more than %(limit)s fields (the max_number_fields limit, "
            "Django's DATA_UPLOAD_MAX_NUMBER_FIELDS)"
        ),
        params={"limit": limit},
    )


def _form_charset(content_type: str) -> str:
    """The codec name of a form's ``Content-Type`` charset (utf-8 when none).

    Raises :class:`~manouche.httpkit.MalformedRequest` for an unknown charset
    and for one that cannot carry a form (not an ASCII superset, UTF-16).
    """
    message = email.message.Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if not charset:
        return "utf-8"
    try:
        info = codecs.lookup(charset)
        ascii_safe = _PROBE.encode(info.name) == _PROBE.encode("ascii")
    except (LookupError, ValueError):
        raise MalformedRequest(
            gettext_noop("Unknown charset %(charset)s in Content-Type"),
            params={"charset": _shown(charset)},
        ) from None
    if not ascii_safe:
        raise MalformedRequest(
            gettext_noop(
                "The charset %(charset)s cannot carry form data (it is not ASCII-compatible)"
            ),
            params={"charset": _shown(charset)},
        )
    return info.name


class Request(webob.Request):
    """WebOb's request, answering undecodable or oversized form data with a 400."""

    @property
    def path_info(self) -> str:
        """WebOb's, but a path that is not UTF-8 raises ``MalformedRequest`` (a 400)."""
        try:
            return str(_WEBOB_PATH_INFO.fget(self))
        except UnicodeDecodeError:
            raise MalformedRequest(gettext_noop("The request path is not valid UTF-8")) from None

    @path_info.setter
    def path_info(self, value: str) -> None:
        _WEBOB_PATH_INFO.fset(self, value)

    @property
    def GET(self) -> GetDict:  # noqa: N802 - WebOb's name
        environ = self.environ
        query = environ.get("QUERY_STRING", "")
        limit = _limits(environ)[0]
        if limit is not None and query and query.count("&") + 1 > limit:
            cached = environ.get("webob._parsed_query_vars")
            if cached is None or cached[1] != query:
                raise _too_many_fields(limit)
        try:
            return super().GET
        except UnicodeDecodeError as exc:
            raise MalformedRequest(gettext_noop("The query string is not valid UTF-8")) from exc

    @property
    def POST(self) -> MultiDict[str, str | _FieldStorageWithFile] | NoVars:  # noqa: N802
        environ = self.environ
        parsed = environ.get("webob._parsed_post_vars")
        if parsed is not None and parsed[1] is self.body_file_raw:
            return parsed[0]  # type: ignore[no-any-return]
        content_type = self.content_type
        if (self.method != "POST" and not content_type) or content_type not in (
            "",
            _FORM,
            _MULTIPART,
        ):
            return super().POST
        raw_type = str(environ.get("CONTENT_TYPE", ""))
        charset = _form_charset(raw_type)
        max_fields, max_files = _limits(environ)
        if content_type == _MULTIPART:
            values = self._read_multipart(raw_type, charset, max_fields, max_files)
        elif charset != "utf-8":
            raise MalformedRequest(
                gettext_noop("A form (%(type)s) must be UTF-8 encoded, not %(charset)s"),
                params={"type": _FORM, "charset": _shown(str(self.charset))},
            )
        else:
            values = self._read_form(max_fields)
        environ["webob._parsed_post_vars"] = (values, self.body_file_raw)
        return values

    def _read_form(self, max_fields: int | None) -> MultiDict[str, Any]:
        """An urlencoded body, decoded as Django's ``QueryDict`` decodes it."""
        body: bytes = self.body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            # Django's fallback for misbehaving user agents.
            text = body.decode("iso-8859-1")
        if max_fields is not None and text and text.count("&") + 1 > max_fields:
            raise _too_many_fields(max_fields)
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8")
        return MultiDict(pairs)

    def _read_multipart(
        self, raw_type: str, charset: str, max_fields: int | None, max_files: int | None
    ) -> MultiDict[str, Any]:
        message = email.message.Message()
        message["content-type"] = raw_type
        boundary = message.get_boundary()
        if not boundary:
            raise MalformedRequest(
                gettext_noop("The multipart form has no boundary in its Content-Type")
            )
        if not _BOUNDARY.fullmatch(boundary):
            raise MalformedRequest(
                gettext_noop(
                    "The multipart boundary is invalid (%(length)s characters, at most "
                    "201 printable ones)"
                ),
                params={"length": len(boundary)},
            )
        self.make_body_seekable()
        body: bytes = self.body
        if max_fields is not None and max_files is not None:
            # Every part starts with a delimiter line: bound the parser's work first.
            parts = body.count(b"--" + boundary.encode("latin-1")) - 1
            if parts > max_fields + max_files:
                raise _too_many_fields(max_fields)
        environ = dict(self.environ)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["QUERY_STRING"] = ""
        environ["CONTENT_TYPE"] = raw_type
        try:
            storage = cgi_FieldStorage(
                fp=io.BytesIO(body),
                environ=environ,
                keep_blank_values=True,
                encoding=charset,
            )
            parsed: MultiDict[str, Any] = MultiDict.from_fieldstorage(storage)
        except (OSError, MemoryError, BadRequest):
            raise
        except Exception as exc:
            raise MalformedRequest(
                gettext_noop("The multipart form cannot be read: %(error)s"),
                params={"error": _shown(str(exc), 80)},
            ) from exc
        # A part without a name is no field (Django skips it too).
        values: MultiDict[str, Any] = MultiDict(
            (name, value) for name, value in parsed.items() if isinstance(name, str)
        )
        files = sum(1 for v in values.values() if not isinstance(v, str))
        if max_files is not None and files > max_files:
            raise TooManyFilesSent(
                gettext_noop(
                    "The request has more than %(limit)s files (the max_number_files limit, "
                    "Django's DATA_UPLOAD_MAX_NUMBER_FILES)"
                ),
                params={"limit": max_files},
            )
        if max_fields is not None and len(values) - files > max_fields:
            raise _too_many_fields(max_fields)
        return values


def get_csp_nonce(request: webob.Request) -> str:
    """The Content-Security-Policy nonce of this request ("" when none was made).

    :class:`~manouche.httpkit.SecurityMiddleware` stores it in
    ``request.environ["manouche.csp_nonce"]``; templates put it in
    ``<script nonce="...">``.
    """
    nonce = request.environ.get(CSP_NONCE_KEY, "")
    return nonce if isinstance(nonce, str) else ""
