"""ModelAdmin and the inlines: what the admin shows and does for one model.

The names are Django's (``list_display``, ``list_filter``, ``search_fields``,
``fieldsets``, ``inlines``, ``save_model``, ``get_queryset``...). One
difference on purpose: ``get_queryset(request)`` returns a SQLAlchemy
``select()`` of the model's table (narrow it with ``.where(...)``), because
the admin runs on orm-lite models and plain SQLAlchemy models alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy as sa
import webob

from manouche.adminkit import _deletion, _display
from manouche.adminkit._changelist import ChangeList, related_condition, search_terms
from manouche.adminkit._i18n import gettext, gettext_noop, ngettext
from manouche.adminkit._meta import Opts, capfirst, opts_of, python_type
from manouche.adminkit._store import is_orm_lite
from manouche.adminkit.filters import IncorrectLookupParameters
from manouche.adminkit.history import ADDITION, CHANGE, DELETION
from manouche.formkit import (
    BaseInlineFormSet,
    ModelForm,
    RadioSelect,
    TextInput,
    inlineformset_factory,
    modelform_factory,
    modelformset_factory,
)
from manouche.validation import base_type

if TYPE_CHECKING:
    from manouche.adminkit.sites import AdminSite

__all__ = [
    "HORIZONTAL",
    "VERTICAL",
    "InlineModelAdmin",
    "ModelAdmin",
    "ShowFacets",
    "StackedInline",
    "TabularInline",
]

#: Django's ``admin.HORIZONTAL`` and ``admin.VERTICAL`` (1 and 2): how a
#: ``radio_fields`` entry lays out its radio buttons, in a row or one under another.
HORIZONTAL, VERTICAL = 1, 2


def _radio_class(layout: Any) -> str:
    """Django's ``get_ul_class``: the CSS class of a ``radio_fields`` layout."""
    if layout not in (HORIZONTAL, VERTICAL):
        from manouche.adminkit.sites import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"a radio_fields value must be admin.HORIZONTAL or admin.VERTICAL, not {layout!r}"
        )
    return "radiolist" if layout == VERTICAL else "radiolist inline"


class ShowFacets:
    """Django's ``ModelAdmin.show_facets`` values."""

    ALWAYS = "always"
    ALLOW = "allow"
    NEVER = "never"


def delete_selected(modeladmin: ModelAdmin, request: webob.Request, objects: list[Any]) -> Any:
    """The built-in action: a confirmation page listing what goes, then the delete."""
    return modeladmin.delete_selected(request, objects)


delete_selected.short_description = gettext_noop("Delete selected %(verbose_name_plural)s")  # type: ignore[attr-defined]
delete_selected.allowed_permissions = ("delete",)  # type: ignore[attr-defined]


