"""The OpenAPI document, generated from the card: one request schema per model, with its real values.

A client generator gets a typed request per tool and model (`res` an integer of
720 or 1080, `audio` a boolean, `dur` the model's durations), the result
objects exactly as the API writes them, and the rejection codes as an enum.
"""

from __future__ import annotations

import re

from engine.model import Card, NotTaken
from engine.results import Code
from engine.service.catalog import LISTED, TYPES
from engine.domain import Domain, ValueType

RESULT_CODES = [str(c) for c in Code]


def _value_schema(domain: Domain, unit: str | None) -> dict:
    schema: dict = {"type": TYPES[domain.type]}
    if domain.type is ValueType.BOOL:
        pass
    elif domain.type is ValueType.TEXT or domain.is_finite(LISTED):
        schema["enum"] = list(domain)
    else:
        schema["minimum"] = domain.intervals[0].lo
        if domain.intervals[-1].hi is not None:
            schema["maximum"] = domain.intervals[-1].hi
    if unit:
        schema["description"] = f'in {unit}; "12{unit}" is read as 12'
    return schema


def _name(*parts: str | None) -> str:
    return ".".join(re.sub(r"[^A-Za-z0-9_-]+", "_", p) for p in parts if p is not None)


def request_schemas(card: Card) -> dict[str, dict]:
    """Component name -> the request schema of one model (or of a tool priced without models)."""
    out = {}
    plans = list(card.plans)
    for tool_name, tool in card.tools.items():
        for model in card.models_of(tool_name):
            props: dict = {"tool": {"type": "string", "enum": [tool_name]}}
            required = ["tool"]
            if model.name is not None:
                props["model"] = {"type": "string", "enum": [model.name, *model.aliases]}
                required.append("model")
            for param in tool.params:
                offer = model.offers.get(param.name, param.domain)
                if isinstance(offer, NotTaken):
                    continue
                props[param.name] = _value_schema(offer, param.unit)
                if param.counted_from:
                    props[param.counted_from] = {"type": "string", "minLength": 1,
                                                 "description": f"its characters are counted as {param.name}"}
            if plans:
                props["plan"] = {"type": "string", "enum": plans,
                                 "description": "a plan that does not include the tool is refused"}
            out[_name("Request", tool_name, model.name)] = {
                "type": "object", "title": model.title, "properties": props, "required": required,
                "additionalProperties": False}
    return out


_REJECTION = {"type": "object", "required": ["ok", "code", "param", "message"], "additionalProperties": False,
              "properties": {"ok": {"type": "boolean", "enum": [False]}, "code": {"type": "string", "enum": RESULT_CODES},
                             "param": {"type": "string", "nullable": True}, "message": {"type": "string"}}}
_QUOTE = {"type": "object", "required": ["ok", "credits", "rule"], "additionalProperties": False,
          "properties": {"ok": {"type": "boolean", "enum": [True]}, "credits": {"type": "integer", "minimum": 0},
                         "rule": {"type": "string", "description": "file:line of the rule that priced it"}}}
_DIAGNOSTIC = {"type": "object", "required": ["severity", "code", "name", "message", "file", "line", "column"],
               "properties": {"severity": {"type": "string"}, "code": {"type": "string"}, "name": {"type": "string"},
                              "message": {"type": "string"}, "file": {"type": "string"},
                              "line": {"type": "integer"}, "column": {"type": "integer"}}}
