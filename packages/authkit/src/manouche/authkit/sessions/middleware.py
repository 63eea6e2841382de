"""``SessionMiddleware``: ``request.session`` for every view, saved when modified."""

from __future__ import annotations

from typing import TYPE_CHECKING

import webob

from manouche.authkit._cookies import delete_cookie, set_cookie
from manouche.authkit.sessions.base import SessionBase, SessionInterrupted, UpdateError
from manouche.httpkit import BaseMiddleware, patch_vary_headers

if TYPE_CHECKING:
    from manouche.authkit.sessions.backends import BaseSessionEngine
    from manouche.httpkit import Handler

__all__ = ["SESSION_ENVIRON_KEY", "SessionMiddleware", "get_session"]

SESSION_ENVIRON_KEY = "manouche.session"


def get_session(request: webob.Request) -> SessionBase:
    """The request's session (``SessionMiddleware`` must run first)."""
    session = request.environ.get(SESSION_ENVIRON_KEY)
    if session is None:
        raise RuntimeError("no session on this request: add SessionMiddleware before this")
    return session  # type: ignore[no-any-return]


class SessionMiddleware(BaseMiddleware):
    """Django's ``SessionMiddleware``: loads lazily, saves and sets the cookie when modified.

    Options (Django setting in brackets, Django's defaults): ``engine`` (a
    session engine, required: ``SESSION_ENGINE``), ``cookie_name="sessionid"``,
    ``cookie_domain=None``, ``cookie_path="/"``, ``cookie_secure=False``,
    ``cookie_httponly=True``, ``cookie_samesite="Lax"``,
    ``save_every_request=False``. The cookie age and "expire at browser
    close" belong to the engine, which the session asks.

    The session is ``request.session`` (WebOb keeps ad hoc attributes in the
    environ) and ``request.environ["manouche.session"]``.
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        engine: BaseSessionEngine | None = None,
        cookie_name: str = "sessionid",
        cookie_domain: str | None = None,
        cookie_path: str = "/",
        cookie_secure: bool = False,
        cookie_httponly: bool = True,
        cookie_samesite: str | None = "Lax",
        save_every_request: bool = False,
    ) -> None:
        super().__init__(get_response)
        if engine is None:
            raise TypeError(
                "SessionMiddleware needs engine= (DatabaseSessions, CacheSessions, ...)"
            )
        if cookie_samesite not in (None, "Lax", "Strict", "None"):
            raise ValueError("cookie_samesite must be 'Lax', 'Strict', 'None' or None")
        if cookie_samesite == "None" and not cookie_secure:
            raise ValueError("cookie_samesite='None' needs cookie_secure=True (browsers refuse it)")
        self.engine = engine
        self.cookie_name = cookie_name
        self.cookie_domain = cookie_domain
        self.cookie_path = cookie_path
        self.cookie_secure = cookie_secure
        self.cookie_httponly = cookie_httponly
        self.cookie_samesite = cookie_samesite
        self.save_every_request = save_every_request

    def __call__(self, request: webob.Request) -> webob.Response:
        key = request.cookies.get(self.cookie_name)
        session = self.engine.store(key)
        request.environ[SESSION_ENVIRON_KEY] = session
        request.session = session
        response = self.get_response(request)
        return self.process_response(
            request, session, had_cookie=key is not None, response=response
        )

    def process_response(
        self,
        request: webob.Request,
        session: SessionBase,
        *,
        had_cookie: bool,
        response: webob.Response,
    ) -> webob.Response:
        # The view may have replaced the session object (login() does not, but be safe).
        session = request.environ.get(SESSION_ENVIRON_KEY, session)
        accessed = session.accessed
        modified = session.modified
        empty = session.is_empty()
        if had_cookie and empty:
            delete_cookie(
                response,
                self.cookie_name,
                path=self.cookie_path,
                domain=self.cookie_domain,
                samesite=self.cookie_samesite,
                secure=self.cookie_secure,
            )
            patch_vary_headers(response, ["Cookie"])
            return response
        if accessed:
            patch_vary_headers(response, ["Cookie"])
        if (modified or self.save_every_request) and not empty and response.status_code < 500:
            max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
            try:
                session.save()
            except UpdateError:
                raise SessionInterrupted(
                    "The request's session was deleted before the request completed. "
                    "The user may have logged out in a concurrent request, for example."
                ) from None
            set_cookie(
                response,
                self.cookie_name,
                str(session.session_key),
                max_age=max_age,
                domain=self.cookie_domain,
                path=self.cookie_path,
                secure=self.cookie_secure,
                httponly=self.cookie_httponly,
                samesite=self.cookie_samesite,
            )
        return response
