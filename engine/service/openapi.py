"""The OpenAPI document, generated from the card: one request schema per model, with its real values.

A client generator gets a typed request per tool and model (`res` an integer of
720 or 1080, `audio` a boolean, `dur` the model's durations), the result
objects exactly as the API writes them, and the rejection codes as an enum.
"""

from __future__ import annotations

import re
from fractions import Fraction

from engine.counting import describe
from engine.model import Card, NotTaken
from engine.results import Code
from engine.service.catalog import LISTED, TYPES
from engine.compile import fill
from engine.domain import Domain, ValueType, is_unset, show_value
from engine.plans import PLAN

RESULT_CODES = [str(c) for c in Code]


def _value_schema(domain: Domain, unit: str | None) -> dict:
    unset = domain.has_unset
    domain = domain.without_unset()
    schema: dict = {"type": TYPES[domain.type]}
    if domain.type is ValueType.BOOL:
        pass
    elif domain.type is ValueType.TEXT or domain.is_finite(LISTED):
        schema["enum"] = list(domain)
    else:
        schema["minimum"] = domain.intervals[0].lo
        if domain.intervals[-1].hi is not None:
            schema["maximum"] = domain.intervals[-1].hi
    words = [f'in {unit}; "12{unit}" is read as 12'] if unit else []
    if unset:
        words.append("may be left out: a request without it is priced as unset")
    if words:
        schema["description"] = "; ".join(words)
    return schema


def _measured_schema(param, offer: Domain) -> dict:
    """A measured amount: any number of 0 or more (or a text such as "20.4s"), billed per its step."""
    from engine.money import decimal_text

    m = param.measure
    how = f"billed per {decimal_text(m.step)} (rounded up)" + (f", at least {decimal_text(m.minimum)}" if m.minimum
                                                                else "")
    if offer.intervals:
        how += f"; billed amounts {offer.describe(param.unit)} are offered"
    unit = f'; "20.4{param.unit}" is read as 20.4' if param.unit else ""
    return {"oneOf": [{"type": "number", "minimum": 0}, {"type": "string"}],
            "description": f"an amount, {how}{unit}"}


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
                props[param.name] = (_value_schema(offer, param.unit) if param.measure is None
                                     else _measured_schema(param, offer))
                filled = fill(param, offer, model)
                if filled is not None and not is_unset(filled):
                    props[param.name]["default"] = filled if type(filled) is not Fraction else show_value(filled)
                if param.counted_from:
                    left_out = f", not counting {describe(param.not_counting)}" if param.not_counting else ""
                    props[param.counted_from] = {"type": "string", "minLength": 1,
                                                 "description": f"its characters are counted as {param.name}"
                                                                f"{left_out}"}
            if plans:
                props["plan"] = {"type": "string", "enum": plans,
                                 "description": "a plan that does not include the tool is refused"}
                if any(PLAN in rule.box for rule in card.rules_of(model.tool, model.name)):
                    props["plan"]["description"] += ("; the price depends on it (a request naming no plan is "
                                                     "priced as plan unset)")
            out[_name("Request", tool_name, model.name)] = {
                "type": "object", "title": model.title, "properties": props, "required": required,
                "additionalProperties": False}
    return out


_DIGEST = {"type": "string", "description": "the digest of the card that gave this answer (RateCard.digest)"}
_EFFECTIVE = {"type": "string", "description": "a card with dates: the slice of time whose prices gave this answer, "
                                               "an ISO 8601 interval, `..` for an open end "
                                               "(2026-12-01T00:00:00Z/..); absent for a card without dates"}
_REJECTION = {"type": "object", "required": ["ok", "code", "param", "message"], "additionalProperties": False,
              "properties": {"ok": {"type": "boolean", "enum": [False]}, "code": {"type": "string", "enum": RESULT_CODES},
                             "param": {"type": "string", "nullable": True}, "message": {"type": "string"},
                             "digest": _DIGEST, "effective": _EFFECTIVE}}
