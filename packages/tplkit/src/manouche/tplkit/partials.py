"""Django 6.0's template partials for Jinja2: ``partialdef`` and ``partial``.

::

    {% partialdef row %}<tr><td>{{ item.name }}</td></tr>{% endpartialdef %}
    <table>{% for item in items %}{% partial row %}{% endfor %}</table>

``{% partialdef name %}`` defines a fragment without showing it;
``{% partialdef name inline %}`` also shows it where it stands.
``{% partial name %}`` shows it, seeing the variables of where it is used
(loop variables included). ``render_to_string("page.html#row", context)``
renders the fragment alone, as Django's ``template.html#partial`` does.

A partial is a Jinja2 block underneath, so partial and block names share one
namespace in a template, and ``{{ self.row() }}`` works too.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

__all__ = ["PartialsExtension"]


class PartialsExtension(Extension):
    """Adds ``{% partialdef name [inline] %}...{% endpartialdef %}`` and ``{% partial name %}``."""

    tags = {"partialdef", "partial"}  # noqa: RUF012 - Jinja2's declared class attribute

    def parse(self, parser: Parser) -> nodes.Node | list[nodes.Node]:
        token = next(parser.stream)
        lineno = token.lineno
        name = parser.stream.expect("name").value
        if token.value == "partial":
            call = self.call_method(
                "_render", [nodes.Const(name), nodes.DerivedContextReference()], lineno=lineno
            )
            return nodes.Output([call], lineno=lineno)
        inline = False
        if parser.stream.current.test("name:inline"):
            next(parser.stream)
            inline = True
        if parser.stream.current.type != "block_end":
            parser.fail(f"'partialdef {name}' takes only the word 'inline' after the name", lineno)
        body = parser.parse_statements(("name:endpartialdef",), drop_needle=True)
        if parser.stream.current.test("name") and parser.stream.current.value == name:
            next(parser.stream)  # {% endpartialdef name %}
        block = nodes.Block(name, body, True, False, lineno=lineno)
        if inline:
            return block
        # Compiled (so the template knows the block) but not shown where it stands.
        return nodes.If(nodes.Const(False), [block], [], [], lineno=lineno)

    def _render(self, name: str, context: Context) -> Markup:
        try:
            render = context.blocks[name][0]
        except (KeyError, IndexError):
            from jinja2 import TemplateRuntimeError

            raise TemplateRuntimeError(
                f"no partial named {name!r} in this template (define it with "
                f"{{% partialdef {name} %}})"
            ) from None
        return Markup(self.environment.concat(render(context)))
