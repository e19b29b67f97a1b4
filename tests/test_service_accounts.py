"""The account routes: engine.accounts over HTTP, each change keyed by Idempotency-Key; a refused request
writes nothing. On SQLite (the accounts suite covers PostgreSQL under the same Book)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from engine.service import Settings, app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

T0 = "2026-01-31T12:00:00+00:00"
LATER = "2026-02-01T09:00:00+00:00"
CHEAP = {"tool": "voiceover", "chars": 1234}                                       # 124 credits
SORA = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}   # 11,400 credits


@pytest.fixture
def store(tmp_path):
    from engine.accounts.store import connect

    made = connect(f"sqlite:///{tmp_path / 'credits.db'}")
    yield made
    made.close()


@pytest.fixture
def client(card, store):
    with TestClient(app(card, store, settings=Settings(max_body=4096))) as c:
        assert c.post("/accounts/acme/subscribe", json={"plan": "AI Suite", "credits": 40000, "start": T0}
                      ).status_code == 200
        yield c


def _post(client, path, key, body=None):
    return client.post(path, json=body, headers={"Idempotency-Key": key} if key else {})


def _everything(store):
    return store.everything()


def test_hold_capture_release_charge_change_plan_balance_history(client, card):
    hold = _post(client, "/accounts/acme/hold", "gen-41", {"request": CHEAP, "at": LATER})
    assert hold.status_code == 200
    held = hold.json()
    assert held["type"] == "Hold" and held["credits"] == card.quote(CHEAP).credits == 124
    assert held["digest"] == card.digest == hold.headers["Ratecard-Digest"]
    captured = _post(client, f"/holds/{quote(held['id'], safe='')}/capture", "gen-41-done", {"at": LATER})
    assert captured.status_code == 200 and captured.json()["credits"] == 124
    other = _post(client, "/accounts/acme/hold", "gen-42", {"request": SORA, "at": LATER}).json()
    released = _post(client, f"/holds/{quote(other['id'], safe='')}/release", "gen-42-failed", {"at": LATER})
    assert released.status_code == 200 and released.json()["credits"] == 11400
    charged = _post(client, "/accounts/acme/charge", "gen-43", {"request": SORA, "at": LATER})
    assert charged.status_code == 200 and charged.json()["credits"] == 11400
    upgraded = _post(client, "/accounts/acme/plan", "up-1", {"plan": "AI Suite", "credits": 240000, "at": LATER})
    assert upgraded.status_code == 200 and upgraded.json()["added"] == 200000
    balance = client.get("/accounts/acme/balance", params={"at": LATER}).json()
    assert (balance["granted"], balance["spent"], balance["held"]) == (240000, 124 + 11400, 0)
    assert balance["available"] == 240000 - 124 - 11400
    kinds = [e["kind"] for e in client.get("/accounts/acme/history").json()]
    assert kinds[0] == "subscribe" and {"hold", "capture", "release", "charge", "plan-change"} <= set(kinds)


def test_a_retried_key_returns_the_first_result_and_writes_nothing(client, store):
    first = _post(client, "/accounts/acme/charge", "gen-1", {"request": SORA, "at": LATER})
    before = _everything(store)
    again = _post(client, "/accounts/acme/charge", "gen-1", {"request": SORA, "at": LATER})
    assert again.status_code == 200 and again.json() == first.json()
    assert _everything(store) == before
    conflict = _post(client, "/accounts/acme/charge", "gen-1", {"request": CHEAP, "at": LATER})
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
    assert _everything(store) == before


@pytest.mark.parametrize("send", [
    lambda c: c.post("/accounts/acme/charge", json={"request": SORA}),                       # no key
    lambda c: _post(c, "/accounts/acme/charge", "k", {"request": "text-to-video"}),          # wrong type
    lambda c: _post(c, "/accounts/acme/charge", "k", {}),                                    # missing
    lambda c: c.post("/accounts/acme/charge", content=b'{"request": ', headers={"Idempotency-Key": "k"}),
    lambda c: c.post("/accounts/acme/charge", content=b"[" * 100, headers={"Idempotency-Key": "k"}),
    lambda c: c.post("/accounts/acme/charge", content=b" " * 5000, headers={"Idempotency-Key": "k"}),
    lambda c: _post(c, "/accounts/acme/hold", "k", {"request": SORA, "ttl_seconds": -5}),
    lambda c: _post(c, "/accounts/acme/charge", "k", {"request": SORA, "at": "yesterday"}),
    lambda c: _post(c, "/accounts/acme/charge", "k", {"request": SORA, "at": "2026-02-01T09:00:00"}),  # naive
    lambda c: _post(c, "/accounts/acme/plan", "k", {"plan": "AI Suite", "credits": "lots"}),
    # found by schemathesis: times that fall off the calendar were a 500 (OverflowError)
    lambda c: _post(c, "/accounts/acme/hold", "k", {"request": SORA, "ttl_seconds": 86_400_000_000_000}),
    lambda c: _post(c, "/accounts/acme/hold", "k", {"request": SORA, "at": "9999-12-31T23:00:00+00:00"}),
], ids=["no-key", "wrong-type", "missing", "not-json", "too-deep", "too-large", "bad-ttl", "bad-time",
        "naive-time", "bad-credits", "huge-ttl", "end-of-time"])
def test_a_refused_request_is_4xx_in_the_rejection_shape_and_writes_nothing(client, store, send):
    before = _everything(store)
    response = send(client)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"ok", "code", "param", "message", "digest"} and response.json()["ok"] is False
    assert _everything(store) == before


def test_what_the_customer_cannot_do_comes_back_as_a_rejection(client, store):
    before = _everything(store)
    for n in range(3):
        response = _post(client, "/accounts/acme/charge", f"big-{n}", {"request": SORA, "at": LATER})
    assert response.status_code == 200  # 3 x 11,400 fit in 40,000
    refused = _post(client, "/accounts/acme/charge", "big-3", {"request": SORA, "at": LATER})
    assert refused.status_code == 422 and refused.json()["code"] == "insufficient-credits"
    unpriced = _post(client, "/accounts/acme/charge", "bad", {"request": {"tool": "nope"}, "at": LATER})
    assert unpriced.status_code == 422 and unpriced.json()["code"] == "unknown-tool"
    nobody = _post(client, "/accounts/nobody/charge", "x", {"request": SORA})
    assert nobody.status_code == 404 and nobody.json()["code"] == "unknown-account"
    assert len(_everything(store)[2]) == len(before[2]) + 3


def test_misuse_of_a_hold_is_404_or_409(client):
    assert _post(client, "/holds/no-such-hold/capture", "c").status_code == 404
    held = _post(client, "/accounts/acme/hold", "h", {"request": CHEAP, "at": LATER}).json()
    path = f"/holds/{quote(held['id'], safe='')}"
    assert _post(client, path + "/release", "r", {"at": LATER}).status_code == 200
    again = _post(client, path + "/capture", "c2", {"at": LATER})
    assert again.status_code == 409 and again.json()["code"] == "hold-released"


def test_without_a_store_there_are_no_account_routes(card):
    with TestClient(app(card)) as c:
        assert c.get("/accounts/acme/balance").status_code == 404
        assert "/accounts/{account}/charge" not in c.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("label", ["POST /accounts/{account}/charge", "POST /accounts/{account}/hold",
                                   "POST /holds/{hold}/capture", "GET /accounts/{account}/balance",
                                   "POST /accounts/{account}/plan"])
def test_schemathesis_finds_no_server_error_in_the_account_routes(card, store, label):
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

    schema = schemathesis.openapi.from_asgi("/openapi.json", app(card, store))
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance,
                                           status_code_conformance])

        fuzz()