_QUOTE = {"type": "object", "required": ["ok", "rule"], "additionalProperties": False,
          "description": "a price: `credits` from a card that prices in credits (a number; a string of its "
                         "digits past 2^53 - 1, which a JSON number would round), or `amount` and `unit` from a "
                         "card that prices in an amount (`prices in USD to 6 places`), the amount an exact "
                         "decimal string such as \"0.004500\"",
          "oneOf": [{"required": ["credits"]}, {"required": ["amount", "unit"]}],
          "properties": {"ok": {"type": "boolean", "enum": [True]},
                         "credits": {"oneOf": [{"type": "integer", "minimum": 0},
                                               {"type": "string", "pattern": "^[0-9]{16,}$"}]},
                         "amount": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                         "unit": {"type": "string"},
                         "rule": {"type": "string", "description": "file:line of the rule that priced it"},
                         "digest": _DIGEST, "effective": _EFFECTIVE}}
_AT = {"name": "at", "in": "query", "required": False, "schema": {"type": "string"},
       "description": "price at this time: a date (2026-12-01, midnight UTC) or an RFC 3339 time with its offset "
                      "(2026-12-01T10:00:00Z); default now. Only a card with dates prices by it; a text that is "
                      "no time is an invalid-request refusal"}
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
                       "credits": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]{16,}$"}]},
                       "amount": {"type": "string"}, "unit": {"type": "string"}, "reason": {"type": "string"}}}
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
             404: "no such tool, model, account or hold", 413: "the body is larger than the server's limit",
             409: "the key was used for another operation, or the hold is already settled",
             422: "understood, but the card refuses it (see code and message)",
             503: "took longer than the server's time limit"}
    out = {"200": _json(ok, ok_text)}
    for status in refusals:
        out[str(status)] = _json(_ref("Rejection"), texts[status])
    for response in out.values():
        response["headers"] = _DIGEST_HEADER
    return out


