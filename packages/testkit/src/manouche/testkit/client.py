"""``Client``: a WebTest ``TestApp`` with form, JSON, redirect and CSRF helpers.

This module needs WebTest (``pip install 'manouche-testkit[web]'``); the rest
of the package imports without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import webtest
from webtest import forms as _forms

__all__ = ["Client", "Response"]

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOT_GIVEN: Any = object()
_MAX_REDIRECTS = 20
_REPR_BODY = 300


def _body_text(res: Any, limit: int | None = None) -> str:
    body: bytes = res.body or b""
    text = body.decode(res.charset or "utf-8", "replace")
    if limit is not None and len(text) > limit:
        return f"{text[:limit]}... ({len(body)} bytes)"
    return text


# WebTest ships no type information: its classes are ``Any`` to the type checker.
class Response(webtest.TestResponse):  # type: ignore[misc]
    """A WebTest response whose failures show what the application sent.

    Its ``repr`` carries the start of the body, so a plain
    ``assert res.status_int == 200`` shows it; :meth:`assert_status` shows
    all of it. After ``follow=True``, :attr:`redirect_chain` lists the
    ``(location, status)`` pairs that were followed, as Django's test client.
    """

    redirect_chain: list[tuple[str, int]]

    def __repr__(self) -> str:
        parts = [self.status]
        if self.content_type:
            parts.append(self.content_type)
        if self.location:
            parts.append(f"location={self.location}")
        if self.body:
            parts.append(f"body={_body_text(self, _REPR_BODY)!r}")
        return f"<Response {' '.join(parts)}>"

    def assert_status(self, status: int) -> Response:
        """Fail, showing the whole response, unless its status code is ``status``."""
        if self.status_int != status:
            raise AssertionError(
                f"expected status {status}, got {self.status} for "
                f"{self.request.method} {self.request.url}\n{self}"
            )
        return self


class _Request(webtest.TestRequest):  # type: ignore[misc]
    ResponseClass = Response


class Client(webtest.TestApp):  # type: ignore[misc]
    """A test client over a WSGI application: ``Client(app).get("/")``.

    Everything WebTest's ``TestApp`` does, plus:

    * cookies set by the application are kept and sent back (WebTest's cookie
      jar), so a login carries over to the next request;
    * ``follow=True`` on ``get``/``post``/``put``/``patch``/``delete`` and
      :meth:`submit_form` follows redirects and records them in
      ``response.redirect_chain`` (Django's ``Client(follow=True)``);
    * :meth:`submit_form` finds a form in a page, fills it and submits it;
    * :meth:`get_json` and WebTest's ``post_json``/``put_json``/``patch_json``/
      ``delete_json`` for JSON APIs;
    * :meth:`csrf_token` and :meth:`csrf_headers` read the CSRF token the
      application handed out (hidden form field, ``environ["manouche.csrf_token"]``
      or cookie); with ``send_csrf=True`` every unsafe request carries it in a
      header.

    A response with a status of 400 or more fails the request unless
    ``status=`` or ``expect_errors=True`` says it is expected; the failure
    shows the response body.

    :param app: the WSGI application.
    :param extra_environ: WSGI environ keys added to every request.
    :param csrf_field: name of the hidden form field holding the CSRF token.
    :param csrf_cookie: name of the cookie holding the CSRF token.
    :param csrf_header: request header the token is sent in.
    :param send_csrf: send the token in ``csrf_header`` with every POST, PUT,
        PATCH and DELETE when one is known.
    """

    RequestClass = _Request

    def __init__(
        self,
        app: Any,
        extra_environ: Mapping[str, Any] | None = None,
        *,
        csrf_field: str = "csrfmiddlewaretoken",
        csrf_cookie: str = "csrftoken",
        csrf_header: str = "X-CSRFToken",
        send_csrf: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(app, extra_environ=dict(extra_environ or {}), **kwargs)
        self.csrf_field = csrf_field
        self.csrf_cookie = csrf_cookie
        self.csrf_header = csrf_header
        self.send_csrf = send_csrf
        self.last_response: Response | None = None

    def __repr__(self) -> str:
        return f"<Client for {self.app!r}>"

    # -- requests -----------------------------------------------------------

    def do_request(self, req: Any, status: Any = None, expect_errors: Any = None) -> Response:
        if (
            self.send_csrf
            and req.method.upper() in _UNSAFE_METHODS
            and self.csrf_header not in req.headers
        ):
            token = self.csrf_token()
            if token is not None:
                req.headers[self.csrf_header] = token
        res: Response = super().do_request(req, status=status, expect_errors=expect_errors)
        res.redirect_chain = []
        self.last_response = res
        return res

    def get(self, url: str, params: Any = None, *, follow: bool = False, **kwargs: Any) -> Response:
        """GET ``url``; see WebTest's ``TestApp.get`` for the other arguments."""
        return self._send("get", url, params, follow, kwargs)

    def post(
        self, url: str, params: Any = _NOT_GIVEN, *, follow: bool = False, **kwargs: Any
    ) -> Response:
        """POST ``params`` (a dict, a list of pairs or a body) to ``url``."""
        return self._send("post", url, params, follow, kwargs)

    def put(
        self, url: str, params: Any = _NOT_GIVEN, *, follow: bool = False, **kwargs: Any
    ) -> Response:
        return self._send("put", url, params, follow, kwargs)

    def patch(
        self, url: str, params: Any = _NOT_GIVEN, *, follow: bool = False, **kwargs: Any
    ) -> Response:
        return self._send("patch", url, params, follow, kwargs)

    def delete(
        self, url: str, params: Any = _NOT_GIVEN, *, follow: bool = False, **kwargs: Any
    ) -> Response:
        return self._send("delete", url, params, follow, kwargs)

    def get_json(self, url: str, params: Any = None, **kwargs: Any) -> Response:
        """GET ``url`` asking for JSON; the decoded body is ``response.json``."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept", "application/json")
        return self.get(url, params, headers=headers, **kwargs)

    def _send(
        self, method: str, url: str, params: Any, follow: bool, kwargs: dict[str, Any]
    ) -> Response:
        send = getattr(super(), method)
        args = () if params is _NOT_GIVEN else (params,)
        if not follow:
            result: Response = send(url, *args, **kwargs)
            return result
        status = kwargs.pop("status", None)
        expect_errors = kwargs.pop("expect_errors", False)
        first = send(url, *args, status="*", **kwargs)
        return self.follow_redirects(first, status=status, expect_errors=expect_errors)

    def follow_redirects(
        self, response: Response, *, status: Any = None, expect_errors: bool = False
    ) -> Response:
        """Follow ``response``'s redirects on this host; return the last response.

        301, 302 and 303 are followed with GET; 307 and 308 repeat the method
        and body. ``redirect_chain`` of the result lists what was followed. A
        redirect to another host is not followed (its response is returned),
        and a loop fails naming the chain.
        """
        chain: list[tuple[str, int]] = []
        seen: set[tuple[str, str]] = set()
        res = response
        while 300 <= res.status_int < 400 and res.location:
            location = res.headers["Location"]
            target = urljoin(res.request.url, location)
            if urlsplit(target).netloc != urlsplit(res.request.url).netloc:
                break
            chain.append((location, res.status_int))
            preserve = res.status_int in (307, 308)
            method = res.request.method if preserve else "GET"
            if (method, target) in seen or len(chain) > _MAX_REDIRECTS:
                hops = " -> ".join(f"{loc} ({code})" for loc, code in chain)
                raise AssertionError(f"redirect loop: {hops}")
            seen.add((method, target))
            if preserve and method not in ("GET", "HEAD"):
                req = self.RequestClass.blank(
                    target,
                    self._make_environ(),
                    method=method,
                    body=res.request.body,
                    content_type=res.request.content_type,
                )
                res = self.do_request(req, status="*")
            else:
                res = self.get(target, status="*")
        res.redirect_chain = chain
        if not expect_errors:
            self._check_status(status, res)
        return res

    # -- forms --------------------------------------------------------------

    def find_form(self, page: Response, form: int | str | None = None) -> Any:
        """The WebTest ``Form`` of ``page`` chosen by ``form``.

        ``form`` is an index, or the form's ``id``, ``name`` or ``action``;
        when it is omitted the page must hold exactly one form.
        """
        found = page.forms if "html" in (page.content_type or "") else {}
        indexed = [found[i] for i in sorted(k for k in found if isinstance(k, int))]
        where = f"{page.request.method} {page.request.url} ({page.status})"
        if not indexed:
            raise AssertionError(f"no <form> in the page of {where}:\n{_body_text(page, 2000)}")
        if form is None:
            if len(indexed) == 1:
                return indexed[0]
            raise AssertionError(
                f"the page of {where} has {len(indexed)} forms, say which with form=: "
                + ", ".join(_describe_form(i, f) for i, f in enumerate(indexed))
            )
        if isinstance(form, int):
            if 0 <= form < len(indexed):
                return indexed[form]
        else:
            for candidate in indexed:
                attrs = _form_attrs(candidate)
                if form in (attrs.get("id"), attrs.get("name"), attrs.get("action")):
                    return candidate
        raise AssertionError(
            f"no form {form!r} in the page of {where}; its forms: "
            + ", ".join(_describe_form(i, f) for i, f in enumerate(indexed))
        )

    def fill_form(self, form: Any, fields: Mapping[str, Any] | None = None) -> Any:
        """Set ``fields`` on a WebTest ``Form``; return the form.

        Values are what a user would choose: text for inputs, an option value
        for selects, a list of values for multiple selects and for a group of
        checkboxes sharing a name, ``True``/``False`` for a lone checkbox,
        ``(filename, content)`` or a ``webtest.Upload`` for a file. Hidden
        fields are set too (a test may need to tamper with them).
        """
        for name, value in (fields or {}).items():
            present = form.fields.get(name)
            if not present:
                known = ", ".join(sorted(n for n in form.fields if n)) or "none"
                raise AssertionError(f"the form has no field named {name!r}; its fields: {known}")
            _set_field(name, present, value)
        return form

    def submit_form(
        self,
        page: str | Response,
        fields: Mapping[str, Any] | None = None,
        *,
        form: int | str | None = None,
        submit: str | None = None,
        follow: bool = False,
        status: Any = None,
        expect_errors: bool = False,
        **kwargs: Any,
    ) -> Response:
        """Fill and submit a form found in ``page`` (a URL to GET, or a response).

        The form is picked by :meth:`find_form`, filled by :meth:`fill_form`;
        ``submit`` names the button to press. The form's own hidden fields
        (a CSRF token among them) are sent as the page had them.
        """
        res = self.get(page) if isinstance(page, str) else page
        chosen = self.fill_form(self.find_form(res, form), fields)
        if not follow:
            result: Response = chosen.submit(
                submit, status=status, expect_errors=expect_errors, **kwargs
            )
            return result
        first = chosen.submit(submit, status="*", **kwargs)
        return self.follow_redirects(first, status=status, expect_errors=expect_errors)

    # -- CSRF ---------------------------------------------------------------

    def csrf_token(self, response: Response | None = None) -> str | None:
        """The CSRF token the application handed out, or ``None``.

        Looked up in ``response`` (default: the last response) as the hidden
        form field ``csrf_field``, then in that request's
        ``environ["manouche.csrf_token"]``, then in the ``csrf_cookie`` cookie.
        """
        res = response if response is not None else self.last_response
        if res is not None:
            if "html" in (res.content_type or ""):
                for key, page_form in res.forms.items():
                    if not isinstance(key, int):
                        continue
                    for field in page_form.fields.get(self.csrf_field, ()):
                        if field.value:
                            return str(field.value)
            token = res.request.environ.get("manouche.csrf_token")
            if token:
                return str(token)
        cookie = self.cookies.get(self.csrf_cookie)
        return str(cookie) if cookie else None

    def csrf_headers(self, response: Response | None = None) -> dict[str, str]:
        """``{csrf_header: token}`` to pass as ``headers=``; fails when no token is known."""
        token = self.csrf_token(response)
        if token is None:
            raise AssertionError(
                f"no CSRF token: no {self.csrf_field!r} field in the last page, no "
                f"environ['manouche.csrf_token'], no {self.csrf_cookie!r} cookie"
            )
        return {self.csrf_header: token}


def _form_attrs(form: Any) -> dict[str, Any]:
    tag = form.html.find("form")
    return dict(tag.attrs) if tag is not None else {}


def _describe_form(index: int, form: Any) -> str:
    attrs = _form_attrs(form)
    named = " ".join(f"{k}={attrs[k]!r}" for k in ("id", "name", "action") if attrs.get(k))
    return f"#{index}" + (f" ({named})" if named else "")


def _set_field(name: str, present: list[Any], value: Any) -> None:
    first = present[0]
    if isinstance(first, _forms.Checkbox):
        if len(present) == 1 and isinstance(value, bool):
            first.checked = value
            return
        wanted = {str(v) for v in _as_list(value)}
        available = {str(box._value) for box in present}
        unknown = wanted - available
        if unknown:
            raise AssertionError(
                f"checkbox {name!r} has no value {', '.join(sorted(unknown))}; "
                f"its values: {', '.join(sorted(available))}"
            )
        for box in present:
            box.checked = str(box._value) in wanted
        return
    if len(present) > 1 and isinstance(value, list | tuple):
        if len(value) != len(present):
            raise AssertionError(
                f"{len(present)} fields are named {name!r}, {len(value)} values given"
            )
        for field, item in zip(present, value, strict=True):
            _set_one(field, item)
        return
    _set_one(first, value)


def _set_one(field: Any, value: Any) -> None:
    if isinstance(field, _forms.File):
        if isinstance(value, tuple):
            value = webtest.Upload(*value)
        field.value = value
    elif isinstance(field, _forms.MultipleSelect):
        field.value = [str(v) for v in _as_list(value)]
    elif isinstance(field, _forms.Hidden):
        field.force_value(str(value))
    else:
        field.value = value if value is None else str(value)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return [value]
    return list(value)