_CARD = {"type": "object", "required": ["digest", "version", "loaded_at", "diagnostics"],
         "properties": {"digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "version": {"type": "integer", "minimum": 1},
                        "loaded_at": {"type": "string"},
                        "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}}}}
_HEALTH = {"type": "object", "required": ["ok", "digest", "version", "reload"],
           "properties": {"ok": {"type": "boolean"}, "digest": {"type": "string"}, "version": {"type": "integer"},
                          "reload": {"type": "object", "nullable": True,
                                     "description": "the last changed card that was refused, and why",
                                     "properties": {"at": {"type": "string"}, "diagnostics": {
                                         "type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}}}}}}
_ROW = {"type": "object", "required": ["tool", "model"],
        "description": "tool, model, each priced parameter's value, then credits (priced) or reason (refused)",
        "properties": {"tool": {"type": "string"}, "model": {"type": "string", "nullable": True},
                       "credits": {"type": "integer"}, "reason": {"type": "string"}}}
_EXPLAINED = {"type": "object", "required": ["result", "explanation"],
              "properties": {"result": {"$ref": "#/components/schemas/Result"}, "explanation": {"type": "string"}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DIGEST_HEADER = {"Ratecard-Digest": {"description": "sha256 of the rate card that answered",
                                      "schema": {"type": "string"}}}


def _responses(ok: dict, ok_text: str, *refusals: int) -> dict:
    texts = {400: "not JSON, nested too deeply, or not the JSON value this endpoint takes",
             404: "no such tool or model", 413: "the body is larger than the server's limit",
             422: "understood, but the card refuses it (see code and message)",
             503: "took longer than the server's time limit"}
    out = {"200": _json(ok, ok_text)}
    for status in refusals:
        out[str(status)] = _json(_ref("Rejection"), texts[status])
    for response in out.values():
        response["headers"] = _DIGEST_HEADER
    return out


def document(card: Card, version: str) -> dict:
    requests = request_schemas(card)
    request = {"oneOf": [_ref(n) for n in requests]}
    body = {"required": True, "content": {"application/json": {"schema": _ref("Request")}}}
    tools = list(card.tools)
    paths = {
        "/quote": {"post": {"operationId": "quote", "summary": "Price one request",
                            "requestBody": body,
                            "responses": _responses(_ref("Quote"), "priced", 400, 413, 422, 503)}},
        "/quote/batch": {"post": {
            "operationId": "quoteBatch", "summary": "Price many requests, one result each, in order",
            "description": "A JSON array of requests answers a JSON array of results. With Content-Type "
                           "application/x-ndjson the body is one JSON request per line and so is the answer, "
                           "exactly as `ratecard quote --batch`. A bad item gets an invalid-request result; "
                           "the rest are priced.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "array", "items": _ref("Request")}}}},
            "responses": _responses({"type": "array", "items": _ref("Result")}, "one result per request",
                                    400, 413, 503)}},
        "/explain": {"post": {"operationId": "explain", "summary": "Price one request and say how, or why not",
                              "requestBody": body,
                              "responses": _responses(_ref("Explained"), "the result and its explanation",
                                                      400, 413, 503)}},
        "/sheet": {"get": {"operationId": "sheet", "summary": "The price sheet: every combination and its price",
                           "parameters": [
                               {"name": "tool", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": tools}},
                               {"name": "model", "in": "query", "required": False,
                                "schema": {"type": "string"}, "description": "a model's name or alias"}],
                           "responses": _responses({"type": "array", "items": _ref("Row")}, "the rows",
                                                   400, 404, 503)}},
        "/catalog": {"get": {"operationId": "catalog", "summary": "Tools, models and the values each model offers",
                             "responses": _responses({"type": "object"}, "the catalog")}},
        "/card": {"get": {"operationId": "card", "summary": "The serving card's digest, version and diagnostics",
                          "responses": _responses(_ref("Card"), "the card")}},
        "/health": {"get": {"operationId": "health", "summary": "Serving, and the last refused reload if any",
                            "responses": _responses(_ref("Health"), "the server is serving")}},
    }
    schemas = {"Request": request, **requests, "Quote": _QUOTE, "Rejection": _REJECTION,
               "Result": {"oneOf": [_ref("Quote"), _ref("Rejection")]}, "Explained": _EXPLAINED,
               "Row": _ROW, "Card": _CARD, "Health": _HEALTH, "Diagnostic": _DIAGNOSTIC}
    return {"openapi": "3.0.3",
            "info": {"title": "ratecard", "version": version,
                     "description": "Prices for AI generations, from the rate card this server loaded."},
            "paths": paths, "components": {"schemas": schemas}}
