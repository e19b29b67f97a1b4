"""The credit-account routes: engine.accounts' operations over HTTP, each change keyed by `Idempotency-Key`.

Thin like the pricing routes: each handler checks the body, then makes the one
Book call `ratecard accounts` would make. A request refused before that call
(bad JSON, no key, a wrong type) writes nothing. The Book prices with the
card serving at that moment: one Book per published card, over the one store.
"""

from __future__ import annotations

import datetime

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine.results import Code, Rejection, json_safe
from engine.service import body
from engine.service.body import Refusal
from engine.service.live import Live, Loaded
from engine.service.settings import Settings

KEY = "Idempotency-Key"
MAX_TTL = 400 * 86400  # seconds; a hold lapses at its cycle's end anyway

# AccountError codes -> HTTP status; anything not listed is the caller's mistake (400)
_STATUS = {"conflict": 409, "account-exists": 409, "hold-captured": 409, "hold-released": 409,
           "hold-expired": 409, "capture-exceeds-hold": 409, "unknown-hold": 404, "store": 503, "schema": 500,
           "not-credits": 500}  # the service's own card cannot keep accounts: not the caller's doing


def routes(live: Live, store, settings: Settings) -> list[Route]:
    return _Accounts(live, store, settings).routes()


class _Accounts:
    def __init__(self, live: Live, store, settings: Settings):
        self.live, self.store, self.settings = live, store, settings
        self._books: dict[str, object] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/accounts/{account}/subscribe", self.subscribe, methods=["POST"]),
            Route("/accounts/{account}/hold", self.hold, methods=["POST"]),
            Route("/accounts/{account}/charge", self.charge, methods=["POST"]),
            Route("/accounts/{account}/plan", self.change_plan, methods=["POST"]),
            Route("/accounts/{account}/balance", self.balance, methods=["GET"]),
            Route("/accounts/{account}/history", self.history, methods=["GET"]),
            Route("/holds/{hold}/capture", self.capture, methods=["POST"]),
            Route("/holds/{hold}/release", self.release, methods=["POST"]),
        ]

    def _book(self, loaded: Loaded):
        book = self._books.get(loaded.digest)
        if book is None:
            from engine.accounts import Book

            self._books = {loaded.digest: Book(self.store, loaded.card)}  # books of replaced cards go
            book = self._books[loaded.digest]
        return book

    async def _run(self, request: Request, call, needs_key: bool = True) -> Response:
        """Check the body and the key, then make the Book call in a thread; answer in the API's shapes."""
        from engine.accounts import AccountError
        from engine.accounts.values import to_json

        loaded = self.live.current
        headers = {"Ratecard-Digest": loaded.digest}
        try:
            op = request.headers.get(KEY)
            if needs_key and not op:
                raise Refusal(400, f"a change needs an {KEY} header: the caller's key for this operation, "
                                   "the same on every retry", KEY)
            data = await _object_or_empty(request, self.settings) if request.method == "POST" else {}
            book = self._book(loaded)
            result = await anyio.to_thread.run_sync(lambda: call(book, data, op))
        except Refusal as refusal:
            return body.refusal_response(refusal, loaded.digest)
        except OverflowError:  # a time so near year 1 or 9999 that a cycle or an expiry falls off the calendar
            return body.refusal_response(Refusal(400, "a date and time out of range", "at"), loaded.digest)
        except AccountError as exc:
            rejection = Rejection(exc.code, exc.message)  # type: ignore[arg-type]  # its own stable codes
            return JSONResponse(rejection.to_json(), status_code=_STATUS.get(str(exc.code), 400), headers=headers)
        if isinstance(result, Rejection):
            status = 404 if result.code == "unknown-account" else 422
            return JSONResponse(result.to_json(), status_code=status, headers=headers)
        if isinstance(result, list):
            return JSONResponse([json_safe({"ok": True, **to_json(e)}) for e in result], headers=headers)
        return JSONResponse(json_safe({"ok": True, **to_json(result)}), headers=headers)

    async def subscribe(self, request: Request) -> Response:
        account = request.path_params["account"]
        return await self._run(request, lambda book, data, op: book.subscribe(
            account, plan=_field(data, "plan", str), credits=_field(data, "credits", int),
            start=_time(data, "start"), op=op, at=_time(data, "at")), needs_key=False)

    async def hold(self, request: Request) -> Response:
        account = request.path_params["account"]

        def call(book, data, op):
            seconds = data.get("ttl_seconds")
            if seconds is not None and (type(seconds) is not int or not 0 < seconds <= MAX_TTL):
                raise Refusal(400, f"ttl_seconds is a whole number of seconds, 1 to {MAX_TTL}", "ttl_seconds")
            ttl = None if seconds is None else datetime.timedelta(seconds=seconds)
            return book.hold(account, _field(data, "request", dict), op=op, ttl=ttl, at=_time(data, "at"))
        return await self._run(request, call)

    async def charge(self, request: Request) -> Response:
        account = request.path_params["account"]
        return await self._run(request, lambda book, data, op: book.charge(
            account, _field(data, "request", dict), op=op, at=_time(data, "at")))

    async def change_plan(self, request: Request) -> Response:
        account = request.path_params["account"]
        return await self._run(request, lambda book, data, op: book.change_plan(
            account, plan=_field(data, "plan", str), credits=_field(data, "credits", int), op=op,
            at=_time(data, "at")))

    async def capture(self, request: Request) -> Response:
        hold = request.path_params["hold"]

        def call(book, data, op):
            credits = data.get("credits")
            if credits is not None and type(credits) is not int:
                raise Refusal(400, "credits is a whole number", "credits")
            return book.capture(hold, op=op, credits=credits, at=_time(data, "at"))
        return await self._run(request, call)

    async def release(self, request: Request) -> Response:
        hold = request.path_params["hold"]
        return await self._run(request, lambda book, data, op: book.release(hold, op=op, at=_time(data, "at")))

    async def balance(self, request: Request) -> Response:
        account = request.path_params["account"]
        at = request.query_params.get("at")
        return await self._run(request, lambda book, data, op: book.balance(
            account, at=_time({"at": at}, "at")), needs_key=False)

    async def history(self, request: Request) -> Response:
        account = request.path_params["account"]
        return await self._run(request, lambda book, data, op: book.history(account), needs_key=False)


async def _object_or_empty(request: Request, settings: Settings) -> dict:
    data = await body.read_bytes(request, settings)
    if not data.strip():
        return {}
    value = body.parse(body.decode(data), settings)
    if not isinstance(value, dict):
        raise Refusal(400, "the request body must be a JSON object")
    return value


def _field(data: dict, name: str, kind: type):
    value = data.get(name)
    if type(value) is not kind:
        what = {str: "a text", int: "a whole number", dict: "a JSON object (a quote request)"}[kind]
        raise Refusal(400, f"{name} is {what}" + ("" if name in data else ", and it is missing"), name)
    return value


def _time(data: dict, name: str) -> datetime.datetime | None:
    value = data.get(name)
    if value is None:
        return None
    try:
        return datetime.datetime.fromisoformat(value) if isinstance(value, str) else _bad_time(name)
    except ValueError:
        return _bad_time(name)


def _bad_time(name: str):
    raise Refusal(400, f"{name} is a date and time in ISO 8601 with its zone, e.g. 2026-01-31T12:00:00+00:00",
                  name)
