"""The API's documentation page, ``/api/docs``: rendered on the server from the OpenAPI schema, with no script.

FastAPI's own page loads Swagger UI's script and styles from a CDN (a floating
version, no integrity check) and runs them on the desk's origin. This page is
plain HTML through the site's templates: each endpoint with its parameters,
its answers and their models, and an example ``curl``; nothing on it runs or
is fetched from anywhere but the site (its stylesheet). Its
Content-Security-Policy says so: no script, no frames, nothing from elsewhere.

:func:`desk_openapi` is the schema ``/api/openapi.json`` serves, corrected to
what the desk answers: a parameter that is not valid gets ``400`` with
``{"detail": "..."}``, not FastAPI's ``422``. :func:`api_reference` (pure)
reads a schema into what the template shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.publish.links import SiteLinks
from newsdesk.web.pages import Entry, Pages, Rendered, respond

#: The docs page: the site's stylesheet and images only; no script, frame or connection anywhere.
DOCS_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_REF = "#/components/schemas/"
_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
_CONSTRAINTS = (
    ("minimum", "at least"),
    ("maximum", "at most"),
    ("exclusiveMinimum", "more than"),
    ("exclusiveMaximum", "less than"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("pattern", "matching"),
)


@dataclass(frozen=True, slots=True)
class TypePart:
    """A piece of a type's description: words, or a model's name (``model`` set: a link to it)."""

    text: str
    model: str | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: tuple[TypePart, ...]
    rules: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: str
    description: str
    media_type: str | None
    type: tuple[TypePart, ...]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    answers: tuple[Answer, ...]
    curl: str


@dataclass(frozen=True, slots=True)
class ModelField:
    name: str
    required: bool
    type: tuple[TypePart, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    description: str
    fields: tuple[ModelField, ...]


@dataclass(frozen=True, slots=True)
class ApiReference:
    title: str
    version: str
    description: str
    schema_url: str
    endpoints: tuple[Endpoint, ...]
    models: tuple[Model, ...]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def prose(text: str) -> tuple[tuple[str, bool], ...]:
    """A docstring's words as pieces, each ``(text, is_code)``: ````value```` (reStructuredText) is code."""
    pieces = text.split("``")
    if len(pieces) % 2 == 0:  # an unpaired mark: all words
        return ((text, False),) if text else ()
    return tuple((piece, number % 2 == 1) for number, piece in enumerate(pieces) if piece)


