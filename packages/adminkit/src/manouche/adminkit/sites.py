"""AdminSite: the registry of ModelAdmins and the WSGI app serving their pages.

Mount it anywhere (``mount("admin/", site)`` in urlmap, a Flask
``DispatcherMiddleware``, any WSGI router): its URLs are made from the
request's ``SCRIPT_NAME``. No page is served before the site knows who may
use it: authkit's active staff users when authkit is installed, or the
``authorize(request) -> bool`` callable given to the site.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import webob
from markupsafe import Markup

from manouche.adminkit import _security
from manouche.adminkit._i18n import get_language, gettext, gettext_noop, locale_middleware, ngettext
from manouche.adminkit._meta import Opts, capfirst
from manouche.adminkit._store import Store
from manouche.adminkit.history import History
from manouche.adminkit.options import ModelAdmin, delete_selected
from manouche.httpkit import make_wsgi_app
from manouche.tplkit import create_environment
from manouche.urlmap import URLMap, path

__all__ = ["AdminSite", "AlreadyRegistered", "ImproperlyConfigured", "NotRegistered", "site"]

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
_STATIC = {"admin.css": "text/css", "admin.js": "text/javascript"}


class AlreadyRegistered(Exception):
    """The model is already registered with this site."""


class NotRegistered(Exception):
    """The model is not registered with this site."""


class ImproperlyConfigured(Exception):
    """The site cannot serve pages as configured (no authorization rule, a bad option)."""


class AdminSite:
    """The admin: ``register()`` models, then serve it as a WSGI app.

    :param db: an orm-lite ``Database`` or a SQLAlchemy ``Session`` (Flask-SQLAlchemy's
        ``db.session``); None uses each orm-lite model's default database.
    :param authorize: ``authorize(request) -> bool``, who may use the site. Required
        without authkit; with authkit the default is active staff users, and each
        model's pages also need authkit's ``<app>.<action>_<model>`` permission.
    :param user_id: ``user_id(request)`` for the history, when ``authorize`` is used.
    :param language: ``language(request) -> str`` (default: i18nkit's active language, else "en").
    :param languages: serve the site in these languages, chosen from ``Accept-Language``
        (i18nkit's ``LocaleMiddleware``; needs the ``[i18n]`` extra), e.g. ``["en", "fr", "ar"]``.
    """

    # Shown in the request's language (an own title too, when the catalogs have it).
    site_header = gettext_noop("Administration")
    site_title = gettext_noop("Site admin")
    index_title = gettext_noop("Site administration")
    site_url: str | None = "/"
    empty_value_display = "-"
    enable_nav_sidebar = True

    def __init__(
        self,
        name: str = "admin",
        *,
        db: Any = None,
        authorize: Callable[[webob.Request], bool] | None = None,
        user_id: Callable[[webob.Request], Any] | None = None,
        language: Callable[[webob.Request], str] | None = None,
        languages: list[str] | None = None,
        require_authorization: bool = True,
    ) -> None:
        self.name = name
        self._registry: dict[Any, ModelAdmin] = {}
        self.authorize = authorize
        self.user_id = user_id
        self.language = language
        self.store = Store(db)
        self.history = History(self.store)
        self._actions: dict[str, Any] = {"delete_selected": delete_selected}
        self._require = require_authorization
        self.languages = list(languages or ())
        self._handler: Any = None
        self._env: Any = None

    # -- the registry --------------------------------------------------------------

    def register(
        self, model_or_iterable: Any, admin_class: type[ModelAdmin] | None = None, **options: Any
    ) -> None:
        admin_class = admin_class or ModelAdmin
        models = (
            model_or_iterable if isinstance(model_or_iterable, Iterable) else [model_or_iterable]
        )
        for model in models:
            if getattr(model, "__table__", None) is None:
                raise TypeError(f"{model!r} is not a model: it has no __table__")
            if model in self._registry:
                raise AlreadyRegistered(
                    f"The model {model.__name__} is already registered with '{self.name}'."
                )
            if options:
                admin_class = type(f"{model.__name__}Admin", (admin_class,), dict(options))
            self._registry[model] = admin_class(model, self)
        self._handler = None

    def unregister(self, model_or_iterable: Any) -> None:
        models = (
            model_or_iterable if isinstance(model_or_iterable, Iterable) else [model_or_iterable]
        )
        for model in models:
            if model not in self._registry:
                raise NotRegistered(f"The model {model.__name__} is not registered")
            del self._registry[model]
        self._handler = None

    def is_registered(self, model: Any) -> bool:
        return model in self._registry

    def get_model_admin(self, model: Any) -> ModelAdmin:
        try:
            return self._registry[model]
        except KeyError:
            raise NotRegistered(f"The model {model.__name__} is not registered.") from None

    def add_action(self, action: Any, name: str | None = None) -> None:
        self._actions[name or action.__name__] = action

    def disable_action(self, name: str) -> None:
        del self._actions[name]

    @property
    def actions(self) -> list[Any]:
        return list(self._actions.values())

    def _by_url(self, app_label: str, model_name: str) -> ModelAdmin | None:
        for admin in self._registry.values():
            if admin.opts.app_label == app_label and admin.opts.model_name == model_name:
                return admin
        return None

    # -- who may do what -------------------------------------------------------------

    def _check_configured(self) -> None:
        if self.authorize is None and not _security.has_authkit() and self._require:
            raise ImproperlyConfigured(
                "the admin serves no page without an authorization rule: install "
                "manouche-adminkit[auth] (staff users and permissions) or pass "
                "AdminSite(authorize=lambda request: ...)"
            )

    def has_permission(self, request: webob.Request) -> bool:
        """Whether the request may see the site at all."""
        if self.authorize is not None:
            return bool(self.authorize(request))
        user = _security.request_user(request)
        return bool(
            user is not None
            and getattr(user, "is_active", False)
            and getattr(user, "is_staff", False)
        )

    def has_model_permission(self, request: webob.Request, opts: Opts, action: str) -> bool:
        if self.authorize is not None:
            return True
        user = _security.request_user(request)
        return bool(user is not None and user.has_perm(opts.perm(action)))

    def get_user(self, request: webob.Request) -> Any:
        """authkit's user; under an ``authorize`` callable, only one a middleware already set."""
        if self.authorize is not None:
            if _security.authkit is None:
                return None
            return request.environ.get(_security.authkit.auth.USER_ENVIRON_KEY)
        return _security.request_user(request)

    def current_user_id(self, request: webob.Request) -> Any:
        if self.user_id is not None:
            return self.user_id(request)
        user = self.get_user(request)
        return (
            getattr(user, "pk", None)
            if user is not None and getattr(user, "is_authenticated", False)
            else None
        )

    def name_users(self, entries: list[Any]) -> None:
        """Put authkit's usernames on history entries (under ``authorize``, the ids stay)."""
        if _security.authkit is None or self.authorize is not None:
            return
        ids = {e.user_id for e in entries if e.user_id is not None}
        names = {}
        for user in _security.authkit.User._base_manager.filter(pk__in=list(ids)) if ids else ():
            names[user.pk] = user.get_username()
        for entry in entries:
            entry.user_name = names.get(entry.user_id, "")

    # -- responses ---------------------------------------------------------------------

    def url(self, request: webob.Request, suffix: str = "") -> str:
        return (request.script_name or "") + "/" + suffix

    def redirect(self, location: str, status: int = 302) -> webob.Response:
        response = webob.Response(status=status)
        response.location = location
        return response

    def message(self, request: webob.Request, text: Any, level: str = "success") -> None:
        if _security.authkit is not None and request.environ.get("manouche.messages") is not None:
            getattr(_security.authkit.messages, level)(request, text)
            return
        request.environ.setdefault("manouche.adminkit.messages", []).append((level, text))

    def _messages(self, request: webob.Request) -> list[tuple[str, Any]]:
        found = list(request.environ.get("manouche.adminkit.messages", []))
        if _security.authkit is not None:
            for m in _security.authkit.get_messages(request):
                found.append((getattr(m, "level_tag", "info") or "info", m.message))
        return found

    def forbidden(self, request: webob.Request) -> webob.Response:
        response = self.render(
            request,
            "admin/error.html",
            {
                "title": gettext("403 Forbidden"),
                "text": gettext("You don’t have permission to view or edit this."),
            },
        )
        response.status_code = 403
        return response

    def bad_request(self, request: webob.Request, text: str) -> webob.Response:
        response = self.render(
            request, "admin/error.html", {"title": gettext("Bad request"), "text": text}
        )
        response.status_code = 400
        return response

    def not_found(
        self, request: webob.Request, opts: Opts | None = None, object_id: str | None = None
    ) -> webob.Response:
        if opts is not None:
            text = gettext("{name} with ID “{key}” doesn’t exist. Perhaps it was deleted?").format(
                name=capfirst(opts.verbose_name), key=object_id
            )
        else:
            text = gettext("The page you asked for does not exist.")
        response = self.render(
            request, "admin/error.html", {"title": gettext("Page not found"), "text": text}
        )
        response.status_code = 404
        return response

    @property
    def env(self) -> Any:
        if self._env is None:
            env = create_environment(packages=[("manouche.adminkit", "templates")], autoescape=True)
            env.globals["_"] = gettext
            env.globals["ngettext"] = ngettext
            env.globals["capfirst"] = capfirst
            self._env = env
        return self._env

    def get_language(self, request: webob.Request) -> str:
        if self.language is not None:
            return self.language(request)
        return get_language()

    def each_context(self, request: webob.Request) -> dict[str, Any]:
        lang = self.get_language(request)
        user = self.get_user(request)
        return {
            "site": self,
            "site_header": gettext(str(self.site_header)),
            "site_title": gettext(str(self.site_title)),
            "site_url": self.site_url,
            "root": self.url(request),
            "static": lambda name: self.url(request, f"static/{name}"),
            "request": request,
            "csrf_input": Markup('<input type="hidden" name="{}" value="{}">').format(
                _security.CSRF_FIELD, _security.csrf_token(request)
            ),
            "user": user,
            "username": user.get_username()
            if user is not None and hasattr(user, "get_username")
            else "",
            "has_login": self.authorize is None and _security.has_authkit(),
            "lang": lang,
            "dir": "rtl" if lang.split("-")[0] in RTL_LANGUAGES else "ltr",
            "messages": self._messages(request),
            "available_apps": self.get_app_list(request) if self.has_permission(request) else [],
        }

    def render(
        self, request: webob.Request, template: str, context: dict[str, Any]
    ) -> webob.Response:
        values = self.each_context(request)
        values.update(context)
        body = self.env.get_template(template).render(values)
        response = webob.Response(body=body.encode(), content_type="text/html", charset="utf-8")
        response.cache_control = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def get_app_list(self, request: webob.Request) -> list[dict[str, Any]]:
        apps: dict[str, dict[str, Any]] = {}
        for model_admin in self._registry.values():
            if not model_admin.has_module_permission(request):
                continue
            opts = model_admin.opts
            perms = {
                "add": model_admin.has_add_permission(request),
                "change": model_admin.has_change_permission(request),
                "view": model_admin.has_view_permission(request),
            }
            if not any(perms.values()):
                continue
            app = apps.setdefault(
                opts.app_label,
                {"name": capfirst(opts.app_label), "app_label": opts.app_label, "models": []},
            )
            app["models"].append(
                {
                    "name": capfirst(opts.verbose_name_plural),
                    "object_name": opts.object_name,
                    "perms": perms,
                    "admin_url": model_admin.url(request)
                    if perms["view"] or perms["change"]
                    else None,
                    "add_url": model_admin.url(request, "add/") if perms["add"] else None,
                }
            )
        result = sorted(apps.values(), key=lambda a: a["name"].lower())
        for app in result:
            app["models"].sort(key=lambda m: m["name"].lower())
        return result

    # -- views -------------------------------------------------------------------------

    def _guard(self, view: Callable[..., webob.Response]) -> Callable[..., webob.Response]:
        def guarded(request: webob.Request, **kwargs: Any) -> webob.Response:
            for model in self._registry:
                self.history.prepare(model)
            if not self.has_permission(request):
                if self.authorize is None and _security.has_authkit():
                    query = urlencode({"next": request.path_qs})
                    return self.redirect(self.url(request, "login/") + "?" + query)
                return self.forbidden(request)
            return view(request, **kwargs)

        return guarded

    def _model_view(self, which: str) -> Callable[..., webob.Response]:
        def view(
            request: webob.Request, app_label: str, model_name: str, object_id: str | None = None
        ) -> webob.Response:
            admin = self._by_url(app_label, model_name)
            if admin is None:
                return self.not_found(request)
            if request.method not in ("GET", "HEAD", "POST"):
                response = webob.Response(status=405)
                response.allow = ("GET", "HEAD", "POST")
                return response
            if which == "changelist":
                return admin.changelist_view(request)
            if which == "add":
                return admin.add_view(request)
            assert object_id is not None
            answer: webob.Response = getattr(admin, f"{which}_view")(request, object_id)
            return answer

        return view

    def index(self, request: webob.Request) -> webob.Response:
        user_id = self.current_user_id(request)
        recent = []
        first = next(iter(self._registry), None)
        if first is not None:
            try:
                recent = self.history.recent(first, user_id)
            except Exception:  # a database without the log table yet
                recent = []
        return self.render(
            request,
            "admin/index.html",
            {
                "title": gettext(str(self.index_title)),
                "app_list": self.get_app_list(request),
                "recent": recent,
            },
        )

    def login(self, request: webob.Request) -> webob.Response:
        if not (_security.has_authkit() and self.authorize is None):
            return self.not_found(request)
        authkit = _security.authkit
        next_url = request.params.get("next", "")
        safe_next = authkit.get_safe_redirect(
            next_url or None,
            {request.host},
            self.url(request),
            require_https=request.scheme == "https",
        )
        error = ""
        username = ""
        if request.method == "POST":
            username = str(request.POST.get("username", ""))[:150]
            password = str(request.POST.get("password", ""))[:4096]
            user = authkit.authenticate(request, username=username, password=password)
            if user is not None and user.is_active and user.is_staff:
                authkit.login(request, user)
                return self.redirect(safe_next)
            error = gettext(
                "Please enter the correct username and password for a staff account. "
                "Note that both fields may be case-sensitive."
            )
        elif self.has_permission(request):
            return self.redirect(safe_next)
        response = self.render(
            request,
            "admin/login.html",
            {
                "title": gettext("Log in"),
                "error": error,
                "next": next_url,
                "username_value": username,
            },
        )
        if error:
            response.status_code = 200
        return response

    def logout(self, request: webob.Request) -> webob.Response:
        if request.method != "POST":
            response = webob.Response(status=405)
            response.allow = ("POST",)
            return response
        if _security.has_authkit() and self.authorize is None:
            _security.authkit.logout(request)
        return self.render(request, "admin/logged_out.html", {"title": gettext("Logged out")})

    def autocomplete(self, request: webob.Request) -> webob.Response:
        """Django's autocomplete JSON: ``{"results": [{"id", "text"}], "pagination": {"more"}}``."""
        params = request.GET
        source = self._by_url(params.get("app_label", ""), params.get("model_name", ""))
        if source is None:
            return self._json({"error": "unknown model"}, 403)
        field_name = params.get("field_name", "")
        if field_name not in source.autocomplete_fields:
            return self._json({"error": "not an autocomplete field"}, 403)
        field = source.opts.get_field(field_name)
        target = self._registry.get(field.related_model)
        if target is None or not target.get_search_fields(request):
            return self._json({"error": "the related model has no admin with search_fields"}, 403)
        if not (
            source.has_view_or_change_permission(request) or source.has_add_permission(request)
        ) or not target.has_view_permission(request):
            return self._json({"error": "permission denied"}, 403)
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            return self._json({"error": "bad page"}, 400)
        term = params.get("term", "")[:200]
        objects, more = target.autocomplete_results(request, term, page)
        pk = target.opts.pk_field.attname
        return self._json(
            {
                "results": [{"id": str(getattr(o, pk)), "text": str(o)} for o in objects],
                "pagination": {"more": more},
            }
        )

    def _json(self, data: Any, status: int = 200) -> webob.Response:
        response = webob.Response(
            body=json.dumps(data).encode(),
            status=status,
            content_type="application/json",
        )
        response.cache_control = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def static(self, request: webob.Request, name: str) -> webob.Response:
        if name not in _STATIC:
            return webob.Response(status=404)
        body = resources.files("manouche.adminkit").joinpath("static", name).read_bytes()
        response = webob.Response(body=body, content_type=_STATIC[name], charset="utf-8")
        response.cache_control = "public, max-age=3600"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # -- wiring --------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        g = self._guard
        model = "<str:app_label>/<str:model_name>/"
        return [
            path("", g(self.index), name="index"),
            path("login/", self.login, name="login"),
            path("logout/", self.logout, name="logout"),
            path("static/<str:name>", self.static, name="static"),
            path("autocomplete/", g(self.autocomplete), name="autocomplete"),
            path(model, g(self._model_view("changelist")), name="changelist"),
            path(model + "add/", g(self._model_view("add")), name="add"),
            path(model + "<path:object_id>/change/", g(self._model_view("change")), name="change"),
            path(model + "<path:object_id>/delete/", g(self._model_view("delete")), name="delete"),
            path(
                model + "<path:object_id>/history/", g(self._model_view("history")), name="history"
            ),
        ]

    @property
    def urls(self) -> URLMap:
        """The site's URL map (a view and a WSGI app), without the CSRF middleware."""
        return URLMap(self.get_urls(), append_slash=True)

    def wsgi(self) -> Any:
        self._check_configured()
        if self._handler is None:
            middleware = [_security.csrf_middleware()]
            if self.languages:
                middleware.insert(0, locale_middleware(self.languages))
            self._handler = make_wsgi_app(self.urls, middleware)
        return self._handler

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.wsgi()(environ, start_response)

    def log(
        self, request: webob.Request, opts: Opts, obj: Any, flag: int, message: Any = ""
    ) -> None:
        pk = getattr(obj, opts.pk_field.attname)
        self.history.log(opts, self.current_user_id(request), pk, str(obj), flag, message)


#: The default :class:`~manouche.adminkit.AdminSite` that ``register()`` and the
#: ``@register`` decorator use, as Django's ``admin.site``.
site = AdminSite()
