"""Permissions: who may call a view (``has_permission``) and touch an object."""

from __future__ import annotations

from typing import Any

from manouche.restkit.exceptions import NotFound

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _Operator:
    def __init__(self, op: str, first: Any, second: Any = None) -> None:
        self.op, self.first, self.second = op, first, second

    def __call__(self) -> Any:
        first = self.first()
        second = self.second() if self.second is not None else None
        return _Combined(self.op, first, second)

    def __and__(self, other: Any) -> _Operator:
        return _Operator("and", self, other)

    def __or__(self, other: Any) -> _Operator:
        return _Operator("or", self, other)

    def __invert__(self) -> _Operator:
        return _Operator("not", self)


class _Combined:
    def __init__(self, op: str, first: Any, second: Any) -> None:
        self.op, self.first, self.second = op, first, second
        self.message = getattr(first, "message", None) or getattr(second, "message", None)

    def has_permission(self, request: Any, view: Any) -> bool:
        a = self.first.has_permission(request, view)
        if self.op == "not":
            return not a
        if self.op == "and":
            return bool(a and self.second.has_permission(request, view))
        return bool(a or self.second.has_permission(request, view))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if self.op == "not":
            return not self.first.has_object_permission(request, view, obj)
        if self.op == "and":
            return bool(
                self.first.has_object_permission(request, view, obj)
                and self.second.has_object_permission(request, view, obj)
            )
        first = self.first.has_permission(request, view) and self.first.has_object_permission(
            request, view, obj
        )
        return bool(
            first
            or (
                self.second.has_permission(request, view)
                and self.second.has_object_permission(request, view, obj)
            )
        )


class BasePermissionMetaclass(type):
    def __and__(cls, other: Any) -> _Operator:
        return _Operator("and", cls, other)

    def __or__(cls, other: Any) -> _Operator:  # type: ignore[override]
        return _Operator("or", cls, other)

    def __invert__(cls) -> _Operator:
        return _Operator("not", cls)


class BasePermission(metaclass=BasePermissionMetaclass):
    """Allow everything; subclasses say no. ``IsAuthenticated & IsAdminUser`` combines."""

    message: str | None = None
    code: str | None = None

    def has_permission(self, request: Any, view: Any) -> bool:
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return True


def _authenticated(user: Any) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


class AllowAny(BasePermission):
    pass


class IsAuthenticated(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return _authenticated(request.user)


class IsAdminUser(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and getattr(request.user, "is_staff", False))


class IsAuthenticatedOrReadOnly(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or _authenticated(request.user)


def _model_of(view: Any) -> Any:
    queryset = view.get_queryset() if hasattr(view, "get_queryset") else None
    model = getattr(queryset, "model", None)
    if model is None:
        raise AssertionError(
            "Cannot apply DjangoModelPermissions on a view that does not set `.queryset` or "
            "have a `.get_queryset()` method."
        )
    return model


def _labels(model: Any) -> tuple[str, str]:
    meta = getattr(model, "_meta", None)
    app_label = getattr(meta, "app_label", None) or model.__module__.split(".")[0]
    model_name = getattr(meta, "model_name", None) or model.__name__.lower()
    return str(app_label), str(model_name)


class DjangoModelPermissions(BasePermission):
    """Django's ``<app>.add_<model>`` / ``change`` / ``delete`` permissions on the user.

    Works with any user object offering ``has_perms()`` (authkit's users,
    Django's). Reads need no permission, as in DRF.
    """

    perms_map: dict[str, list[str]] = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }
    authenticated_users_only = True

    def get_required_permissions(self, method: str, model_cls: Any) -> list[str]:
        app_label, model_name = _labels(model_cls)
        if method not in self.perms_map:
            from manouche.restkit.exceptions import MethodNotAllowed

            raise MethodNotAllowed(method)
        return [
            perm % {"app_label": app_label, "model_name": model_name}
            for perm in self.perms_map[method]
        ]

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or (not _authenticated(user) and self.authenticated_users_only):
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        perms = self.get_required_permissions(request.method, _model_of(view))
        return bool(user.has_perms(perms)) if perms else True


class DjangoModelPermissionsOrAnonReadOnly(DjangoModelPermissions):
    authenticated_users_only = False


class DjangoObjectPermissions(DjangoModelPermissions):
    """Per-object permissions through ``user.has_perms(perms, obj)``."""

    perms_map = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def get_required_object_permissions(self, method: str, model_cls: Any) -> list[str]:
        return self.get_required_permissions(method, model_cls)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        model = type(obj)
        user = request.user
        perms = self.get_required_object_permissions(request.method, model)
        if not perms or user.has_perms(perms, obj):
            return True
        if request.method in SAFE_METHODS:
            raise NotFound()
        read_perms = self.get_required_object_permissions("GET", model)
        if read_perms and not user.has_perms(read_perms, obj):
            raise NotFound()
        return False
