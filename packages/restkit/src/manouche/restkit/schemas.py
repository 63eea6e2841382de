"""An OpenAPI 3.1 document generated from the views and serializers, and a docs page.

``SchemaGenerator(patterns=router.urls, title="Polls").get_schema()`` walks
urlmap patterns (``include()`` too), finds restkit views and writes one
operation per method: path parameters, the query parameters of pagination
and filter backends, the request body and responses from the serializer
(as JSON Schema 2020-12 components), and the error responses the view can
give. ``get_schema_view()`` serves it; ``get_docs_view()`` serves a
self-contained HTML page of it (no scripts, no external assets).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from manouche.restkit import fields as f
from manouche.restkit import relations as r
from manouche.restkit import serializers as s
from manouche.restkit.renderers import BaseRenderer, JSONRenderer
from manouche.restkit.response import Response
from manouche.restkit.views import APIView

_ERROR_CODES = {
    "400": "Bad request: the data is invalid (errors by field) or malformed.",
    "401": "Not authenticated.",
    "403": "Permission denied.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "429": "Throttled.",
}
_ACTION_VERBS = {
    "list": "list",
    "create": "create",
    "retrieve": "retrieve",
    "update": "update",
    "partial_update": "partialUpdate",
    "destroy": "destroy",
}


def _camel(words: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", words) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else ""


def _regex_to_template(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    text = text.replace("\\.", ".").replace("\\-", "-")
    return text


def _route_to_template(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _pattern_text(pattern: Any) -> str:
    text = str(pattern.pattern)
    if type(pattern.pattern).__name__ == "RegexPattern":
        return _regex_to_template(text)
    return _route_to_template(text)


def endpoints(patterns: Any, prefix: str = "/") -> list[tuple[str, Any]]:
    """(path template, view callable) of every restkit view in ``patterns``."""
    if hasattr(patterns, "_root"):
        patterns = patterns._root.url_patterns
    found: list[tuple[str, Any]] = []
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            found += endpoints(pattern.url_patterns, prefix + _pattern_text(pattern))
        elif hasattr(pattern, "callback"):
            callback = pattern.callback
            template = prefix + _pattern_text(pattern)
            if template.rstrip("/?").endswith(".{format}"):
                continue  # a format suffix twin: the same operation again, as DRF leaves it out
            if isinstance(getattr(callback, "cls", None), type) and issubclass(
                callback.cls, APIView
            ):
                found.append((template, callback))
    return found


class SchemaGenerator:
    """Build the OpenAPI 3.1 document of the restkit views under ``patterns``."""

    openapi_version = "3.1.0"

    def __init__(
        self,
        title: str = "API",
        version: str = "1.0.0",
        description: str = "",
        patterns: Any = None,
        servers: list[dict[str, str]] | None = None,
        prefix: str = "/",
    ) -> None:
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.title = title
        self.version = version
        self.description = description
        self.patterns = patterns or []
        self.servers = servers
        self.components: dict[str, Any] = {}
        self._component_classes: dict[str, Any] = {}
        self._operation_ids: set[str] = set()

    # -- document -----------------------------------------------------------

    def get_schema(self, request: Any = None) -> dict[str, Any]:
        self.components = {}
        self._component_classes = {}
        self._operation_ids = set()
        paths: dict[str, Any] = {}
        for template, callback in endpoints(self.patterns, self.prefix):
            for method, operation in self.operations(template, callback):
                paths.setdefault(template, {})[method] = operation
        info: dict[str, Any] = {"title": self.title, "version": self.version}
        if self.description:
            info["description"] = self.description
        doc: dict[str, Any] = {"openapi": self.openapi_version, "info": info, "paths": paths}
        if self.servers:
            doc["servers"] = self.servers
        schemas = dict(sorted(self.components.items()))
        schemas["Error"] = {
            "type": "object",
            "description": 'An error: {"detail": message} or validation errors by field.',
        }
        doc["components"] = {"schemas": schemas}
        return doc

    def operations(self, template: str, callback: Any) -> list[tuple[str, dict[str, Any]]]:
        cls = callback.cls
        if cls.schema is None:  # @schema(None) / schema = None: left out, as in DRF
            return []
        actions = getattr(callback, "actions", None)
        initkwargs = getattr(callback, "initkwargs", {})
        result = []
        methods = (
            list(actions)
            if actions
            else [
                m
                for m in cls.http_method_names
                if m not in ("options", "head", "trace") and hasattr(cls, m)
            ]
        )
        for method in methods:
            view = cls(**initkwargs)
            view.action_map = actions or {}
            view.action = actions.get(method) if actions else None
            view.request = None
            view.kwargs = {}
            view.format_kwarg = None
            result.append((method, self.operation(template, method, view, cls)))
        return result

    # -- one operation ---------------------------------------------------------

    def operation(self, template: str, method: str, view: Any, cls: Any) -> dict[str, Any]:
        action = getattr(view, "action", None)
        inspector = cls.schema if isinstance(cls.schema, AutoSchema) else None
        serializer = self._serializer(view)
        if inspector is not None and serializer is None:
            serializer = inspector.get_request_serializer(template, method)
        is_list = self._is_list(template, method, view)
        op: dict[str, Any] = {"operationId": self._operation_id(method, view, serializer, is_list)}
        description = _doc(getattr(cls, action, None) if action else getattr(cls, method, None))
        description = description or _doc(cls)
        if description:
            op["description"] = description
        op["tags"] = (inspector.tags if inspector is not None else None) or [self._tag(template)]
        lookup_regex = getattr(cls, "lookup_value_regex", None)
        parameters = []
        for name in re.findall(r"{(\w+)}", template):
            schema: dict[str, Any] = {"type": "string"}
            lookup = getattr(cls, "lookup_url_kwarg", None) or getattr(cls, "lookup_field", None)
            if name == lookup:
                schema["pattern"] = f"^{lookup_regex or '[^/.]+'}$"
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        if is_list:
            paginator = getattr(view, "paginator", None)
            if paginator is not None:
                parameters += paginator.get_schema_operation_parameters(view)
            for backend in getattr(view, "filter_backends", []) or []:
                parameters += backend().get_schema_operation_parameters(view)
        if parameters:
            op["parameters"] = parameters
        if method in ("post", "put", "patch") and serializer is not None:
            ref = self._component(
                serializer,
                "Request" if method != "patch" else "PatchRequest",
                partial=method == "patch",
            )
            op["requestBody"] = {
                "required": method != "patch",
                "content": {media_type: {"schema": ref} for media_type in _body_types(view)},
            }
        responses: dict[str, Any] = {}
        declared = inspector.get_responses(template, method) if inspector is not None else None
        if declared:
            for status, body in declared.items():
                if body is None:
                    responses[str(status)] = {"description": ""}
                else:
                    content = {"application/json": {"schema": self._body_schema(body)}}
                    responses[str(status)] = {"description": "", "content": content}
        elif action == "destroy" or (method == "delete" and serializer is None):
            responses["204"] = {"description": "Deleted."}
        elif (
            serializer is not None
            and action not in ("metadata",)
            and _uses_serializer(cls, action, method)
        ):
            body = self._component(serializer, "")
            if is_list:
                body = {"type": "array", "items": body}
                paginator = getattr(view, "paginator", None)
                if paginator is not None:
                    body = paginator.get_paginated_response_schema(body)
            code = "201" if method == "post" and action in (None, "create") else "200"
            responses[code] = {"description": "", "content": {"application/json": {"schema": body}}}
        else:
            code = "201" if method == "post" and action == "create" else "200"
            responses[code] = {"description": "", "content": {"application/json": {"schema": {}}}}
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
        for code, text in _ERROR_CODES.items():
            responses.setdefault(code, {"description": text, **error})
        op["responses"] = responses
        return op

    def _body_schema(self, body: Any) -> dict[str, Any]:
        """A response body's schema: a serializer class, a ``many=True`` instance, or a
        JSON schema given as it is."""
        if isinstance(body, dict):
            return body
        many = getattr(body, "many", False) and hasattr(body, "child")
        serializer_class = type(body.child) if many else body
        if not isinstance(serializer_class, type):
            serializer_class = type(serializer_class)
        ref = self._component(serializer_class, "")
        return {"type": "array", "items": ref} if many else ref

    def _tag(self, template: str) -> str:
        parts = [p for p in template.strip("/").split("/") if p and not p.startswith("{")]
        return (
            parts[-1]
            if parts and len(parts) == 1
            else (parts[1] if len(parts) > 1 else (parts[0] if parts else "api"))
        )

    def _is_list(self, template: str, method: str, view: Any) -> bool:
        if method != "get":
            return False
        action = getattr(view, "action", None)
        if action is not None:
            return bool(action == "list")
        from manouche.restkit.mixins import ListModelMixin

        return isinstance(view, ListModelMixin)

    def _serializer(self, view: Any) -> Any:
        if not hasattr(view, "get_serializer_class"):
            return None
        try:
            return view.get_serializer_class()
        except (AssertionError, AttributeError, TypeError):
            return None

    def _operation_id(self, method: str, view: Any, serializer: Any, is_list: bool) -> str:
        action = getattr(view, "action", None)
        name = getattr(getattr(serializer, "Meta", None), "model", None)
        base = (
            name.__name__
            if name is not None
            else type(view).__name__.removesuffix("ViewSet").removesuffix("View")
        )
        if action in _ACTION_VERBS:
            verb = _ACTION_VERBS[action]
        elif action:
            verb = _camel(action)
        elif is_list:
            verb = "list"
        else:
            verb = {
                "get": "retrieve",
                "post": "create",
                "put": "update",
                "patch": "partialUpdate",
                "delete": "destroy",
            }[method]
        if verb == "list":
            base += "s"
        candidate = verb + base[:1].upper() + base[1:]
        n = 2
        unique = candidate
        while unique in self._operation_ids:
            unique = f"{candidate}{n}"
            n += 1
        self._operation_ids.add(unique)
        return unique

    # -- serializers as JSON Schema ----------------------------------------------

    def _component(
        self, serializer_class: Any, suffix: str, partial: bool = False
    ) -> dict[str, Any]:
        name = serializer_class.__name__.removesuffix("Serializer") or serializer_class.__name__
        key = name + suffix
        known = self._component_classes.get(key)
        if known is not None and known is not serializer_class:
            key = f"{serializer_class.__module__.replace('.', '_')}_{key}"
        if key not in self.components:
            self._component_classes[key] = serializer_class
            self.components[key] = {}
            self.components[key] = self.serializer_schema(
                serializer_class(), for_request=bool(suffix), partial=partial
            )
        return {"$ref": f"#/components/schemas/{key}"}

    def serializer_schema(
        self, serializer: Any, for_request: bool = False, partial: bool = False
    ) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, field in serializer.fields.items():
            if for_request and field.read_only:
                continue
            if not for_request and field.write_only:
                continue
            if isinstance(field, f.HiddenField):
                continue
            properties[name] = self.field_schema(field)
            if for_request and field.required and not partial:
                required.append(name)
            elif not for_request and not field.write_only and _always_present(field):
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def field_schema(self, field: Any) -> dict[str, Any]:
        schema = self._field_type(field)
        if field.allow_null and schema:
            kind = schema.get("type")
            if isinstance(kind, str):
                schema["type"] = [kind, "null"]
            elif "$ref" in schema or "enum" in schema:
                schema = {"oneOf": [schema, {"type": "null"}]}
        if field.read_only:
            schema["readOnly"] = True
        if field.write_only:
            schema["writeOnly"] = True
        if field.help_text:
            schema["description"] = str(field.help_text)
        default = field.default
        if default is not f.empty and not callable(default) and _json_safe(default):
            schema["default"] = default
        return schema

    def _field_type(self, field: Any) -> dict[str, Any]:
        if isinstance(field, s.ListSerializer):
            return {"type": "array", "items": self._component(type(field.child), "")}
        if isinstance(field, s.Serializer):
            return self._component(type(field), "")
        if isinstance(field, r.ManyRelatedField):
            return {"type": "array", "items": self._field_type(field.child_relation)}
        if isinstance(field, (r.HyperlinkedRelatedField,)):
            return {"type": "string", "format": "uri"}
        if isinstance(field, r.PrimaryKeyRelatedField):
            return {"type": self._pk_type(field)}
        if isinstance(field, r.StringRelatedField):
            return {"type": "string"}
        if isinstance(field, r.RelatedField):
            return {}
        if isinstance(field, f.MultipleChoiceField):
            return {"type": "array", "items": {"enum": list(field.choices)}}
        if isinstance(field, f.ChoiceField):
            choices = list(field.choices)
            if field.allow_blank:
                choices.append("")
            if field.allow_null:
                choices.append(None)
            return {"enum": choices}
        if isinstance(field, f.ListField):
            schema: dict[str, Any] = {"type": "array", "items": self._field_type(field.child)}
            if field.min_length is not None:
                schema["minItems"] = field.min_length
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if not field.allow_empty:
                schema["minItems"] = max(1, schema.get("minItems", 1))
            return schema
        if isinstance(field, f.DictField):
            return {"type": "object", "additionalProperties": self._field_type(field.child)}
        if isinstance(field, f.BooleanField):
            return {"type": "boolean"}
        if isinstance(field, f.IntegerField):
            schema = {"type": "integer"}
            _bounds(schema, field)
            return schema
        if isinstance(field, f.FloatField):
            schema = {"type": "number"}
            _bounds(schema, field)
            return schema
        if isinstance(field, f.DecimalField):
            if field.coerce_to_string:
                return {"type": "string", "format": "decimal", "pattern": _decimal_pattern(field)}
            schema = {"type": "number"}
            _bounds(schema, field)
            return schema
        if isinstance(field, f.UUIDField):
            return {"type": "string", "format": "uuid"}
        if isinstance(field, f.DateTimeField):
            if field.timezone is None:  # naive values carry no offset: not RFC 3339
                return {"type": "string"}
            return {"type": "string", "format": "date-time"}
        if isinstance(field, f.DateField):
            return {"type": "string", "format": "date"}
        if isinstance(field, f.TimeField):
            return {"type": "string", "format": "time"}
        if isinstance(field, f.DurationField):
            return {"type": "string"}
        if isinstance(field, f.CharField):
            schema = {"type": "string"}
            if isinstance(field, f.EmailField):
                schema["format"] = "email"
            elif isinstance(field, f.URLField):
                schema["format"] = "uri"
            elif isinstance(field, f.SlugField):
                schema["pattern"] = "^[-a-zA-Z0-9_]+$"
            elif isinstance(field, f.IPAddressField):
                schema["format"] = (
                    "ipv4"
                    if field.protocol == "ipv4"
                    else ("ipv6" if field.protocol == "ipv6" else "ip")
                )
                if schema["format"] == "ip":
                    del schema["format"]
            if field.max_length is not None:
                schema["maxLength"] = field.max_length
            if field.min_length is not None:
                schema["minLength"] = field.min_length
            elif not field.allow_blank and not field.read_only:
                schema["minLength"] = 1
                schema["pattern"] = r"\S"
            return schema
        return {}

    def _pk_type(self, field: Any) -> str:
        queryset = field.queryset
        model = getattr(queryset, "model", None)
        table = getattr(model, "__table__", None)
        if table is not None:
            import sqlalchemy as sa

            pk = list(table.primary_key.columns)
            if pk and isinstance(pk[0].type, sa.Integer):
                return "integer"
        return "string"


def _bounds(schema: dict[str, Any], field: Any) -> None:
    if field.max_value is not None:
        schema["maximum"] = field.max_value
    if field.min_value is not None:
        schema["minimum"] = field.min_value


def _decimal_pattern(field: Any) -> str:
    whole = field.max_whole_digits
    places = field.decimal_places
    whole_part = f"\\d{{0,{whole}}}" if whole is not None else "\\d*"
    if places:
        return f"^-?{whole_part}(?:\\.\\d{{0,{places}}})?$"
    return f"^-?{whole_part}$"


def _always_present(field: Any) -> bool:
    return bool(field.required or field.read_only)


def _json_safe(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _doc(obj: Any) -> str:
    import inspect

    doc = getattr(obj, "__doc__", None)
    if not doc or obj in (APIView,):
        return ""
    text = inspect.cleandoc(doc)
    return "" if text.startswith(("DRF's", "A viewset", "``list``")) else text


_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def _body_types(view: Any) -> list[str]:
    """The request body media types the view's parsers read (JSON when none says)."""
    found = []
    for parser in getattr(view, "parser_classes", None) or ():
        media_type = getattr(parser, "media_type", "")
        if media_type in _BODY_TYPES and media_type not in found:
            found.append(media_type)
    return found or ["application/json"]