class BaseModelAdmin:
    fields: Sequence[Any] | None = None
    exclude: Sequence[str] | None = None
    fieldsets: Sequence[tuple[Any, dict[str, Any]]] | None = None
    form: type[ModelForm] = ModelForm
    readonly_fields: Sequence[Any] = ()
    raw_id_fields: Sequence[str] = ()
    autocomplete_fields: Sequence[str] = ()
    prepopulated_fields: dict[str, Sequence[str]] = {}
    #: Field name -> ``HORIZONTAL`` or ``VERTICAL``: a field with choices or a foreign
    #: key shown as radio buttons instead of a select, "None" being the empty choice
    #: when the field may be blank (Django's ``radio_fields``).
    radio_fields: dict[str, int] = {}
    ordering: Sequence[str] | None = None
    formfield_overrides: dict[Any, dict[str, Any]] = {}

    def __init__(self, model: Any, admin_site: AdminSite) -> None:
        self.model = model
        self.admin_site = admin_site
        self.opts: Opts = opts_of(model)

    # -- permissions (authkit's codenames, or True under a site callable) ----

    def _perm(self, request: webob.Request, action: str) -> bool:
        return self.admin_site.has_model_permission(request, self.opts, action)

    def has_add_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self._perm(request, "add")

    def has_change_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self._perm(request, "change")

    def has_delete_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self._perm(request, "delete")

    def has_view_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self._perm(request, "view") or self.has_change_permission(request, obj)

    def has_view_or_change_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj) or self.has_change_permission(request, obj)

    def has_module_permission(self, request: webob.Request) -> bool:
        return any(self._perm(request, a) for a in ("add", "change", "delete", "view"))

    # -- forms ----------------------------------------------------------------

    def get_ordering(self, request: webob.Request) -> Sequence[str]:
        return self.ordering or ()

    def get_readonly_fields(self, request: webob.Request, obj: Any = None) -> Sequence[Any]:
        return self.readonly_fields

    def get_prepopulated_fields(
        self, request: webob.Request, obj: Any = None
    ) -> dict[str, Sequence[str]]:
        return self.prepopulated_fields

    def get_exclude(self, request: webob.Request, obj: Any = None) -> Sequence[str] | None:
        return self.exclude

    def _editable_names(self) -> list[str]:
        return [f.name for f in self.opts.info.fields if f.editable]

    def get_fields(self, request: webob.Request, obj: Any = None) -> list[Any]:
        if self.fields:
            return list(self.fields)
        exclude = set(self.get_exclude(request, obj) or ())
        names = [n for n in self._editable_names() if n not in exclude]
        return names + [n for n in self.get_readonly_fields(request, obj) if n not in names]

    def get_fieldsets(
        self, request: webob.Request, obj: Any = None
    ) -> list[tuple[Any, dict[str, Any]]]:
        if self.fieldsets:
            return list(self.fieldsets)
        return [(None, {"fields": self.get_fields(request, obj)})]

    def _flat_fields(self, request: webob.Request, obj: Any) -> list[str]:
        names: list[str] = []
        for _name, options in self.get_fieldsets(request, obj):
            for item in options.get("fields", ()):
                names.extend(item if isinstance(item, (list, tuple)) else [item])
        return names

    def _widgets(self) -> dict[str, Any]:
        widgets: dict[str, Any] = {}
        for name in self.raw_id_fields:
            widgets[name] = TextInput(
                attrs={"class": "vForeignKeyRawIdAdminField", "inputmode": "numeric"}
            )
        for name in self.autocomplete_fields:
            widgets[name] = TextInput(attrs={"class": "admin-autocomplete", "autocomplete": "off"})
        return widgets

    def get_form(
        self, request: webob.Request, obj: Any = None, change: bool = False, fields: Any = None
    ) -> Any:
        readonly = set(self.get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj) and obj is not None:
            readonly |= set(self._flat_fields(request, obj))
        names = [n for n in (fields or self._flat_fields(request, obj)) if n not in readonly]
        editable = set(self._editable_names())
        declared = set(getattr(self.form, "declared_fields", {}) or {})
        names = [n for n in names if n in editable or n in declared]
        exclude = [e for e in (self.get_exclude(request, obj) or ()) if e not in names] or None
        form_class = modelform_factory(
            self.model,
            form=self.form,
            fields=names,
            exclude=exclude,
            widgets=self._widgets(),
            db=self.admin_site.store.form_db(self.model),
        )
        self._radio_fields(form_class)
        return form_class

    def _radio_fields(self, form_class: Any) -> None:
        """Turn the ``radio_fields`` of a fresh form class into radio buttons, as
        Django's ``formfield_for_choice_field``/``formfield_for_foreignkey`` do."""
        declared = getattr(self.form, "declared_fields", None) or {}
        for name, layout in self.radio_fields.items():
            field = form_class.base_fields.get(name)
            if field is None or name in declared:  # a field the form declares is its own
                continue
            try:
                model_field = self.opts.get_field(name)
            except LookupError:
                continue
            if isinstance(field.widget, RadioSelect):  # the form chose its own radios
                continue
            blank = bool(model_field.blank)
            none = gettext("None")  # the empty choice of a blank entry, as Django's
            if model_field.kind == "fk":
                field.empty_label = none if blank else None
            elif model_field.choices:
                field.choices = ([("", none)] if blank else []) + list(model_field.choices)
            else:
                from manouche.adminkit.sites import ImproperlyConfigured

                raise ImproperlyConfigured(
                    f"radio_fields names {name!r}, which is neither a foreign key "
                    "nor a field with choices"
                )
            field.widget = RadioSelect(attrs={"class": _radio_class(layout)})
            field.widget.choices = field.choices
            field.widget.is_required = field.required


