"""Authentication, permissions, throttling and versioning policies, one view at a time."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import webob

from manouche.restkit import permissions, throttling, versioning
from manouche.restkit.authentication import BasicAuthentication
from manouche.restkit.response import Response
from manouche.restkit.views import APIView


class Staff:
    is_authenticated = True
    is_active = True
    is_staff = True
    pk = 7

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return obj is None or getattr(obj, "owner", None) == "staff"


class Plain(Staff):
    is_staff = False
    pk = 8


USERS = {("staff", "pw"): Staff(), ("plain", "pw"): Plain()}


def check(username: str, password: str) -> Any:
    return USERS.get((username, password))


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def call(view: Any, headers: dict[str, str] | None = None, method: str = "GET", **kw: Any) -> Any:
    request = webob.Request.blank("/", method=method, headers=headers or {})
    return view(request, **kw)


class Admins(APIView):
    authentication_classes = [BasicAuthentication(check)]
    permission_classes = [permissions.IsAuthenticated & permissions.IsAdminUser]

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.pk})


def test_basic_authentication_and_combined_permissions() -> None:
    view = Admins.as_view()
    res = call(view)
    assert res.status_code == 401 and res.headers["WWW-Authenticate"] == 'Basic realm="api"'
    assert call(view, basic("staff", "pw")).json == {"user": 7}
    assert call(view, basic("plain", "pw")).status_code == 403
    assert call(view, basic("staff", "nope")).json == {"detail": "Invalid username/password."}
    bad = call(view, {"Authorization": "Basic !!!notbase64"})
    assert bad.status_code == 401
    assert bad.json == {"detail": "Invalid basic header. Credentials not correctly base64 encoded."}
    assert call(view, {"Authorization": "Basic"}).status_code == 401
    assert call(view, {"Authorization": "Basic a b"}).status_code == 401


def test_not_permission_and_or() -> None:
    class NotAdmins(Admins):
        permission_classes = [
            ~permissions.IsAdminUser | permissions.AllowAny & permissions.IsAdminUser
        ]

    view = NotAdmins.as_view()
    assert call(view, basic("plain", "pw")).status_code == 200
    assert call(view, basic("staff", "pw")).status_code == 200


class Doc:
    def __init__(self, owner: str) -> None:
        self.owner = owner


class Documents(APIView):
    authentication_classes = [BasicAuthentication(check)]
    permission_classes = [permissions.DjangoObjectPermissions]
    _ignore_model_permissions = True

    def get(self, request: Any, owner: str) -> Response:
        self.check_object_permissions(request, Doc(owner))
        return Response({"owner": owner})

    def delete(self, request: Any, owner: str) -> Response:
        self.check_object_permissions(request, Doc(owner))
        return Response(status=204)


def test_object_permissions() -> None:
    view = Documents.as_view()
    assert call(view, basic("staff", "pw"), owner="staff").json == {"owner": "staff"}
    # Reads need no permission (DRF's map); a delete without it is refused.
    assert call(view, basic("staff", "pw"), owner="other").status_code == 200
    assert call(view, basic("staff", "pw"), method="DELETE", owner="other").status_code == 403
    assert call(view, basic("staff", "pw"), method="DELETE", owner="staff").status_code == 204


def test_throttle_in_a_cachekit_cache() -> None:
    cachekit = pytest.importorskip("manouche.cachekit")
    cache = cachekit.create_cache("locmem://restkit-throttle-test")

    class Limited(APIView):
        class Throttle(throttling.UserRateThrottle):
            rate = "1/minute"

        Throttle.cache = cache
        throttle_classes = [Throttle]
        authentication_classes = [BasicAuthentication(check)]

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    view = Limited.as_view()
    assert call(view, basic("staff", "pw")).status_code == 200
    assert call(view, basic("plain", "pw")).status_code == 200
    limited = call(view, basic("staff", "pw"))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


def test_throttle_rates_are_validated() -> None:
    class Bad(throttling.AnonRateThrottle):
        rate = "ten/minute"

    with pytest.raises(ValueError, match="Invalid throttle rate"):
        Bad()


def test_accept_header_and_header_versioning() -> None:
    class ByAccept(APIView):
        versioning_class = type(
            "V", (versioning.AcceptHeaderVersioning,), {"allowed_versions": ("1.0", "2.0")}
        )
        authentication_classes = []

        def get(self, request: Any) -> Response:
            return Response({"version": request.version})

    class ByHeader(ByAccept):
        versioning_class = type("H", (versioning.HeaderVersioning,), {"default_version": "1"})

    view = ByAccept.as_view()
    assert call(view, {"Accept": "application/json; version=2.0"}).json == {"version": "2.0"}
    assert call(view, {"Accept": "application/json; version=9"}).status_code == 406
    assert call(view).status_code == 406  # no version and no default: not allowed (as DRF)
    header_view = ByHeader.as_view()
    assert call(header_view, {"X-API-Version": "3"}).json == {"version": "3"}
    assert call(header_view).json == {"version": "1"}


# -- session authentication: authkit's request.user and its CSRF check -------------


class SessionNotes(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.pk})

    def post(self, request: Any) -> Response:
        return Response({"user": request.user.pk}, status=201)


def _session_app(with_csrf: bool) -> Any:
    from manouche.authkit import CsrfViewMiddleware
    from manouche.httpkit import make_wsgi_app
    from manouche.restkit.authentication import SessionAuthentication

    view = SessionNotes.as_view(authentication_classes=[SessionAuthentication()])

    def user_middleware(get_response: Any) -> Any:
        # What authkit's AuthenticationMiddleware does: request.user on the WebOb request.
        def middleware(request: webob.Request) -> webob.Response:
            if request.headers.get("X-User") == "staff":
                request.user = Staff()
            return get_response(request)

        return middleware

    middleware: list[Any] = [user_middleware]
    if with_csrf:
        middleware.insert(0, CsrfViewMiddleware.configure(resolve_view=lambda request: view))
    return make_wsgi_app(view, middleware)


SECRET = "a" * 16 + "B" * 16


def _session_call(app: Any, method: str, **headers: str) -> webob.Response:
    request = webob.Request.blank("/", method=method, headers=headers)
    request.host = "testserver"
    return request.get_response(app)


def test_session_authentication_uses_authkit_user_and_csrf_check() -> None:
    pytest.importorskip("manouche.authkit")
    app = _session_app(with_csrf=True)
    assert _session_call(app, "GET").status_code == 403  # no user, no session: refused
    assert _session_call(app, "GET", X_User="staff").json == {"user": 7}
    # An unsafe method from a session needs the CSRF token authkit checks.
    refused = _session_call(app, "POST", X_User="staff", Cookie=f"csrftoken={SECRET}")
    assert refused.status_code == 403
    assert refused.json["detail"].startswith("CSRF Failed: CSRF token missing")
    wrong = _session_call(
        app, "POST", X_User="staff", Cookie=f"csrftoken={SECRET}", X_CSRFToken="b" * 32
    )
    assert wrong.status_code == 403 and "incorrect" in wrong.json["detail"]
    ok = _session_call(
        app, "POST", X_User="staff", Cookie=f"csrftoken={SECRET}", X_CSRFToken=SECRET
    )
    assert ok.status_code == 201 and ok.json == {"user": 7}


def test_session_authentication_refuses_unsafe_methods_without_csrf_middleware() -> None:
    pytest.importorskip("manouche.authkit")
    app = _session_app(with_csrf=False)
    assert _session_call(app, "GET", X_User="staff").json == {"user": 7}
    res = _session_call(app, "POST", X_User="staff", X_CSRFToken=SECRET)
    assert res.status_code == 403
    assert res.json["detail"] == (
        "CSRF Failed: CSRF protection is not configured (no CsrfViewMiddleware ran)."
    )
