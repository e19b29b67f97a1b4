"""Request bodies read within the server's limits, and refusals in the API's rejection shape."""

from __future__ import annotations

import json
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import JSONResponse

from engine.results import Code, Rejection
from engine.service.settings import Settings


class Refusal(Exception):
    """A request the server will not act on: answered with `rejection` and `status`, nothing done."""

    def __init__(self, status: int, message: str, param: str | None = None, code: Code = Code.INVALID_REQUEST):
        super().__init__(message)
        self.status = status
        self.rejection = Rejection(code, message, param)


def refusal_response(refusal: Refusal, digest: str | None = None) -> JSONResponse:
    headers = {"Ratecard-Digest": digest} if digest else None
    body = refusal.rejection.to_json()
    if digest:  # the card that would have priced it, as on every other answer
        body["digest"] = digest
    return JSONResponse(body, status_code=refusal.status, headers=headers)


async def read_bytes(request: Request, settings: Settings) -> bytes:
    """The whole body, refused (413) as soon as it passes settings.max_body, whatever Content-Length says."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_body:
        raise _too_large(settings)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > settings.max_body:
            raise _too_large(settings)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(settings: Settings) -> Refusal:
    return Refusal(413, f"the request body is larger than {settings.max_body} bytes (the server's limit)")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, f"the request body is not UTF-8 (byte {exc.start})") from None


def parse(text: str, settings: Settings, what: str = "the request body") -> object:
    """JSON text -> a value no deeper than settings.max_depth; else a 400 Refusal. A number with a
    point is read exactly, as a Decimal (a measured amount such as 20.4), never as a float."""
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise Refusal(400, f"{what} is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise Refusal(400, f"{what} is nested deeper than {settings.max_depth} levels") from None
    if depth_exceeds(value, settings.max_depth):
        raise Refusal(400, f"{what} is nested deeper than {settings.max_depth} levels")
    return value


_FLAT = frozenset({str, int, bool, float, Decimal, type(None)})


def depth_exceeds(value: object, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (iterative: no recursion to blow)."""
    if type(value) is dict and _FLAT.issuperset(map(type, value.values())):
        return limit < 1  # a flat object, as almost every request is
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


async def read_json(request: Request, settings: Settings) -> object:
    return parse(decode(await read_bytes(request, settings)), settings)


async def read_object(request: Request, settings: Settings) -> dict:
    value = await read_json(request, settings)
    if not isinstance(value, dict):
        raise Refusal(400, f"the request body must be a JSON object, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    return "a text"