class ModelAdmin(BaseModelAdmin):
    """The admin of one model; subclass it and set Django's attributes."""

    list_display: Sequence[Any] = ("__str__",)
    list_display_links: Sequence[Any] | None = ()
    list_filter: Sequence[Any] = ()
    list_select_related: bool | Sequence[str] = False
    list_per_page = 100
    list_max_show_all = 200
    list_editable: Sequence[str] = ()
    search_fields: Sequence[str] = ()
    search_help_text: str | None = None
    date_hierarchy: str | None = None
    save_as = False
    save_as_continue = True
    save_on_top = False
    preserve_filters = True
    show_facets = ShowFacets.ALLOW
    show_full_result_count = True
    #: With ``show_full_result_count = False``, count matching rows only up to this
    #: many ("more than 10000"): a filter matching most of a big table stays fast.
    #: None counts them all, as Django does.
    list_count_limit: int | None = 10_000
    inlines: Sequence[type[InlineModelAdmin]] = ()
    actions: Sequence[Any] | None = ()
    actions_on_top = True
    actions_on_bottom = False
    actions_selection_counter = True
    view_on_site: Any = True
    empty_value_display = "-"

    def __str__(self) -> str:
        return f"{self.opts.app_label}.{type(self).__name__}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}: model={self.opts.object_name} site={self.admin_site.name!r}>"
        )

    # -- hooks Django users override --------------------------------------------

    def get_queryset(self, request: webob.Request) -> Any:
        """A SQLAlchemy ``select()`` of the model's table; narrow it to hide rows."""
        return sa.select(self.model.__table__)

    def get_list_display(self, request: webob.Request) -> Sequence[Any]:
        return self.list_display

    def get_list_display_links(
        self, request: webob.Request, list_display: Sequence[Any]
    ) -> Sequence[Any]:
        if self.list_display_links or self.list_display_links is None or not list_display:
            return self.list_display_links or ()
        return [n for n in list_display if n not in self.list_editable][:1]

    def get_list_filter(self, request: webob.Request) -> Sequence[Any]:
        return self.list_filter

    def get_search_fields(self, request: webob.Request) -> Sequence[str]:
        return self.search_fields

    def get_search_results(self, request: webob.Request, statement: Any, term: str) -> Any:
        """The statement narrowed to rows matching ``term`` in ``search_fields``."""
        for word in search_terms(term):
            ors = [
                related_condition(self.opts, name.lstrip("^=@"), lambda c, w=word: _icontains(c, w))
                for name in self.get_search_fields(request)
            ]
            if ors:
                statement = statement.where(sa.or_(*ors))
        return statement

    def get_inlines(self, request: webob.Request, obj: Any) -> Sequence[type[InlineModelAdmin]]:
        return self.inlines

    def get_inline_instances(
        self, request: webob.Request, obj: Any = None
    ) -> list[InlineModelAdmin]:
        found = []
        for cls in self.get_inlines(request, obj):
            inline = cls(self.model, self.admin_site)
            if not (
                inline.has_view_or_change_permission(request, obj)
                or inline.has_add_permission(request, obj)
            ):
                continue
            found.append(inline)
        return found

    def save_model(self, request: webob.Request, obj: Any, form: Any, change: bool) -> None:
        self.admin_site.store.save(self.model, obj)

    def delete_model(self, request: webob.Request, obj: Any) -> None:
        self.admin_site.store.delete(self.model, obj)

    def delete_queryset(self, request: webob.Request, objects: list[Any]) -> None:
        for obj in objects:
            self.delete_model(request, obj)

    def save_related(
        self, request: webob.Request, form: Any, formsets: list[Any], change: bool
    ) -> None:
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: webob.Request, form: Any, formset: Any, change: bool) -> None:
        formset.save()

    def get_object(self, request: webob.Request, object_id: str) -> Any:
        pk = self.opts.pk_field
        try:
            value = pk.column.type.python_type(object_id)
        except (ValueError, TypeError, NotImplementedError):
            if isinstance(pk.column.type, sa.Integer):
                return None
            value = object_id
        statement = self.get_queryset(request).where(self.opts.pk_column == value).limit(1)
        found = self.admin_site.store.instances(self.model, statement)
        return found[0] if found else None

    def get_view_on_site_url(self, obj: Any) -> str | None:
        if obj is None or not self.view_on_site:
            return None
        if callable(self.view_on_site):
            return str(self.view_on_site(obj))
        get_url = getattr(obj, "get_absolute_url", None)
        return str(get_url()) if callable(get_url) else None

    def prefetch_related(
        self, request: webob.Request, objects: list[Any], list_display: Sequence[Any]
    ) -> None:
        """Load the foreign keys the list shows in one query each (orm-lite models).

        A SQLAlchemy Session loads them through its identity map.
        """
        if not objects or not is_orm_lite(self.model):
            return
        wanted: list[str] = []
        if isinstance(self.list_select_related, (list, tuple)):
            wanted = list(self.list_select_related)
        for item in list_display:
            if isinstance(item, str):
                head = item.split("__", 1)[0]
                try:
                    field = self.opts.get_field(head)
                except LookupError:
                    continue
                if field.kind == "fk" and (self.list_select_related is not False or True):
                    wanted.append(head)
        store = self.admin_site.store
        for name in dict.fromkeys(wanted):
            try:
                field = self.opts.get_field(name)
            except LookupError:
                continue
            if field.kind != "fk":
                continue
            related = opts_of(field.related_model)
            keys = {getattr(o, field.attname) for o in objects} - {None}
            if not keys:
                continue
            target = field.related_column if field.related_column is not None else related.pk_column
            rows = store.instances(
                related.model, sa.select(related.model.__table__).where(target.in_(list(keys)))
            )
            target_attr = next(
                (f.attname for f in related.info.fields if f.column is target), target.key
            )
            by_key = {getattr(r, target_attr): r for r in rows}
            for obj in objects:
                value = by_key.get(getattr(obj, field.attname))
                if value is not None:
                    # orm-lite's foreign key descriptor reads this cache first.
                    obj.__dict__[f"_{field.name}_cache"] = value

    # -- actions ------------------------------------------------------------------

    def get_actions(self, request: webob.Request) -> dict[str, tuple[Any, str, str]]:
        # A raw-id lookup popup has no actions (Django's rule, which also keeps its
        # ``?o=`` column numbers).
        if self.actions is None or "_popup" in request.GET:
            return {}
        found: dict[str, tuple[Any, str, str]] = {}
        candidates: list[Any] = []
        candidates.extend(self.admin_site.actions)
        for item in self.actions or ():
            candidates.append(item)
        for item in candidates:
            if isinstance(item, str):
                func = getattr(type(self), item)
                name = item
                call = getattr(self, item)
                wrapper = lambda ma, req, objs, c=call: c(req, objs)  # noqa: E731
            else:
                func, name, wrapper = item, item.__name__, item
            perms = getattr(func, "allowed_permissions", ())
            if not all(getattr(self, f"has_{p}_permission")(request) for p in perms):
                continue
            description = getattr(func, "short_description", capfirst(name.replace("_", " ")))
            description = gettext(str(description)) % {
                "verbose_name_plural": self.opts.verbose_name_plural,
                "verbose_name": self.opts.verbose_name,
            }
            found[name] = (wrapper, name, description)
        return found

    def delete_selected(self, request: webob.Request, objects: list[Any]) -> Any:
        site = self.admin_site
        if not self.has_delete_permission(request):
            return site.forbidden(request)
        collected = _deletion.collect(site.store, self.opts, objects)
        if request.POST.get("post") == "yes" and not collected.protected:
            with site.store.atomic(self.model):
                for obj in objects:
                    site.log(request, self.opts, obj, DELETION)
                self.delete_queryset(request, objects)
            site.message(
                request,
                ngettext(
                    "Successfully deleted %(count)d %(items)s.",
                    "Successfully deleted %(count)d %(items)s.",
                    len(objects),
                )
                % {
                    "count": len(objects),
                    "items": self.opts.verbose_name
                    if len(objects) == 1
                    else self.opts.verbose_name_plural,
                },
            )
            return None
        return site.render(
            request,
            "admin/delete_selected_confirmation.html",
            {
                "title": gettext("Delete multiple objects"),
                "model_admin": self,
                "opts": self.opts,
                "objects": objects,
                "collected": collected,
                "pk_name": self.opts.pk_field.attname,
                "action_checkbox_name": "_selected_action",
            },
        )

    # -- views ----------------------------------------------------------------------

    def url(self, request: webob.Request, suffix: str = "") -> str:
        return self.admin_site.url(
            request, f"{self.opts.app_label}/{self.opts.model_name}/{suffix}"
        )

    def obj_url(self, request: webob.Request, obj: Any, view: str = "change") -> str:
        pk = getattr(obj, self.opts.pk_field.attname)
        return self.url(request, f"{quote(str(pk), safe='')}/{view}/")

    def changelist_view(self, request: webob.Request) -> webob.Response:
        site = self.admin_site
        if not self.has_view_or_change_permission(request):
            return site.forbidden(request)
        actions = self.get_actions(request)
        try:
            cl = ChangeList(request, self, site.store, has_actions=bool(actions))
        except IncorrectLookupParameters as exc:
            return site.bad_request(request, str(exc))
        # A raw-id lookup (``?_popup=1&_to_field=id``): each row offers the value of
        # ``_to_field`` back to the page that opened the list.
        popup_field: str | None = None
        if "_popup" in request.GET:
            popup_field = self._popup_field(request.GET.get("_to_field") or "pk")
            if popup_field is None:
                return site.bad_request(
                    request,
                    gettext("The field %(name)s cannot be referenced.")
                    % {"name": request.GET.get("_to_field", "")},
                )
        if request.method == "POST" and "action" in request.POST and "_save" not in request.POST:
            return self._run_action(request, cl, actions)
        formset = None
        if self.list_editable and self.has_change_permission(request):
            FormSet = modelformset_factory(
                self.model,
                fields=list(self.list_editable),
                extra=0,
            )
            if request.method == "POST" and "_save" in request.POST:
                pks = [
                    v
                    for k, v in request.POST.items()
                    if k.startswith("form-") and k.endswith(f"-{self.opts.pk_field.attname}")
                ]
                objects = site.store.by_pks(
                    self.model, self.opts.pk_column, pks[: self.list_max_show_all]
                )
                formset = FormSet(request.POST, queryset=objects, db=site.store.form_db(self.model))
                if formset.is_valid():
                    with site.store.atomic(self.model):
                        changed = 0
                        for form in formset.forms:
                            if form.has_changed():
                                obj = form.save(commit=False)  # type: ignore[attr-defined]
                                self.save_model(request, obj, form, True)
                                site.log(
                                    request,
                                    self.opts,
                                    obj,
                                    CHANGE,
                                    [{"changed": {"fields": _labels(form)}}],
                                )
                                changed += 1
                    site.message(
                        request,
                        ngettext(
                            "%(count)s %(name)s was changed successfully.",
                            "%(count)s %(name)s were changed successfully.",
                            changed,
                        )
                        % {
                            "count": changed,
                            "name": self.opts.verbose_name
                            if changed == 1
                            else self.opts.verbose_name_plural,
                        },
                    )
                    return site.redirect(request.url)
            elif request.method == "POST":
                return site.bad_request(request, gettext("Nothing to do."))
        elif request.method == "POST":
            return site.bad_request(request, gettext("Nothing to do."))
        try:
            cl.get_results()
        except IncorrectLookupParameters as exc:
            return site.bad_request(request, str(exc))
        if formset is None and self.list_editable and self.has_change_permission(request):
            formset = FormSet(queryset=cl.result_list, db=site.store.form_db(self.model))
        rows = self._rows(request, cl, formset)
        if popup_field is not None:
            for row in rows:
                value = getattr(row["obj"], popup_field, None)
                row["popup_value"] = "" if value is None else str(value)
        context = {
            "title": gettext("Select %(name)s to change") % {"name": self.opts.verbose_name}
            if self.has_change_permission(request)
            else gettext("Select %(name)s to view") % {"name": self.opts.verbose_name},
            "subtitle": None,
            "cl": cl,
            "opts": self.opts,
            "model_admin": self,
            "headers": self._headers(cl),
            "rows": rows,
            "formset": formset,
            "actions": [(name, desc) for name, (_f, _n, desc) in actions.items()],
            "has_add_permission": self.has_add_permission(request),
            "add_url": self.url(request, "add/"),
            "filters": [(spec, list(spec.choices(cl))) for spec in cl.filter_specs],
            "date_links": cl.date_links(),
            "search_fields": self.get_search_fields(request),
            "search_help_text": self.search_help_text,
            "facets_toggle": cl.get_query_string(
                None if cl.add_facets else {"_facets": "True"},
                ["_facets"] if cl.add_facets else None,
            ),
        }
        return site.render(request, "admin/change_list.html", context)

    def _headers(self, cl: ChangeList) -> list[dict[str, Any]]:
        sort = cl.sort_info()
        headers = []
        for i, name in enumerate(cl.list_display, cl.column_offset):
            sortable = bool(cl.sortable_field(name))
            direction = sort.get(i)
            headers.append(
                {
                    "text": _display.label_for(name, self.opts, self),
                    "sortable": sortable,
                    "sorted": direction[0] if direction else None,
                    "priority": direction[1] if direction else None,
                    "url": cl.sort_query(i) if sortable else None,
                    "remove_url": cl.remove_sort_query(i) if direction else None,
                }
            )
        return headers

    def _popup_field(self, name: str) -> str | None:
        """The attribute a raw-id lookup may send back for ``_to_field=name``, else None.

        The primary key, or a column that a foreign key of a registered model
        points at (Django's rule), so a lookup cannot read any other column.
        """
        pk = self.opts.pk_field
        if name in ("pk", pk.name, pk.attname):
            return pk.attname
        try:
            wanted = self.opts.get_field(name)
        except LookupError:
            return None
        if wanted.column is None:
            return None
        for model in self.admin_site._registry:
            for f in opts_of(model).info.fields:
                if (
                    f.kind == "fk"
                    and f.related_model is self.model
                    and f.related_column is wanted.column
                ):
                    return wanted.attname
        return None

    def _rows(self, request: webob.Request, cl: ChangeList, formset: Any) -> list[dict[str, Any]]:
        links = set(cl.list_display_links or ())
        forms = {}
        if formset is not None:
            for form in formset.forms:
                forms[str(getattr(form.instance, self.opts.pk_field.attname))] = form
        rows = []
        preserved = cl.get_query_string()
        back = (
            "?_changelist_filters=" + quote(preserved[1:], safe="")
            if self.preserve_filters and preserved != "?"
            else ""
        )
        # Each column's lookups (field, choices, boolean icons) are made once per page.
        columns = [
            (
                name,
                _display.cell_function(name, self.opts, self),
                name in links,
                isinstance(name, str) and name in self.list_editable,
            )
            for name in cl.list_display
        ]
        pk_attname = self.opts.pk_field.attname
        for obj in cl.result_list:
            pk = getattr(obj, pk_attname)
            url = self.obj_url(request, obj) + back
            form = forms.get(str(pk)) if forms else None
            cells = []
            for name, render, link, editable in columns:
                if form is not None and editable and name in form.fields:
                    cells.append({"form_field": form[name], "link": False, "value": None})
                    continue
                cells.append({"value": render(obj), "link": link, "form_field": None})
            rows.append({"pk": pk, "url": url, "cells": cells, "form": form, "obj": obj})
        return rows

    def _run_action(
        self, request: webob.Request, cl: ChangeList, actions: dict[str, Any]
    ) -> webob.Response:
        site = self.admin_site
        name = request.POST.get("action", "")
        if name not in actions:
            site.message(request, gettext("No action selected."), "warning")
            return site.redirect(request.url)
        func = actions[name][0]
        selected = request.POST.getall("_selected_action")
        if request.POST.get("select_across") == "1":
            statement = cl.statement.order_by(*cl.order_by()).limit(self.list_max_show_all)
            objects = site.store.instances(self.model, statement)
        else:
            if not selected:
                site.message(
                    request,
                    gettext(
                        "Items must be selected in order to perform actions on them. "
                        "No items have been changed."
                    ),
                    "warning",
                )
                return site.redirect(request.url)
            pks = selected[: self.list_max_show_all]
            statement = cl.base.where(self.opts.pk_column.in_(pks)).order_by(self.opts.pk_column)
            objects = site.store.instances(self.model, statement)
        response = func(self, request, objects)
        if isinstance(response, webob.Response):
            return response
        return site.redirect(request.url)

    def _form_context(
        self,
        request: webob.Request,
        form: Any,
        formsets: list[tuple[InlineModelAdmin, Any]],
        obj: Any,
        add: bool,
        readonly_all: bool,
    ) -> dict[str, Any]:
        readonly = list(self.get_readonly_fields(request, obj))
        fieldsets = []
        for name, options in self.get_fieldsets(request, obj):
            lines = []
            for item in options.get("fields", ()):
                group = item if isinstance(item, (list, tuple)) else [item]
                line = []
                for field_name in group:
                    if field_name in form.fields:
                        line.append({"field": form[field_name], "readonly": False})
                    else:
                        value = self._readonly_value(obj, field_name)
                        label = _display.label_for(field_name, self.opts, self)
                        line.append(
                            {
                                "field": None,
                                "readonly": True,
                                "label": label,
                                "value": value,
                                "name": str(field_name),
                            }
                        )
                lines.append(line)
            fieldsets.append(
                {
                    "name": name,
                    "classes": " ".join(options.get("classes", ())),
                    "description": options.get("description"),
                    "lines": lines,
                }
            )
        del readonly
        prepopulated = {}
        for target, sources in self.get_prepopulated_fields(request, obj).items():
            if target in form.fields:
                prepopulated[form[target].auto_id] = [
                    form[s].auto_id for s in sources if s in form.fields
                ]
        inline_blocks = []
        for inline, formset in formsets:
            inline_blocks.append(
                {
                    "inline": inline,
                    "formset": formset,
                    "opts": inline.opts,
                    "fields": [n for n in formset.form.base_fields if n != formset.fk.name],
                    "template": inline.template,
                }
            )
        return {
            "form": form,
            "fieldsets": fieldsets,
            "inlines": inline_blocks,
            "add": add,
            "change": not add,
            "obj": obj,
            "opts": self.opts,
            "model_admin": self,
            "readonly_all": readonly_all,
            "prepopulated": json.dumps(prepopulated),
            "has_delete_permission": obj is not None and self.has_delete_permission(request, obj),
            "has_add_permission": self.has_add_permission(request),
            "save_as": self.save_as and not add,
            "view_on_site_url": self.get_view_on_site_url(obj) if not add else None,
            "history_url": self.obj_url(request, obj, "history") if obj is not None else None,
            "delete_url": self.obj_url(request, obj, "delete") if obj is not None else None,
            "changelist_url": self.url(request),
            "autocomplete": [
                {
                    "field": form[name].auto_id,
                    "url": self.admin_site.url(request, "autocomplete/")
                    + "?"
                    + "app_label="
                    + quote(self.opts.app_label)
                    + "&model_name="
                    + quote(self.opts.model_name)
                    + "&field_name="
                    + quote(name),
                    "text": self._autocomplete_text(name, form[name].value()),
                }
                for name in self.autocomplete_fields
                if name in form.fields
            ],
            "raw_id": {
                form[name].auto_id: self._raw_id_url(request, name)
                for name in self.raw_id_fields
                if name in form.fields
            },
        }

    def _autocomplete_text(self, name: str, value: Any) -> str:
        """What the autocomplete box shows for the field's current key ("" for none)."""
        if value in (None, "") or isinstance(value, (list, tuple)):
            return ""
        related = opts_of(self.opts.get_field(name).related_model)
        kind = python_type(related.pk_column)
        try:
            key = kind(value) if kind is not None and not isinstance(value, kind) else value
        except (TypeError, ValueError):
            return ""
        found = self.admin_site.store.by_pks(related.model, related.pk_column, [key])
        return str(found[0]) if found else ""

    def _raw_id_url(self, request: webob.Request, name: str) -> str:
        field = self.opts.get_field(name)
        related = opts_of(field.related_model)
        to_field = related.pk_field.name
        if field.related_column is not None:
            for f in related.info.fields:
                if f.column is field.related_column:
                    to_field = f.name
        return self.admin_site.url(
            request,
            f"{related.app_label}/{related.model_name}/?_popup=1&_to_field={quote(to_field)}",
        )

    def _readonly_value(self, obj: Any, name: Any) -> Any:
        if obj is None:
            return self.empty_value_display
        return _display.cell(name, obj, self.opts, self)

    def _formsets(
        self, request: webob.Request, obj: Any, bound: bool, save_as_new: bool = False
    ) -> list[tuple[InlineModelAdmin, Any]]:
        found = []
        for inline in self.get_inline_instances(request, obj):
            FormSet = inline.get_formset(request, obj)
            kwargs: dict[str, Any] = {
                "instance": obj,
                "db": self.admin_site.store.form_db(inline.model),
            }
            if save_as_new:
                kwargs["save_as_new"] = True
            if bound:
                # With save_as_new, the formset drops the old rows' keys itself.
                formset = FormSet(request.POST, None, **kwargs)
            else:
                formset = FormSet(**kwargs)
            found.append((inline, formset))
        return found

    def changeform_view(
        self, request: webob.Request, object_id: str | None = None
    ) -> webob.Response:
        site = self.admin_site
        add = object_id is None
        save_as_new = request.method == "POST" and "_saveasnew" in request.POST and self.save_as
        if save_as_new:
            add, object_id = True, None
        obj = None
        if add:
            if not self.has_add_permission(request):
                return site.forbidden(request)
        else:
            assert object_id is not None
            obj = self.get_object(request, object_id)
            if obj is None:
                return site.not_found(request, self.opts, object_id)
            if not self.has_view_or_change_permission(request, obj):
                return site.forbidden(request)
        can_change = add or self.has_change_permission(request, obj)
        if request.method == "POST" and not can_change:
            return site.forbidden(request)
        Form = self.get_form(request, obj, change=not add)
        if request.method == "POST":
            form = Form(request.POST, instance=None if add else obj)
            formsets = self._formsets(request, form.instance, True, save_as_new)
            valid = form.is_valid()
            valid = all([formset.is_valid() for _i, formset in formsets]) and valid
            if valid:
                with site.store.atomic(self.model):
                    new_obj = form.save(commit=False)
                    self.save_model(request, new_obj, form, not add)
                    for _inline, formset in formsets:
                        formset.instance = new_obj
                    self.save_related(request, form, [fs for _i, fs in formsets], not add)
                    message = _change_message(form, [fs for _i, fs in formsets], add)
                    site.log(request, self.opts, new_obj, ADDITION if add else CHANGE, message)
                return self._response_after_save(request, new_obj, add)
        else:
            initial = (
                {k: request.GET[k] for k in request.GET.keys() if k in Form.base_fields}
                if add
                else None
            )
            form = Form(instance=obj, initial=initial)
            formsets = self._formsets(request, obj, False)
        if add:
            title = gettext("Add %(name)s") % {"name": self.opts.verbose_name}
        elif can_change:
            title = gettext("Change %(name)s") % {"name": self.opts.verbose_name}
        else:
            title = gettext("View %(name)s") % {"name": self.opts.verbose_name}
        context = self._form_context(request, form, formsets, obj, add, not can_change)
        context["title"] = title
        context["errors"] = bool(form.errors) or any(
            fs.total_error_count() for _i, fs in formsets if hasattr(fs, "total_error_count")
        )
        status = 400 if request.method == "POST" else 200
        response = site.render(request, "admin/change_form.html", context)
        response.status_code = status if context["errors"] else 200
        return response

    def _response_after_save(self, request: webob.Request, obj: Any, add: bool) -> webob.Response:
        # Messages are plain text (escaped when shown): they may travel through a
        # cookie or the session, where markup would not survive as markup.
        site = self.admin_site
        words = {"name": self.opts.verbose_name, "obj": str(obj)}
        post = request.POST
        if "_continue" in post:
            text = (
                gettext("The {name} “{obj}” was added successfully. You may edit it again below.")
                if add
                else gettext(
                    "The {name} “{obj}” was changed successfully. You may edit it again below."
                )
            )
            site.message(request, text.format(**words))
            return site.redirect(self.obj_url(request, obj))
        if "_addanother" in post:
            text = gettext(
                "The {name} “{obj}” was added successfully. You may add another {name} below."
            )
            site.message(request, text.format(**words))
            return site.redirect(self.url(request, "add/"))
        text = (
            gettext("The {name} “{obj}” was added successfully.")
            if add
            else gettext("The {name} “{obj}” was changed successfully.")
        )
        site.message(request, text.format(**words))
        filters = request.GET.get("_changelist_filters")
        return site.redirect(self.url(request) + ("?" + filters if filters else ""))

    def add_view(self, request: webob.Request) -> webob.Response:
        return self.changeform_view(request, None)

    def change_view(self, request: webob.Request, object_id: str) -> webob.Response:
        return self.changeform_view(request, object_id)

    def delete_view(self, request: webob.Request, object_id: str) -> webob.Response:
        site = self.admin_site
        obj = self.get_object(request, object_id)
        if obj is None:
            return site.not_found(request, self.opts, object_id)
        if not self.has_delete_permission(request, obj):
            return site.forbidden(request)
        collected = _deletion.collect(site.store, self.opts, [obj])
        if (
            request.method == "POST"
            and request.POST.get("post") == "yes"
            and not collected.protected
        ):
            text = str(obj)
            with site.store.atomic(self.model):
                site.log(request, self.opts, obj, DELETION)
                self.delete_model(request, obj)
            site.message(
                request,
                gettext("The {name} “{obj}” was deleted successfully.").format(
                    name=self.opts.verbose_name, obj=text
                ),
            )
            return site.redirect(self.url(request))
        return site.render(
            request,
            "admin/delete_confirmation.html",
            {
                "title": gettext("Are you sure?"),
                "obj": obj,
                "opts": self.opts,
                "model_admin": self,
                "collected": collected,
                "change_url": self.obj_url(request, obj),
            },
        )

    def history_view(self, request: webob.Request, object_id: str) -> webob.Response:
        site = self.admin_site
        obj = self.get_object(request, object_id)
        if obj is None:
            return site.not_found(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            return site.forbidden(request)
        pk = getattr(obj, self.opts.pk_field.attname)
        entries = site.history.for_object(self.opts, pk)
        site.name_users(entries)
        return site.render(
            request,
            "admin/object_history.html",
            {
                "title": gettext("Change history: %(obj)s") % {"obj": str(obj)},
                "obj": obj,
                "opts": self.opts,
                "entries": entries,
                "change_url": self.obj_url(request, obj),
            },
        )

    def autocomplete_results(
        self, request: webob.Request, term: str, page: int, per_page: int = 20
    ) -> tuple[list[Any], bool]:
        statement = self.get_search_results(request, self.get_queryset(request), term)
        order = [
            c
            for c in (
                (
                    self.opts.get_field(n.lstrip("-")).column.desc()
                    if n.startswith("-")
                    else self.opts.get_field(n).column.asc()
                )
                for n in (self.get_ordering(request) or self.opts.ordering)
            )
        ] or [self.opts.pk_column.asc()]
        statement = statement.order_by(*order).limit(per_page + 1).offset((page - 1) * per_page)
        objects = self.admin_site.store.instances(self.model, statement)
        return objects[:per_page], len(objects) > per_page


def _icontains(column: Any, word: str) -> Any:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    text = column if isinstance(base_type(column), sa.String) else sa.cast(column, sa.String)
    return text.ilike("%" + escaped + "%", escape="\\")


def _labels(form: Any) -> list[str]:
    return [
        str(form.fields[name].label or name) for name in form.changed_data if name in form.fields
    ]


def _change_message(form: Any, formsets: list[Any], add: bool) -> list[dict[str, Any]]:
    message: list[dict[str, Any]] = []
    if add:
        message.append({"added": {}})
    elif form.changed_data:
        message.append({"changed": {"fields": _labels(form)}})
    for formset in formsets:
        opts = opts_of(formset.model)
        name = opts.verbose_name
        for obj in getattr(formset, "new_objects", []):
            message.append({"added": {"name": name, "object": str(obj)}})
        for obj, changed in getattr(formset, "changed_objects", []):
            fields = [
                str(formset.form.base_fields[n].label or n) if n in formset.form.base_fields else n
                for n in changed
            ]
            if fields:
                message.append({"changed": {"name": name, "object": str(obj), "fields": fields}})
        for obj in getattr(formset, "deleted_objects", []):
            message.append({"deleted": {"name": name, "object": str(obj)}})
    return message


class InlineModelAdmin(BaseModelAdmin):
    """Rows of ``model`` edited on the parent's page through a foreign key."""

    model: Any = None
    fk_name: str | None = None
    extra = 3
    min_num: int | None = None
    max_num: int | None = None
    can_delete = True
    verbose_name: str | None = None
    verbose_name_plural: str | None = None
    template = "admin/edit_inline/tabular.html"
    show_change_link = False

    def __init__(self, parent_model: Any, admin_site: AdminSite) -> None:
        if self.model is None:
            raise TypeError(f"{type(self).__name__} has no model")
        self.parent_model = parent_model
        super().__init__(self.model, admin_site)
        if self.verbose_name is None:
            self.verbose_name = self.opts.verbose_name
        if self.verbose_name_plural is None:
            self.verbose_name_plural = self.opts.verbose_name_plural

    def get_extra(self, request: webob.Request, obj: Any = None) -> int:
        return self.extra

    def get_max_num(self, request: webob.Request, obj: Any = None) -> int | None:
        return self.max_num

    def get_formset(self, request: webob.Request, obj: Any = None) -> Any:
        names = [
            n
            for n in self._flat_fields(request, obj)
            if n not in set(self.get_readonly_fields(request, obj))
        ]
        fk_candidates = [
            f.name
            for f in self.opts.info.fields
            if f.kind == "fk" and f.related_model is self.parent_model
        ]
        fk = self.fk_name or (fk_candidates[0] if len(fk_candidates) == 1 else None)
        names = [n for n in names if n != fk]
        can_add = self.has_add_permission(request, obj)
        can_change = self.has_change_permission(request, obj)
        kwargs: dict[str, Any] = {}
        if self.min_num is not None:
            kwargs["min_num"] = self.min_num
        if not (can_add or can_change):
            return inlineformset_factory(
                self.parent_model,
                self.model,
                formset=BaseInlineFormSet,
                fk_name=self.fk_name,
                fields=names,
                extra=0,
                can_delete=False,
                max_num=0,
            )
        formset = inlineformset_factory(
            self.parent_model,
            self.model,
            form=self.form,
            formset=BaseInlineFormSet,
            fk_name=self.fk_name,
            fields=names,
            extra=self.get_extra(request, obj) if can_add else 0,
            can_delete=self.can_delete and self.has_delete_permission(request, obj),
            max_num=self.get_max_num(request, obj) if can_add else 0,
            widgets=self._widgets(),
            **kwargs,
        )
        self._radio_fields(formset.form)
        return formset

    def has_add_permission(self, request: webob.Request, obj: Any = None) -> bool:
        return self._perm(request, "add")


class TabularInline(InlineModelAdmin):
    """An inline whose related objects are the rows of a table, as Django's."""

    template = "admin/edit_inline/tabular.html"


class StackedInline(InlineModelAdmin):
    """An inline whose related objects are each a form of their own, as Django's."""

    template = "admin/edit_inline/stacked.html"
