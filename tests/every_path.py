"""Quote a list of requests on every path a card offers and say where they disagree.

The reference interpreter decides; the memo (fresh and warm), a quoter without a
memo (each model's compiled road, engine.roads), quote_many, the
direct road (where it answers), `ratecard quote --batch`'s writer (engine.batch),
an index read back from the compiled-card cache file, and, when the service
extra is installed, the HTTP API's /quote and /quote/batch must all answer as
it does. Used by the tests of the constructs that every path must know
(prices by plan, parameters left out, a model's own defaults).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import engine
from engine import batch, index_json
from engine.direct import make_direct
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference


def disagreements(card: engine.RateCard, requests: list, http: bool = True) -> list[str]:
    """Every (path, request) whose answer is not the reference's, in words; [] when all agree."""
    index = card.index
    expected = [reference(index, r) for r in requests]
    out: list[str] = []

    def compare(path: str, answers: list) -> None:
        for request, want, got in zip(requests, expected, answers):
            if got != want:
                out.append(f"{path}: {request!r} -> {got!r}, the reference says {want!r}")

    warm, warm_many = make_quoter(index)
    compare("memo", [warm(r) for r in requests])
    compare("memo, again", [warm(r) for r in requests])
    compare("quote_many", warm_many(requests))
    off, _ = make_quoter(index, limit=0)  # no memo: every request takes the first-seen road
    compare("memo off", [off(r) for r in requests])
    compare("RateCard.quote", [card.quote(r) for r in requests])
    compare("RateCard.quote_many", card.quote_many(requests))
    direct = make_direct(index)
    compare("direct", [direct(r) or reference(index, r) if type(r) is dict else reference(index, r)
                       for r in requests])
    cached = index_json.decode_lines(list(index_json.encode_lines(index)))
    compare("the cached index", [reference(cached, r) for r in requests])
    lines = [json.dumps(r) + "\n" for r in requests]
    written = io.StringIO()
    batch.run(card.quote, lines, written.write, batch.stdlib_loads)
    compare("--batch", [_result(json.loads(line)) for line in written.getvalue().splitlines()])
    if http:
        compare_http = _http(card, requests)
        if compare_http is not None:
            for path, answers in compare_http.items():
                compare(path, answers)
    return out


def _result(data: dict):
    if data["ok"] and "amount" in data:  # a card that prices in an amount: credits count its smallest part
        amount = Decimal(data["amount"])
        return engine.Quote(int(amount.scaleb(-amount.as_tuple().exponent)), data["rule"], amount=amount,
                            unit=data["unit"])
    if data["ok"]:
        return engine.Quote(int(data["credits"]), data["rule"])  # a string past 2**53 - 1
    return engine.Rejection(engine.Code(data["code"]), data["message"], data["param"])


def _http(card: engine.RateCard, requests: list) -> dict | None:
    try:
        from starlette.testclient import TestClient

        from engine.service import app
    except ImportError:  # the service extra is not installed
        return None
    with TestClient(app(card)) as client:
        one = [_result(client.post("/quote", json=r).json()) for r in requests]
        many = [_result(d) for d in client.post("/quote/batch", json=requests).json()]
    return {"HTTP /quote": one, "HTTP /quote/batch": many}