def type_parts(schema: Mapping[str, Any]) -> tuple[TypePart, ...]:
    """A JSON Schema type in words: ``integer``, ``list of`` StoryModel, ``string or null``."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix(_REF)
        return (TypePart(name, model=name),)
    for combiner in ("anyOf", "oneOf"):
        options = schema.get(combiner)
        if isinstance(options, list) and options:
            parts: list[TypePart] = []
            for number, option in enumerate(o for o in options if isinstance(o, Mapping)):
                if number:
                    parts.append(TypePart(" or "))
                parts.extend(type_parts(option))
            return tuple(parts)
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return (TypePart("list of "), *type_parts(items if isinstance(items, Mapping) else {}))
    if isinstance(kind, str):
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return (TypePart(f"{kind}, one of " + ", ".join(str(v) for v in enum)),)
        return (TypePart(kind),)
    return (TypePart("any value"),)


def _rules(schema: Mapping[str, Any]) -> tuple[str, ...]:
    rules = []
    for key, words in _CONSTRAINTS:
        if key in schema:
            value = schema[key]
            rules.append(words.format(value) if "{}" in words else f"{words} {value}")
    if "default" in schema and schema["default"] is not None:
        rules.append(f"default {schema['default']}")
    return tuple(rules)


def _example(parameter: Mapping[str, Any]) -> str:
    """A value to show in the example request: the default, the minimum, or the name in capitals."""
    schema = parameter.get("schema") or {}
    for key in ("example", "default", "minimum"):
        if key in schema and schema[key] is not None:
            return str(schema[key])
    return str(parameter.get("name", "value")).upper()


def _shown(parameter: Mapping[str, Any]) -> bool:
    schema = parameter.get("schema") or {}
    return bool(parameter.get("required")) or any(schema.get(k) is not None for k in ("example", "default", "minimum"))


def _anchor(method: str, path: str) -> str:
    words = "".join(c if c.isascii() and c.isalnum() else "-" for c in path).strip("-")
    return f"{method}-{'-'.join(w for w in words.split('-') if w)}"


def _curl(method: str, path: str, parameters: list[Mapping[str, Any]], links: SiteLinks) -> str:
    for p in parameters:
        if p.get("in") == "path":
            path = path.replace("{" + str(p.get("name")) + "}", _example(p))
    # A query parameter goes in the example when it is required or has a value to show (an optional filter
    # with nothing to show, ``language``, is described in the table only).
    query = urlencode([(str(p.get("name")), _example(p)) for p in parameters if p.get("in") == "query" and _shown(p)])
    url = links.url(path) + (f"?{query}" if query else "")
    verb = "" if method == "get" else f"-X {method.upper()} "
    return f"curl -s {verb}'{url}'"


def _answers(responses: Mapping[str, Any]) -> tuple[Answer, ...]:
    answers = []
    for status, response in sorted(responses.items()):
        if not isinstance(response, Mapping):
            continue
        content = response.get("content") or {}
        media_type, body = next(iter(content.items()), (None, {}))
        schema = body.get("schema") if isinstance(body, Mapping) else None
        answers.append(
            Answer(
                status=str(status),
                description=_text(response.get("description")),
                media_type=media_type,
                type=type_parts(schema) if isinstance(schema, Mapping) else (),
            )
        )
    return tuple(answers)


def api_reference(schema: Mapping[str, Any], links: SiteLinks) -> ApiReference:
    """What the docs page shows of an OpenAPI schema: its endpoints (path order) and its models (name order)."""
    info = schema.get("info") or {}
    endpoints = []
    for path, operations in (schema.get("paths") or {}).items():
        for method in _METHODS:
            operation = operations.get(method) if isinstance(operations, Mapping) else None
            if not isinstance(operation, Mapping):
                continue
            raw = [p for p in operation.get("parameters") or () if isinstance(p, Mapping)]
            parameters = tuple(
                Parameter(
                    name=str(p.get("name", "")),
                    where=str(p.get("in", "")),
                    required=bool(p.get("required")),
                    type=type_parts(p.get("schema") or {}),
                    rules=_rules(p.get("schema") or {}),
                    description=_text(p.get("description") or (p.get("schema") or {}).get("description")),
                )
                for p in raw
            )
            endpoints.append(
                Endpoint(
                    method=method.upper(),
                    path=str(path),
                    anchor=_anchor(method, str(path)),
                    summary=_text(operation.get("summary")),
                    description=_text(operation.get("description")),
                    parameters=parameters,
                    answers=_answers(operation.get("responses") or {}),
                    curl=_curl(method, str(path), raw, links),
                )
            )
    models = []
    for name, model in sorted(((schema.get("components") or {}).get("schemas") or {}).items()):
        properties = model.get("properties") or {}
        required = set(model.get("required") or ())
        fields = tuple(
            ModelField(
                name=str(field_name),
                required=field_name in required,
                type=type_parts(field_schema),
                description=_text(field_schema.get("description")),
            )
            for field_name, field_schema in properties.items()
        )
        models.append(Model(name=str(name), description=_text(model.get("description")), fields=fields))
    return ApiReference(
        title=_text(info.get("title")),
        version=_text(info.get("version")),
        description=_text(info.get("description")),
        schema_url=links.path("/api/openapi.json"),
        endpoints=tuple(endpoints),
        models=tuple(models),
    )


def desk_openapi(app: FastAPI, site_url: str | None = None) -> dict[str, Any]:
    """The app's OpenAPI schema as the desk answers: ``400`` with ``ErrorModel`` for a parameter that is not
    valid (the desk's error handler), instead of FastAPI's ``422`` and its validation-error models; ``404`` with
    the same model where an operation can find nothing (a page past the last, no such story); ``servers`` at the
    site's path (``site.url``'s), so a client generated from the document keeps a path prefix."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        error = {"content": {"application/json": {"schema": {"$ref": f"{_REF}ErrorModel"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None and operation.get("parameters"):
                    responses["400"] = {"description": "A parameter is not valid (the detail says which, and why)"}
                    responses["400"].update(error)
                if operation.get("parameters"):
                    responses.setdefault("404", {"description": "Nothing here: a page past the last, or no such story"})
                    responses["404"].update(error)
        if site_url is not None:
            # The site's path (relative: resolved against wherever the document was fetched, whatever the host
            # and port the desk is served on), so an API under a prefix keeps it.
            schema["servers"] = [{"url": urlsplit(site_url).path.rstrip("/") or "/", "description": "This desk's site"}]
        schemas = schema.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema


def apidocs_router(pages: Pages, openapi: Callable[[], dict[str, Any]]) -> APIRouter:
    """``GET /api/docs``: the page, rendered once from the schema (which does not change while the app runs)."""
    router = APIRouter(include_in_schema=False)
    rendered: list[Entry] = []

    @router.get("/api/docs")
    def api_docs(request: Request) -> Response:
        if not rendered:
            reference = api_reference(openapi(), pages.links)
            page = pages.html("apidocs.html", api=reference, prose=prose, nav=())
            page = Rendered(page.body, page.media_type, headers=(("Content-Security-Policy", DOCS_POLICY),))
            etag = '"' + hashlib.blake2b(page.body, digest_size=12).hexdigest() + '"'
            rendered.append(Entry((0, 0), page, etag, 0.0))
        return respond(request, rendered[0])

    return router
