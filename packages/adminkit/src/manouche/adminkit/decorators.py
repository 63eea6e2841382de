"""``@admin.display``, ``@admin.action`` and ``@admin.register``, as Django names them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from manouche.adminkit.sites import AdminSite

__all__ = ["action", "display", "register"]

F = TypeVar("F", bound=Callable[..., Any])


def display(
    function: F | None = None,
    *,
    boolean: bool | None = None,
    ordering: str | None = None,
    description: str | None = None,
    empty_value: str | None = None,
) -> Any:
    """Set a list_display callable's column header, sort field, boolean icon, empty text."""
    if boolean is not None and empty_value is not None:
        raise ValueError(
            "The boolean and empty_value arguments to the @display decorator are "
            "mutually exclusive."
        )

    def decorator(func: F) -> F:
        if boolean is not None:
            func.boolean = boolean  # type: ignore[attr-defined]
        if ordering is not None:
            func.admin_order_field = ordering  # type: ignore[attr-defined]
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        if empty_value is not None:
            func.empty_value_display = empty_value  # type: ignore[attr-defined]
        return func

    return decorator if function is None else decorator(function)


def action(
    function: F | None = None,
    *,
    permissions: Sequence[str] | None = None,
    description: str | None = None,
) -> Any:
    """Mark ``func(modeladmin, request, queryset)`` as an action of the change list."""

    def decorator(func: F) -> F:
        if permissions is not None:
            func.allowed_permissions = tuple(permissions)  # type: ignore[attr-defined]
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        return func

    return decorator if function is None else decorator(function)


def register(*models: Any, site: AdminSite | None = None) -> Callable[[type], type]:
    """``@register(Book, site=site)`` registers the decorated ModelAdmin class."""
    from manouche.adminkit.options import ModelAdmin
    from manouche.adminkit.sites import AdminSite
    from manouche.adminkit.sites import site as default_site

    if not models:
        raise ValueError("At least one model must be passed to register.")

    def wrapper(admin_class: type) -> type:
        admin_site = site if site is not None else default_site
        if not isinstance(admin_site, AdminSite):
            raise ValueError("site must subclass AdminSite")
        if not issubclass(admin_class, ModelAdmin):
            raise ValueError("Wrapped class must subclass ModelAdmin.")
        admin_site.register(models, admin_class=admin_class)
        return admin_class

    return wrapper
