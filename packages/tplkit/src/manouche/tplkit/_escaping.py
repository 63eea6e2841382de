"""Django's escaping rules on Jinja2: ``&#x27;``/``&quot;``, and trusted literals.

Two things make a ported template print what Django prints:

- Django escapes ``'`` as ``&#x27;`` and ``"`` as ``&quot;`` (``html.escape``)
  where MarkupSafe writes ``&#39;`` and ``&#34;``. :func:`escape` is
  MarkupSafe's escape (its C speedups) with those two entities rewritten, and
  :class:`DjangoCodeGenerator` makes templates call it for autoescaped output.
- In Django a string literal written in a template is trusted (it is the
  template author's text): ``{{ a|join:" &amp; " }}`` joins with ``&amp;``,
  ``{{ a|default:"<em>none</em>" }}`` shows the element. The code generator
  marks a string literal given to one of Django's filters (as the value or as
  an argument) safe, so those filters see what Django's see. Literals given to
  Jinja2's own filters, and literals printed alone, keep Jinja2's rules.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

if TYPE_CHECKING:
    from jinja2.compiler import Frame

__all__ = [
    "DjangoCodeGenerator",
    "escape",
    "force_escape",
    "is_safe",
    "same_safety",
    "text_safety",
]

_markupsafe_escape = markupsafe.escape
# MarkupSafe's C escaping of a str (what markupsafe.escape calls); html.escape
# (Django's own, slower) where a MarkupSafe release does not have it.
_escape_text: Any = getattr(markupsafe, "_escape_inner", None) or html.escape


def escape(value: Any) -> Markup:
    """Django's ``conditional_escape``: safe values as they are, others escaped.

    Writes ``'`` as ``&#x27;`` and ``"`` as ``&quot;``, byte for byte as Django.
    """
    if type(value) is str:
        text = _escape_text(value)
    elif hasattr(value, "__html__"):
        return Markup(value.__html__())
    else:
        text = _escape_text(str(value))
    if "&#3" in text:
        text = text.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return Markup(text)


def force_escape(value: Any) -> Markup:
    """Escaped even when already safe (Django's ``escape()`` function)."""
    return Markup(html.escape(str(value), quote=True))


def is_safe(value: Any) -> bool:
    """Whether ``value`` is marked safe (``Markup``, or anything with ``__html__``)."""
    return hasattr(value, "__html__")


def same_safety(value: Any, result: Any) -> Any:
    """``result`` as Markup when ``value`` was: Django's ``is_safe=True`` filters."""
    return Markup(result) if hasattr(value, "__html__") else result


def text_safety(value: Any, result: str) -> str:
    """As :func:`same_safety`, for a filter that works on ``str(value)``.

    As Django's ``stringfilter``, an object whose ``str()`` is safe counts as
    safe too (``str()`` is only called again for objects that are not text).
    """
    if hasattr(value, "__html__"):
        return Markup(result)
    if type(value) is str or value is None:
        return result
    return Markup(result) if hasattr(str(value), "__html__") else result


# The filter functions that follow Django's rules; filled by the Django library.
DJANGO_FILTER_FUNCTIONS: set[Any] = set()


def _trusted(node: nodes.Expr) -> nodes.Expr:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return nodes.MarkSafe(node, lineno=node.lineno)
    return node


def _is_djangos(func: Any) -> bool:
    try:
        return func in DJANGO_FILTER_FUNCTIONS
    except TypeError:  # an unhashable callable: not one of ours
        return False


class DjangoCodeGenerator(CodeGenerator):
    """Jinja2's code generator with Django's escaping (see the module docstring)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # Before any code is written, so constant folding sees the trusted literals too.
        for call in node.find_all(nodes.Filter):
            if _is_djangos(self.environment.filters.get(call.name)):
                if call.node is not None:
                    call.node = _trusted(call.node)
                call.args = [_trusted(arg) for arg in call.args]
                for keyword in call.kwargs:
                    keyword.value = _trusted(keyword.value)
        super().visit_Template(node, frame)
        # Module level, after Jinja2's own imports: render functions look the
        # name up when they run, so every autoescaped output uses Django's escape.
        self.writeline("from manouche.tplkit._escaping import escape")

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        const = node.as_const(frame.eval_ctx)
        if frame.eval_ctx.autoescape:
            const = escape(const)
        if isinstance(node, nodes.TemplateData):
            return str(const)
        return finalize.const(const)  # type: ignore[no-any-return]


def use_django_escaping(env: Any) -> None:
    """Have ``env`` compile templates with :class:`DjangoCodeGenerator`.

    A code generator class of the user's own is kept: Django's rules are mixed
    into it. Templates compiled before the call keep the old rules.
    """
    current = env.code_generator_class
    if issubclass(current, DjangoCodeGenerator):
        return
    if current is CodeGenerator:
        env.code_generator_class = DjangoCodeGenerator
    else:
        env.code_generator_class = type(
            f"Django{current.__name__}", (DjangoCodeGenerator, current), {}
        )