class AutoSchema:
    """What the document says of one view beyond what the generator reads from it.

    Set it as the view's ``schema`` (``@schema(AutoSchema(...))`` on an
    ``@api_view`` function): ``request`` is the serializer class of the
    request body (for views with no ``get_serializer_class``), ``responses``
    the bodies by status code (``{200: BookSerializer, 204: None}``; a
    ``many=True`` serializer for a list, a dict for a schema as it is) or one
    serializer class (``201`` for POST, ``200`` otherwise, as DRF's
    ``AutoSchema`` numbers them), ``tags`` the operation's tags.
    ``schema = None`` on a view leaves it out of the document.
    """

    def __init__(
        self,
        *,
        request: Any = None,
        responses: Any = None,
        tags: list[str] | None = None,
    ) -> None:
        if request is not None and not (
            isinstance(request, type) and hasattr(request, "_declared_fields")
        ):
            raise TypeError(f"request must be a serializer class, not {request!r}")
        self.request = request
        self.responses = responses
        self.tags = list(tags) if tags else None

    def get_request_serializer(self, path: str, method: str) -> Any:
        """The serializer class of ``method``'s request body, or None."""
        return self.request if method in ("post", "put", "patch") else None

    def get_responses(self, path: str, method: str) -> dict[Any, Any] | None:
        """The response bodies of ``method`` by status code, or None for the generator's."""
        if self.responses is None:
            return None
        if isinstance(self.responses, dict) and all(
            isinstance(code, int) or str(code).isdigit() for code in self.responses
        ):
            return dict(self.responses)
        return {201 if method == "post" else 200: self.responses}


