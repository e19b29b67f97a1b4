"""The Starlette app: routes over the same API the `ratecard` command uses, built by `app(...)`.

Every handler reads the published card once (`live.current`) and answers with
it alone; every response carries that card's digest in `Ratecard-Digest`. The
pricing routes take `?at=` (a date or an RFC 3339 time; default now): a dated
card prices as it does then.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.ratecard import RateCard, load
from engine.results import MAX_JSON_INT, Code, Quote
from engine.service import body
from engine.service.body import Refusal, refusal_response
from engine.service.live import Live, Loaded
from engine.service.settings import Settings

STATIC = Path(__file__).parent / "static"
DIGEST = "Ratecard-Digest"
NDJSON = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines")


def app(card: RateCard | None = None, store: object | None = None, *, rules: str | Path | None = None,
        settings: Settings | None = None) -> Starlette:
    """An ASGI app pricing with `card` (or the card at `rules`, the bundled one when both are None).

    With `rules` and settings.reload_interval > 0 the app watches those files while
    it runs (its lifespan) and swaps in a changed card once it loads clean.
    `store` is a credit-accounts store (engine.accounts.store.connect(url)): with one,
    the account routes are served too (engine.service.accounts).
    """
    settings = settings or Settings()
    live = Live(card if card is not None else load(rules), rules)
    handlers = _Handlers(live, settings, accounts=store is not None)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        async with anyio.create_task_group() as tasks:
            if rules is not None and settings.reload_interval > 0:
                tasks.start_soon(live.watch, settings.reload_interval)
            yield
            tasks.cancel_scope.cancel()

    routes = [
        Route("/quote", handlers.quote, methods=["POST"]),
        Route("/quote/batch", handlers.batch, methods=["POST"]),
        Route("/explain", handlers.explain, methods=["POST"]),
        Route("/sheet", handlers.sheet, methods=["GET"]),
        Route("/catalog", handlers.catalog, methods=["GET"]),
        Route("/card", handlers.card, methods=["GET"]),
        Route("/health", handlers.health, methods=["GET"]),
        Route("/openapi.json", handlers.openapi, methods=["GET"]),
        *([] if store is None else _account_routes(live, store, settings)),
        Route("/", lambda _: RedirectResponse("/ui/"), methods=["GET"]),
        Mount("/ui", StaticFiles(directory=STATIC, html=True), name="ui"),
    ]
    async def http_error(_request: Request, exc: HTTPException) -> Response:
        return refusal_response(_http_refusal(exc), live.current.digest)

    async def server_error(_request: Request, _exc: Exception) -> Response:
        return refusal_response(Refusal(500, "the server failed on this request; it has been logged"),
                                live.current.digest)

    server = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        HTTPException: http_error, Exception: server_error})
    server.state.live = live
    server.state.settings = settings
    server.add_middleware(_DigestHeader, live=live)
    return server


_NAMED = frozenset({"/quote", "/quote/batch", "/explain", "/sheet", "/catalog", "/card", "/health", "/openapi.json"})


class _DigestHeader:
    """Adds the serving card's digest to responses that do not name the card that answered them."""

    def __init__(self, asgi, live: Live):
        self.asgi, self.live = asgi, live

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in _NAMED:
            return await self.asgi(scope, receive, send)
        digest = self.live.current.digest.encode()

        async def send_with_digest(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"ratecard-digest" for k, _ in headers):
                    headers.append((b"ratecard-digest", digest))
                message = {**message, "headers": headers}
            await send(message)

        await self.asgi(scope, receive, send_with_digest)


def _account_routes(live: Live, store, settings: Settings) -> list:
    from engine.service.accounts import routes

    return routes(live, store, settings)


def _http_refusal(exc: HTTPException) -> Refusal:
    messages = {404: "there is nothing at this path; see /openapi.json",
                405: "this path does not take that method; see /openapi.json"}
    return Refusal(exc.status_code, messages.get(exc.status_code, str(exc.detail)))


def _json(value: object, loaded: Loaded, status: int = 200) -> Response:
    return JSONResponse(value, status_code=status, headers={DIGEST: loaded.digest})


def _status(result) -> int:
    if result.ok:
        return 200
    return 400 if result.code == Code.INVALID_REQUEST else 422


