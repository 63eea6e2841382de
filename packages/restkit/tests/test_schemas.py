"""The generated OpenAPI document validates against the 3.1 meta-schema and describes the API."""

from __future__ import annotations

from typing import Any

import webtest
from openapi_spec_validator import validate
from test_views import app, make_app, models  # noqa: F401 - fixtures

from manouche.restkit.schemas import SchemaGenerator, get_docs_view, get_schema_view
from manouche.urlmap import URLMap, include, path


def test_document_is_valid_openapi_31(app: webtest.TestApp) -> None:  # noqa: F811
    doc = SchemaGenerator(title="Library", patterns=app.urls).get_schema()  # type: ignore[attr-defined]
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    books = doc["paths"]["/api/books/"]
    assert set(books) == {"get", "post"}
    assert books["get"]["operationId"] == "listBooks"
    assert books["post"]["operationId"] == "createBook"
    names = [p["name"] for p in books["get"]["parameters"]]
    assert names == ["page", "size", "search", "ordering", "author", "pages"]
    page = books["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Book"}
    detail = doc["paths"]["/api/books/{pk}/"]
    assert set(detail) == {"get", "put", "patch", "delete"}
    assert detail["get"]["parameters"][0] == {
        "name": "pk", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[^/.]+$"},
    }  # fmt: skip
    assert "204" in detail["delete"]["responses"]
    assert doc["paths"]["/api/books/{pk}/double/"]["post"]["operationId"] == "doubleBook"
    book = doc["components"]["schemas"]["Book"]
    assert book["properties"]["id"] == {"type": "integer", "readOnly": True}
    assert book["properties"]["title"]["maxLength"] == 100
    assert book["properties"]["genre"] == {"enum": ["f", "n"]}
    assert book["properties"]["author"] == {"type": "integer"}
    assert book["properties"]["pages"] == {"type": "integer", "minimum": 0}
    request = doc["components"]["schemas"]["BookRequest"]
    assert request["required"] == ["title", "author", "genre"]
    assert "id" not in request["properties"]
    assert doc["paths"]["/api/authors/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] == {"type": "array", "items": {"$ref": "#/components/schemas/Author"}}
    assert doc["components"]["schemas"]["Author"]["properties"]["url"] == {
        "type": "string", "format": "uri", "readOnly": True,
    }  # fmt: skip


def test_schema_and_docs_views(app: webtest.TestApp) -> None:  # noqa: F811
    urls = app.urls  # type: ignore[attr-defined]
    site = webtest.TestApp(
        URLMap(
            [
                path("openapi.json", get_schema_view(title="Library", patterns=urls)),
                path("docs/", get_docs_view(title="Library <&>", patterns=urls)),
                path("", include(urls._root.url_patterns)),
            ]
        )
    )
    doc = site.get("/openapi.json").json
    validate(doc)
    page = site.get("/docs/")
    assert page.content_type == "text/html"
    assert "Library &lt;&amp;&gt;" in page.text
    assert "/api/books/{pk}/" in page.text
    assert (
        "<script" not in page.text
        and "<link" not in page.text
        and "//" not in page.text.replace("://", "")
    )


def test_plain_views_and_function_views_are_documented(models: Any) -> None:  # noqa: F811
    doc = SchemaGenerator(patterns=make_app(models).urls).get_schema()  # type: ignore[attr-defined]
    validate(doc)
    assert set(doc["paths"]["/echo/"]) == {"get", "post"}
    assert doc["paths"]["/guarded/"]["get"]["operationId"] == "listBooks2"


def test_request_bodies_in_every_media_type_the_parsers_read(app: webtest.TestApp) -> None:  # noqa: F811
    doc = SchemaGenerator(patterns=app.urls).get_schema()  # type: ignore[attr-defined]
    validate(doc)
    body = doc["paths"]["/api/books/"]["post"]["requestBody"]["content"]
    assert list(body) == [
        "application/json", "application/x-www-form-urlencoded", "multipart/form-data",
    ]  # fmt: skip
    assert {media["schema"]["$ref"] for media in body.values()} == {
        "#/components/schemas/BookRequest"
    }


def test_function_views_described_by_their_schema() -> None:
    from manouche.restkit import parsers, serializers
    from manouche.restkit.decorators import api_view, parser_classes, schema
    from manouche.restkit.response import Response
    from manouche.restkit.schemas import AutoSchema

    class NoteSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20)
        id = serializers.IntegerField(read_only=True)

    @api_view(["GET", "POST"])
    @parser_classes([parsers.FormParser])
    @schema(AutoSchema(request=NoteSerializer, responses=NoteSerializer, tags=["notes"]))
    def notes(request: Any) -> Response:
        """Notes, read and written."""
        return Response({})

    @api_view(["GET"])
    @schema(AutoSchema(responses={200: NoteSerializer(many=True), 404: None}))
    def all_notes(request: Any) -> Response:
        return Response([])

    @api_view(["GET"])
    @schema(None)
    def hidden(request: Any) -> Response:
        return Response({})

    urls = URLMap([path("notes/", notes), path("all/", all_notes), path("hidden/", hidden)])
    doc = SchemaGenerator(patterns=urls).get_schema()
    validate(doc)
    assert "/hidden/" not in doc["paths"]
    post = doc["paths"]["/notes/"]["post"]
    assert post["tags"] == ["notes"] and post["description"] == "Notes, read and written."
    assert post["requestBody"]["content"] == {
        "application/x-www-form-urlencoded": {
            "schema": {"$ref": "#/components/schemas/NoteRequest"}
        }
    }
    assert post["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Note"
    }
    assert "requestBody" not in doc["paths"]["/notes/"]["get"]
    assert "200" in doc["paths"]["/notes/"]["get"]["responses"]
    request = doc["components"]["schemas"]["NoteRequest"]
    assert list(request["properties"]) == ["text"] and request["required"] == ["text"]
    listed = doc["paths"]["/all/"]["get"]["responses"]
    assert listed["200"]["content"]["application/json"]["schema"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/Note"},
    }  # fmt: skip
    assert listed["404"] == {"description": ""}
    import pytest

    with pytest.raises(TypeError, match="request must be a serializer class"):
        AutoSchema(request=NoteSerializer())