def _uses_serializer(cls: Any, action: str | None, method: str) -> bool:
    if action in ("list", "create", "retrieve", "update", "partial_update"):
        return True
    if action is None:
        from manouche.restkit import mixins

        return issubclass(
            cls,
            (
                mixins.ListModelMixin,
                mixins.CreateModelMixin,
                mixins.RetrieveModelMixin,
                mixins.UpdateModelMixin,
            ),
        )
    return False


# -- serving it ---------------------------------------------------------------------


class OpenAPIRenderer(JSONRenderer):
    media_type = "application/vnd.oai.openapi+json"
    format = "openapi-json"


class _DocsRenderer(BaseRenderer):
    media_type = "text/html"
    format = "html"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        return render_docs(data).encode()


def get_schema_view(
    title: str = "API",
    version: str = "1.0.0",
    description: str = "",
    patterns: Any = None,
    generator_class: type[SchemaGenerator] = SchemaGenerator,
    prefix: str = "/",
    **view_attrs: Any,
) -> Any:
    """A view answering the OpenAPI document as JSON (``?format=openapi-json`` too)."""
    generator = generator_class(
        title=title, version=version, description=description, patterns=patterns, prefix=prefix
    )

    class SchemaView(APIView):
        """The OpenAPI document of this API."""

        renderer_classes = [JSONRenderer, OpenAPIRenderer]
        authentication_classes = []

        def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
            return Response(generator.get_schema(request))

    for key, value in view_attrs.items():
        setattr(SchemaView, key, value)
    return SchemaView.as_view()