def document(card: Card, version: str, accounts: bool = False) -> dict:
    requests = request_schemas(card)
    request = {"oneOf": [_ref(n) for n in requests]}
    body = {"required": True, "content": {"application/json": {"schema": _ref("Request")}}}
    tools = list(card.tools)
    paths = {
        "/quote": {"post": {"operationId": "quote", "summary": "Price one request",
                            "parameters": [_AT], "requestBody": body,
                            "responses": _responses(_ref("Quote"), "priced", 400, 413, 422, 503)}},
        "/quote/batch": {"post": {
            "operationId": "quoteBatch", "summary": "Price many requests, one result each, in order",
            "description": "A JSON array of requests answers a JSON array of results. With Content-Type "
                           "application/x-ndjson the body is one JSON request per line and so is the answer, "
                           "exactly as `ratecard quote --batch`. A bad item gets an invalid-request result; "
                           "the rest are priced.",
            "parameters": [_AT],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "array", "items": _ref("Request")}}}},
            "responses": _responses({"type": "array", "items": _ref("Result")}, "one result per request",
                                    400, 413, 503)}},
        "/explain": {"post": {"operationId": "explain", "summary": "Price one request and say how, or why not",
                              "parameters": [_AT], "requestBody": body,
                              "responses": _responses(_ref("Explained"), "the result and its explanation",
                                                      400, 413, 503)}},
        "/sheet": {"get": {"operationId": "sheet", "summary": "The price sheet: every combination and its price",
                           "parameters": [
                               {"name": "tool", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": tools}},
                               {"name": "model", "in": "query", "required": False,
                                "schema": {"type": "string"}, "description": "a model's name or alias"}, _AT],
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
    if accounts:
        from engine.accounts import ErrorCode

        more_paths, more_schemas = account_paths()
        paths.update(more_paths)
        schemas.update(more_schemas)
        codes = RESULT_CODES + [str(c) for c in ErrorCode if str(c) not in RESULT_CODES]
        schemas["Rejection"] = {**_REJECTION, "properties": {**_REJECTION["properties"],
                                                             "code": {"type": "string", "enum": codes}}}
    return {"openapi": "3.0.3",
            "info": {"title": "ratecard", "version": version,
                     "description": "Prices for AI generations, from the rate card this server loaded."},
            "paths": paths, "components": {"schemas": schemas}}


# ---------------------------------------------------------------- credit accounts (served with a store)

_FIELD_TYPES = {"str": {"type": "string"}, "int": {"type": "integer"}, "bool": {"type": "boolean"},
                "datetime": {"type": "string", "format": "date-time"}, "Fraction": {"type": "string"},
                "Decimal": {"type": "string"}, "EntryKind": {"type": "string"}}


def _result_schema(cls) -> dict:
    """An engine.accounts result class as JSON Schema, from its attrs fields (as values.to_json writes it)."""
    import attrs

    props: dict = {"ok": {"type": "boolean", "enum": [True]}, "type": {"type": "string", "enum": [cls.__name__]}}
    required = ["ok", "type"]
    for field in attrs.fields(cls):
        text = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "str")
        optional = "None" in text
        base = text.replace("| None", "").strip()
        props[field.name] = {**_FIELD_TYPES.get(base, {}), **({"nullable": True} if optional else {})}
        required.append(field.name)
    return {"type": "object", "required": required, "properties": props}


def account_paths() -> tuple[dict, dict]:
    """The account operations' paths and the schemas they use."""
    from engine.accounts import values

    key = {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string", "minLength": 1},
           "description": "the caller's key for this operation: a retry with the same key and body returns the "
                          "first result and writes nothing; the same key with another body is a 409 conflict"}
    optional_key = {**key, "required": False}
    account = {"name": "account", "in": "path", "required": True, "schema": {"type": "string"}}
    hold = {"name": "hold", "in": "path", "required": True, "schema": {"type": "string"}}
    at = {"type": "string", "format": "date-time", "description": "when (default now), with its time zone"}

    def body(props: dict, required: list[str]) -> dict:
        return {"required": bool(required), "content": {"application/json": {"schema": {
            "type": "object", "properties": {**props, "at": at}, "required": required}}}}

    def answers(result: str, *statuses: int) -> dict:
        out = _responses(_ref(result), "done (or, for a retried key, what was done the first time)",
                         400, 413, 503, *statuses)
        return out

    request = {"request": _ref("Request")}
    paths = {
        "/accounts/{account}/subscribe": {"post": {
            "operationId": "subscribe", "summary": "Open an account on a plan and a tier of its credits",
            "parameters": [account, optional_key],
            "requestBody": body({"plan": {"type": "string"}, "credits": {"type": "integer"},
                                 "start": at}, ["plan", "credits"]),
            "responses": answers("Subscription", 409)}},
        "/accounts/{account}/hold": {"post": {
            "operationId": "hold", "summary": "Reserve the price of a request", "parameters": [account, key],
            "requestBody": body({**request, "ttl_seconds": {"type": "integer", "minimum": 1, "maximum": 400 * 86400}}, ["request"]),
            "responses": answers("Hold", 404, 409, 422)}},
        "/accounts/{account}/charge": {"post": {
            "operationId": "charge", "summary": "Spend the price of a request at once", "parameters": [account, key],
            "requestBody": body(request, ["request"]), "responses": answers("Charge", 404, 409, 422)}},
        "/accounts/{account}/plan": {"post": {
            "operationId": "changePlan", "summary": "Change plan: an upgrade now, a downgrade at renewal",
            "parameters": [account, key],
            "requestBody": body({"plan": {"type": "string"}, "credits": {"type": "integer"}}, ["plan", "credits"]),
            "responses": answers("PlanChange", 404, 409, 422)}},
        "/holds/{hold}/capture": {"post": {
            "operationId": "capture", "summary": "Spend a hold (all of it, or `credits` of it)",
            "parameters": [hold, key], "requestBody": body({"credits": {"type": "integer"}}, []),
            "responses": answers("Charge", 404, 409)}},
        "/holds/{hold}/release": {"post": {
            "operationId": "release", "summary": "Give a hold back", "parameters": [hold, key],
            "requestBody": body({}, []), "responses": answers("Release", 404, 409)}},
        "/accounts/{account}/balance": {"get": {
            "operationId": "balance", "summary": "This cycle's credits: granted, spent, held, available",
            "parameters": [account, {"name": "at", "in": "query", "required": False,
                                     "schema": {"type": "string", "format": "date-time"}}],
            "responses": answers("Balance", 404)}},
        "/accounts/{account}/history": {"get": {
            "operationId": "history", "summary": "Every entry of the account, oldest first",
            "parameters": [account],
            "responses": _responses({"type": "array", "items": _ref("Entry")}, "the entries", 400, 404, 503)}},
    }
    schemas = {cls.__name__: _result_schema(cls) for cls in (
        values.Subscription, values.Hold, values.Charge, values.Release, values.PlanChange, values.Balance,
        values.Entry)}
    return paths, schemas
