"""Renderers: how forms, fields, labels, errors and formsets become HTML.

Django's template-based rendering API, with two renderers of our own:

- :class:`PythonRenderer`, the default: Django's built-in template names
  (``"django/forms/div.html"``...) are answered by Python functions that
  build the same HTML as Django's templates, with no template engine (the
  fast path). Register functions under more names with ``templates=``.
- :class:`Jinja2Renderer` (extra ``jinja2``): real Jinja2 templates, ours
  for the built-in names, yours first from ``dirs`` or from an environment
  you pass (a tplkit environment works as well as any).

Any object with Django's renderer surface works too (``render(template_name,
context, request=None)``, ``form_template_name``, ``formset_template_name``,
``field_template_name``), Django's own ``DjangoTemplates`` renderer included.

Widgets render in Python whatever the renderer, unless a widget sets a
``template_name`` of its own: then it is rendered by the form's renderer with
Django's widget context (``{"widget": {...}}``).

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "BaseRenderer",
    "Jinja2Renderer",
    "PythonRenderer",
    "RenderableMixin",
    "TemplateDoesNotExist",
    "get_default_renderer",
    "set_default_renderer",
]

TemplateFunction = Callable[[Mapping[str, Any]], str]


class TemplateDoesNotExist(LookupError):
    """A renderer has no template of that name."""


class BaseRenderer:
    """What a renderer offers: default template names and ``render()``."""

    form_template_name = "django/forms/div.html"
    formset_template_name = "django/forms/formsets/div.html"
    field_template_name = "django/forms/field.html"
    bound_field_class: type | None = None

    def get_template(self, template_name: str) -> Any:
        """An object with ``render(context, request=None) -> str``."""
        raise NotImplementedError("subclasses must implement get_template()")

    def render(self, template_name: str, context: Mapping[str, Any], request: Any = None) -> str:
        return str(self.get_template(template_name).render(context, request=request)).strip()


# -- the Python templates ------------------------------------------------------------


def _hidden(context: Mapping[str, Any]) -> str:
    return "".join(str(bf) for bf in context["hidden_fields"])


def _classes(bf: Any) -> str:
    classes = bf.css_classes()
    return f' class="{escape(classes)}"' if classes else ""


def _help(bf: Any, tag: str) -> str:
    if not bf.help_text:
        return ""
    id_attr = f' id="{escape(bf.auto_id)}_helptext"' if bf.auto_id else ""
    return f'<{tag} class="helptext"{id_attr}>{escape(bf.help_text)}</{tag}>'


def _label(bf: Any) -> str:
    return str(bf.label_tag()) if bf.label else ""


def _form_div(context: Mapping[str, Any]) -> str:
    top, fields, hidden_html = context["errors"], context["fields"], _hidden(context)
    out = [str(top)]
    if top and not fields:
        out.append(f"<div>{hidden_html}</div>")
    last = len(fields) - 1
    for index, (bf, _errors) in enumerate(fields):
        tail = hidden_html if index == last else ""
        out.append(f"<div{_classes(bf)}>\n{bf.as_field_group()}\n{tail}</div>")
    if not fields and not top:
        out.append(hidden_html)
    return "\n".join(part for part in out if part)


def _form_p(context: Mapping[str, Any]) -> str:
    top, fields, hidden_html = context["errors"], context["fields"], _hidden(context)
    out = [str(top)]
    if top and not fields:
        out.append(f"<p>{hidden_html}</p>")
    last = len(fields) - 1
    for index, (bf, errors) in enumerate(fields):
        out.append(str(errors))
        tail = hidden_html if index == last else ""
        out.append(f"<p{_classes(bf)}>{_label(bf)}\n{bf}\n{_help(bf, 'span')}{tail}</p>")
    if not fields and not top:
        out.append(hidden_html)
    return "\n".join(part for part in out if part)


def _form_table(context: Mapping[str, Any]) -> str:
    top, fields, hidden_html = context["errors"], context["fields"], _hidden(context)
    out = []
    if top:
        extra = hidden_html if not fields else ""
        out.append(f'<tr>\n<td colspan="2">\n{top}\n{extra}</td>\n</tr>')
    last = len(fields) - 1
    for index, (bf, errors) in enumerate(fields):
        help_html = _help(bf, "span")
        help_part = f"<br>\n{help_html}" if help_html else ""
        tail = hidden_html if index == last else ""
        out.append(
            f"<tr{_classes(bf)}>\n<th>{_label(bf)}</th>\n<td>\n{errors}\n"
            f"{bf}\n{help_part}{tail}</td>\n</tr>"
        )
    if not fields and not top:
        out.append(hidden_html)
    return "\n".join(part for part in out if part)


def _form_ul(context: Mapping[str, Any]) -> str:
    top, fields, hidden_html = context["errors"], context["fields"], _hidden(context)
    out = []
    if top:
        extra = hidden_html if not fields else ""
        out.append(f"<li>\n{top}\n{extra}</li>")
    last = len(fields) - 1
    for index, (bf, errors) in enumerate(fields):
        tail = hidden_html if index == last else ""
        out.append(
            f"<li{_classes(bf)}>\n{errors}\n{_label(bf)}\n{bf}\n{_help(bf, 'span')}{tail}</li>"
        )
    if not fields and not top:
        out.append(hidden_html)
    return "\n".join(part for part in out if part)


def _field(context: Mapping[str, Any]) -> str:
    bf = context["field"]
    parts = []
    if bf.use_fieldset:
        describedby = bf.aria_describedby
        attr = f' aria-describedby="{escape(describedby)}"' if describedby else ""
        parts.append(f"<fieldset{attr}>")
        if bf.label:
            parts.append(str(bf.legend_tag()))
    elif bf.label:
        parts.append(str(bf.label_tag()))
    if bf.help_text:
        parts.append(_help(bf, "div"))
    parts.append(str(bf.errors))
    parts.append(str(bf))
    if bf.use_fieldset:
        parts.append("</fieldset>")
    return "\n".join(parts)


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    out = []
    for name, value in (attrs or {}).items():
        if value is True:
            out.append(f" {escape(name)}")
        elif value is not False and value is not None:
            out.append(f' {escape(name)}="{escape(value)}"')
    return "".join(out)


def _label_tag(context: Mapping[str, Any]) -> str:
    label = escape(context["label"])
    if not context["use_tag"]:
        return str(label)
    tag = escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _error_list_ul(context: Mapping[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_attr = f' id="{escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{escape(message)}</li>" for message in errors)
    return f'<ul class="{escape(context["error_class"])}"{id_attr}>{items}</ul>'


def _error_list_text(context: Mapping[str, Any]) -> str:
    return "\n".join(f"* {message}" for message in context["errors"])


def _error_dict_ul(context: Mapping[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    items = "".join(f"<li>{escape(field)}{escape(error_list)}</li>" for field, error_list in errors)
    return f'<ul class="{escape(context["error_class"])}">{items}</ul>'


def _error_dict_text(context: Mapping[str, Any]) -> str:
    lines = []
    for field, error_list in context["errors"]:
        lines.append(f"* {field}")
        lines.extend(f"  * {message}" for message in error_list)
    return "\n".join(lines)


def _formset(method: str, context: Mapping[str, Any]) -> str:
    formset = context["formset"]
    parts = [formset.management_form.__html__()]
    parts.extend(getattr(form, method)().__html__() for form in formset)
    return "".join(parts)


_BUILTIN_TEMPLATES: Mapping[str, TemplateFunction] = {
    "django/forms/div.html": _form_div,
    "django/forms/p.html": _form_p,
    "django/forms/table.html": _form_table,
    "django/forms/ul.html": _form_ul,
    "django/forms/field.html": _field,
    "django/forms/label.html": _label_tag,
    "django/forms/errors/list/default.html": _error_list_ul,
    "django/forms/errors/list/ul.html": _error_list_ul,
    "django/forms/errors/list/text.txt": _error_list_text,
    "django/forms/errors/dict/default.html": _error_dict_ul,
    "django/forms/errors/dict/ul.html": _error_dict_ul,
    "django/forms/errors/dict/text.txt": _error_dict_text,
    "django/forms/formsets/div.html": partial(_formset, "as_div"),
    "django/forms/formsets/p.html": partial(_formset, "as_p"),
    "django/forms/formsets/table.html": partial(_formset, "as_table"),
    "django/forms/formsets/ul.html": partial(_formset, "as_ul"),
}


class _PythonTemplate:
    __slots__ = ("function",)

    def __init__(self, function: TemplateFunction) -> None:
        self.function = function

    def render(self, context: Mapping[str, Any], request: Any = None) -> str:
        return self.function(context)


class PythonRenderer(BaseRenderer):
    """The default renderer: Django's built-in template names, answered in Python.

    ``templates`` maps more names (or replacements of the built-in ones) to
    functions taking the context and returning HTML, escaped by the function.
    ``fallback`` is a renderer for every other name (your templates, say a
    :class:`Jinja2Renderer`), so the built-in parts keep the fast path.
    """

    def __init__(
        self, templates: Mapping[str, TemplateFunction] | None = None, *, fallback: Any = None
    ) -> None:
        self.templates: dict[str, TemplateFunction] = {**_BUILTIN_TEMPLATES, **(templates or {})}
        self.fallback = fallback

    def get_template(self, template_name: str) -> Any:
        function = self.templates.get(template_name)
        if function is not None:
            return _PythonTemplate(function)
        if self.fallback is not None:
            return self.fallback.get_template(template_name)
        raise TemplateDoesNotExist(
            f"{template_name} (the Python renderer has no such template: register a "
            "function for it with PythonRenderer(templates=...), give it a fallback "
            "renderer, or use Jinja2Renderer)"
        )

    def render(self, template_name: str, context: Mapping[str, Any], request: Any = None) -> str:
        function = self.templates.get(template_name)
        if function is not None:
            return function(context).strip()
        if self.fallback is not None:
            return str(self.fallback.render(template_name, context, request=request))
        self.get_template(template_name)  # raises TemplateDoesNotExist
        raise AssertionError("unreachable")  # pragma: no cover


_default_renderer: Any = PythonRenderer()


def get_default_renderer() -> Any:
    """The renderer of forms, formsets and errors given none (Django's ``FORM_RENDERER``).

    A :class:`PythonRenderer` unless :func:`set_default_renderer` said otherwise.
    """
    return _default_renderer


def set_default_renderer(renderer: Any) -> None:
    """Make ``renderer`` the default of every form, formset and error list given none.

    One call at start-up, like Django's ``FORM_RENDERER`` setting; a form's
    ``default_renderer`` and a ``renderer=`` argument still win. ``None`` restores
    the :class:`PythonRenderer`.
    """
    global _default_renderer
    _default_renderer = PythonRenderer() if renderer is None else renderer


_TEMPLATES_DIR = Path(__file__).parent / "jinja2"


class _Jinja2Template:
    __slots__ = ("template",)

    def __init__(self, template: Any) -> None:
        self.template = template

    def render(self, context: Mapping[str, Any], request: Any = None) -> str:
        if request is not None:
            context = {**context, "request": request}
        return str(self.template.render(context))


def _autoescape(template_name: str | None) -> bool:
    return not (template_name or "").endswith(".txt")


class Jinja2Renderer(BaseRenderer):
    """Renders through Jinja2 templates (``pip install 'manouche-formkit[jinja2]'``).

    Templates are looked up in ``environment``'s own loader (when given), then
    in ``dirs``, then in formkit's Jinja2 versions of Django's built-in form
    templates (``django/forms/div.html``, ``field.html``, ``label.html``, the
    error lists and formsets). Autoescaping is on for every template but
    ``.txt`` ones. The environment's filters and globals stay available.
    """

    def __init__(self, environment: Any = None, *, dirs: Iterable[str | Path] = ()) -> None:
        try:
            import jinja2
        except ImportError:  # pragma: no cover - the extra is installed in tests
            raise ImportError(
                "Jinja2Renderer needs Jinja2: pip install 'manouche-formkit[jinja2]'"
            ) from None
        loaders: list[Any] = []
        if environment is not None and environment.loader is not None:
            loaders.append(environment.loader)
        directories: Sequence[str | Path] = list(dirs)
        if directories:
            loaders.append(jinja2.FileSystemLoader([str(d) for d in directories]))
        loaders.append(jinja2.FileSystemLoader(str(_TEMPLATES_DIR)))
        loader = jinja2.ChoiceLoader(loaders)
        if environment is None:
            self.environment = jinja2.Environment(loader=loader, autoescape=_autoescape)
        else:
            self.environment = environment.overlay(loader=loader, autoescape=_autoescape)
        self._missing: type[Exception] = jinja2.TemplateNotFound

    def get_template(self, template_name: str) -> _Jinja2Template:
        try:
            return _Jinja2Template(self.environment.get_template(template_name))
        except self._missing:
            raise TemplateDoesNotExist(template_name) from None


def _render_html(renderer: Any, template_name: str, context: Mapping[str, Any]) -> Markup:
    """``renderer.render(...)`` as :class:`Markup` (templates escape their values)."""
    if type(renderer) is PythonRenderer:
        function = renderer.templates.get(template_name)
        if function is not None:
            return Markup(function(context).strip())
    return Markup(renderer.render(template_name, context))


class RenderableMixin:
    """``render()`` as Django's ``RenderableMixin``: forms, formsets and error dicts share it.

    The class gives ``renderer``, ``template_name`` and ``get_context()``.
    """

    renderer: Any

    @property
    def template_name(self) -> str:
        raise NotImplementedError("Subclasses of RenderableMixin must provide a template_name.")

    def get_context(self) -> dict[str, Any]:
        raise NotImplementedError(
            "Subclasses of RenderableMixin must provide a get_context() method."
        )

    def render(
        self,
        template_name: str | None = None,
        context: Mapping[str, Any] | None = None,
        renderer: Any = None,
    ) -> Markup:
        """Through ``template_name`` (the object's own template by default), with ``context``
        (``get_context()``) and ``renderer`` (the object's)."""
        return _render_html(
            renderer or self.renderer,
            template_name or self.template_name,
            context or self.get_context(),
        )