def get_docs_view(
    title: str = "API",
    version: str = "1.0.0",
    description: str = "",
    patterns: Any = None,
    generator_class: type[SchemaGenerator] = SchemaGenerator,
    prefix: str = "/",
) -> Any:
    """A view answering a self-contained HTML page of the document (no CDN, no scripts)."""
    generator = generator_class(
        title=title, version=version, description=description, patterns=patterns, prefix=prefix
    )

    class DocsView(APIView):
        """The documentation of this API."""

        renderer_classes = [_DocsRenderer]
        authentication_classes = []

        def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
            return Response(generator.get_schema(request))

    return DocsView.as_view()


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#fafaf7}
header{background:#243447;color:#fff;padding:1em 2em}main{padding:1em 2em;max-width:72em}
details{background:#fff;border:1px solid #ddd;border-radius:4px;margin:.5em 0}
summary{padding:.5em .8em;cursor:pointer;font-family:monospace}
.m{display:inline-block;min-width:5em;font-weight:bold;color:#fff;border-radius:3px;
padding:0 .4em;text-align:center}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#ef6c00}
.patch{background:#6a1b9a}.delete{background:#c62828}
.body{padding:.5em 1em;border-top:1px solid #eee}
pre{background:#f4f4f0;padding:.6em;overflow:auto}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
"""


def render_docs(doc: dict[str, Any]) -> str:
    """The OpenAPI document as one HTML page with inline CSS (every value escaped)."""
    e = html.escape
    info = doc.get("info", {})
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(str(info.get('title', 'API')))}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{e(str(info.get('title', 'API')))} ",
        f"<small>{e(str(info.get('version', '')))}</small></h1>",
        f"<p>{e(str(info.get('description', '')))}</p></header><main>",
    ]
    for template, item in doc.get("paths", {}).items():
        for method, op in item.items():
            out.append(
                f"<details><summary><span class='m {e(method)}'>{e(method.upper())}</span> "
                f"{e(template)} <small>{e(op.get('operationId', ''))}</small></summary>"
                "<div class='body'>"
            )
            if op.get("description"):
                out.append(f"<p>{e(op['description'])}</p>")
            params = op.get("parameters") or []
            if params:
                out.append(
                    "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>"
                )
                for p in params:
                    out.append(
                        f"<tr><td>{e(p['name'])}</td><td>{e(p['in'])}</td>"
                        f"<td>{e(str(p.get('schema', {}).get('type', '')))}</td>"
                        f"<td>{e(p.get('description', ''))}</td></tr>"
                    )
                out.append("</table>")
            body = op.get("requestBody")
            if body:
                types = ", ".join(body["content"])
                schema = next(iter(body["content"].values()))["schema"]
                out.append(f"<h4>Request body ({e(types)})</h4><pre>{_pretty(doc, schema)}</pre>")
            out.append("<h4>Responses</h4><table><tr><th>status</th><th>description</th></tr>")
            for code, response in op.get("responses", {}).items():
                out.append(
                    f"<tr><td>{e(code)}</td><td>{e(response.get('description', ''))}</td></tr>"
                )
            out.append("</table>")
            for code, response in op.get("responses", {}).items():
                if code.startswith("2") and "content" in response:
                    schema = response["content"]["application/json"]["schema"]
                    out.append(f"<h4>{e(code)} body</h4><pre>{_pretty(doc, schema)}</pre>")
            out.append("</div></details>")
    out.append("</main></body></html>")
    return "".join(out)


def _pretty(doc: dict[str, Any], schema: Any) -> str:
    return html.escape(json.dumps(_resolve(doc, schema), indent=2))


def _resolve(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    if depth > 5:
        return schema
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            target = doc["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
            return _resolve(doc, target, depth + 1)
        return {k: _resolve(doc, v, depth + 1) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(doc, v, depth + 1) for v in schema]
    return schema