class _Handlers:
    def __init__(self, live: Live, settings: Settings, accounts: bool = False):
        self.live, self.settings, self.accounts = live, settings, accounts
        self._memos: dict[tuple, object] = {}  # sheets, catalogs, OpenAPI documents, by card

    async def _guarded(self, _request: Request, answer) -> Response:
        """Run `answer(loaded)` under the time limit, answering a Refusal in the rejection shape."""
        loaded = self.live.current
        try:
            async with asyncio.timeout(self.settings.time_limit):  # half the cost of anyio.fail_after
                return await answer(loaded)
        except Refusal as refusal:
            return refusal_response(refusal, loaded.digest)
        except TimeoutError:
            return refusal_response(Refusal(503, f"the request took longer than {self.settings.time_limit:g} s "
                                                 "(the server's limit); send less at once"), loaded.digest)

    async def _thread(self, fn, *args):
        return await anyio.to_thread.run_sync(fn, *args, abandon_on_cancel=True)

    async def _memo(self, key: tuple, fn, *args):
        """fn(*args), computed in a thread once per key (keys start with the card's digest)."""
        value = self._memos.get(key)
        if value is None:
            value = await self._thread(fn, *args)
            if len(self._memos) > 64:
                self._memos.clear()
            self._memos[key] = value
        return value

    # ------------------------------------------------------------ pricing

    async def quote(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            result = loaded.card.quote(await body.read_object(request, self.settings), request.query_params.get("at"))
            if (type(result) is Quote and type(result.credits) is int  # the common answer, without json.dumps
                    and result.amount is None and -MAX_JSON_INT <= result.credits <= MAX_JSON_INT):
                text = (f'{{"ok":true,"credits":{result.credits},"rule":{json.dumps(result.rule, ensure_ascii=False)},'
                        f'"digest":"{result.digest}"}}')  # a digest is hex: nothing to escape
                return Response(text.encode(), headers={DIGEST: loaded.digest}, media_type="application/json")
            return _json(result.to_json(), loaded, _status(result))
        return await self._guarded(request, answer)

    async def explain(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            from engine.review.explain import explain

            card = _at(loaded.card, request)
            mapping = await body.read_object(request, self.settings)
            result = card.quote(mapping)
            text = await self._thread(explain, card, mapping, result)
            return _json({"result": result.to_json(), "explanation": text}, loaded)
        return await self._guarded(request, answer)

    async def batch(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            card = _at(loaded.card, request)  # one time for the whole batch
            data = body.decode(await body.read_bytes(request, self.settings))
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            deadline = time.monotonic() + self.settings.time_limit
            if kind in NDJSON:
                lines = data.splitlines(keepends=True)
                self._count(len(lines))
                text = await self._thread(_batch_lines, card, lines, deadline)
                return Response(text, media_type="application/x-ndjson", headers={DIGEST: loaded.digest})
            items = body.parse(data, self.settings)
            if not isinstance(items, list):
                raise Refusal(400, "a batch is a JSON array of requests (or JSON lines, sent as "
                                   "application/x-ndjson)")
            self._count(len(items))
            results = await self._thread(card.quote_many, items)
            return _json([r.to_json() for r in results], loaded)
        return await self._guarded(request, answer)

    def _count(self, n: int) -> None:
        if n > self.settings.max_batch:
            raise Refusal(413, f"the batch has {n} requests, more than {self.settings.max_batch} "
                               "(the server's limit); split it")

    async def sheet(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            tool, model = request.query_params.get("tool"), request.query_params.get("model")
            card = _at(loaded.card, request)
            text = await self._memo((loaded.digest, "sheet", tool, model, card.effective), _sheet, card, tool, model)
            return Response(text, media_type="application/json", headers={DIGEST: loaded.digest})
        return await self._guarded(request, answer)

    # ------------------------------------------------------------ the card

    async def catalog(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            from engine.service.catalog import catalog

            data = await self._memo((loaded.digest, "catalog"), catalog, loaded.card.card)
            return _json({"digest": loaded.digest, **data}, loaded)
        return await self._guarded(request, answer)

    async def card(self, request: Request) -> Response:
        loaded = self.live.current
        return _json({"digest": loaded.digest, "version": loaded.version, "loaded_at": loaded.loaded_at,
                      "diagnostics": loaded.diagnostics}, loaded)

    async def health(self, request: Request) -> Response:
        loaded, refused = self.live.current, self.live.refused
        reload = None if refused is None else {"at": refused.at, "diagnostics": list(refused.diagnostics)}
        return _json({"ok": True, "digest": loaded.digest, "version": loaded.version, "reload": reload}, loaded)

    async def openapi(self, request: Request) -> Response:
        async def answer(loaded: Loaded) -> Response:
            from importlib.metadata import version

            from engine.service.openapi import document

            data = await self._memo((loaded.digest, "openapi"), document, loaded.card.card, version("ratecard"),
                                    self.accounts)
            return _json(data, loaded)
        return await self._guarded(request, answer)


def _at(card: RateCard, request: Request) -> RateCard:
    """The card as it prices at the `at` query parameter (default now); a Refusal when that is not a time."""
    try:
        return card.at(request.query_params.get("at"))
    except ValueError as exc:
        raise Refusal(400, str(exc), "at") from None


def _batch_lines(card: RateCard, lines: list[str], deadline: float) -> str:
    """JSON lines priced exactly as `ratecard quote --batch` prices them, stopping at the deadline."""
    from engine import batch

    def timed():
        for n, line in enumerate(lines):
            if n % 256 == 0 and time.monotonic() > deadline:
                raise TimeoutError
            yield line

    out: list[str] = []
    batch.run(card.quote, timed(), out.append, batch.fast_loads(), digest=card.digest)
    return "".join(out)


def _sheet(card: RateCard, tool: str | None, model: str | None) -> str:
    """`ratecard table --format json`, after the same checks of tool and model."""
    from engine.review.table import Format, render
    from engine.sheet import models

    if tool is not None and tool not in card.card.tools:
        raise Refusal(404, f"there is no tool {tool!r}", "tool", Code.UNKNOWN_TOOL)
    if model is not None and not models(card, tool, model):
        where = f" of {tool}" if tool else ""
        raise Refusal(404, f"there is no model {model!r}{where}", "model", Code.UNKNOWN_MODEL)
    return render(card, Format.JSON, tool, model)
