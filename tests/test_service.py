"""engine.service: the HTTP API answers what the `ratecard` command answers, and refuses bad input in the
rejection shape (never a 500)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")

from starlette.testclient import TestClient  # noqa: E402

from engine.review.explain import explain  # noqa: E402
from engine.review.table import Format, render  # noqa: E402
from engine.service import Settings, app  # noqa: E402
from tests.seed_requests import seed_requests  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client(card):
    with TestClient(app(card)) as c:
        yield c


def _sample(card, every=37):
    return seed_requests(card.index)[::every]


def test_quote_answers_what_the_api_answers_with_the_digest_of_the_card(client, card):
    digest = card.digest
    for request in _sample(card):
        response = client.post("/quote", json=request)
        expected = card.quote(request)
        assert response.json() == expected.to_json(), request
        assert response.status_code == (200 if expected.ok else 422)
        assert response.headers["Ratecard-Digest"] == digest


def test_the_digest_is_a_sha256_of_the_card_and_changes_with_it(client, card):
    import engine

    info = client.get("/card").json()
    assert len(info["digest"]) == 64 and int(info["digest"], 16) >= 0
    assert info["version"] == 1 and info["diagnostics"] == []
    other = engine.loads('tool voice-clone\nvoice-clone -> 500\n')
    assert other.digest != info["digest"]
    with TestClient(app(other)) as c:
        assert c.get("/card").json()["digest"] == other.digest


def test_a_request_that_is_not_an_object_is_invalid_request_400(client):
    for body in ("[]", "5", '"voiceover"', "null", "true"):
        response = client.post("/quote", content=body)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid-request" and response.json()["param"] is None


def test_batch_of_json_lines_is_byte_for_byte_the_commands_output(client, card):
    lines = [json.dumps(r) for r in _sample(card, 11)] + ["{", "[1, 2]", '"x"', "", '{"tool": "voiceover"}']
    text = "\n".join(lines) + "\n"
    cli = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], input=text,
                         capture_output=True, text=True, check=True)
    response = client.post("/quote/batch", content=text.encode(), headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200
    assert response.text == cli.stdout
    assert response.headers["content-type"].startswith("application/x-ndjson")


def test_batch_as_a_json_array_answers_an_array_in_order(client, card):
    requests = _sample(card, 13) + [5, [], None, {"tool": "nope"}]
    response = client.post("/quote/batch", json=requests)
    assert response.status_code == 200
    assert response.json() == [card.quote(r).to_json() for r in requests]


def test_explain_is_the_commands_explanation(client, card):
    for request in _sample(card, 97) + [{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6}]:
        result = card.quote(request)
        response = client.post("/explain", json=request)
        assert response.status_code == 200
        assert response.json() == {"result": result.to_json(), "explanation": explain(card, request, result)}


def test_sheet_is_the_tables_json_filtered_by_tool_and_model(client, card):
    assert client.get("/sheet").json() == json.loads(render(card, Format.JSON))
    response = client.get("/sheet", params={"tool": "text-to-video", "model": "Veo 3"})
    assert response.json() == json.loads(render(card, Format.JSON, "text-to-video", "Veo 3"))
    assert {(r["tool"], r["model"]) for r in response.json()} == {("text-to-video", "Veo 3")}
    alias = client.get("/sheet", params={"tool": "text-to-image", "model": "GPT Image High"}).json()
    assert {r["model"] for r in alias} == {"GPT Image 1.5 High"}


@pytest.mark.parametrize(("params", "code", "param"), [
    ({"tool": "text-to-vidoe"}, "unknown-tool", "tool"),
    ({"tool": "voiceover", "model": "Veo 3"}, "unknown-model", "model"),
    ({"model": "no such model"}, "unknown-model", "model"),
])
def test_sheet_of_an_unknown_tool_or_model_is_404_in_the_rejection_shape(client, params, code, param):
    response = client.get("/sheet", params=params)
    assert response.status_code == 404
    assert response.json()["code"] == code and response.json()["param"] == param


def test_health_reports_the_serving_card(client, card):
    body = client.get("/health").json()
    assert body == {"ok": True, "digest": card.digest, "version": 1, "reload": None}


# ------------------------------------------------------------------ bad input


def _refused(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "code", "param", "message", "digest"}
    assert body["ok"] is False and body["code"] == "invalid-request" and body["message"]
    assert "Ratecard-Digest" in response.headers
    return body["message"]


@pytest.mark.parametrize("path", ["/quote", "/explain", "/quote/batch"])
def test_a_body_that_is_not_json_is_400(client, path):
    assert "not JSON" in _refused(client.post(path, content=b'{"tool": '), 400)
    assert "not UTF-8" in _refused(client.post(path, content=b'{"tool": "\xff"}'), 400)
    assert "not JSON" in _refused(client.post(path, content=b""), 400)


@pytest.mark.parametrize("path", ["/quote", "/explain", "/quote/batch"])
def test_a_body_nested_too_deeply_is_400(client, path):
    for body in ("[" * 40 + "]" * 40, '{"a":' * 40 + "1" + "}" * 40, "[" * 100_000):
        assert "nested deeper than 32" in _refused(client.post(path, content=body), 400)


def test_a_body_larger_than_the_limit_is_413_whether_or_not_it_says_so_up_front(card):
    small = Settings(max_body=100)
    with TestClient(app(card, settings=small)) as c:
        big = json.dumps({"tool": "voiceover", "text": "x" * 200})
        assert "larger than 100 bytes" in _refused(c.post("/quote", content=big), 413)

        def chunks():  # no Content-Length: the limit is enforced while reading
            for _ in range(10):
                yield b" " * 20

        assert "larger than 100 bytes" in _refused(c.post("/quote", content=chunks()), 413)
        assert c.post("/quote", json={"tool": "voiceover", "chars": 11}).json()["credits"] == 2


def test_a_batch_of_the_wrong_type_or_too_long_is_refused(card):
    with TestClient(app(card, settings=Settings(max_batch=3))) as c:
        assert "JSON array" in _refused(c.post("/quote/batch", json={"tool": "voiceover"}), 400)
        assert "more than 3" in _refused(c.post("/quote/batch", json=[{}] * 4), 413)
        lines = "\n".join(['{"tool": "voiceover", "chars": 1}'] * 4)
        assert "more than 3" in _refused(c.post("/quote/batch", content=lines,
                                                headers={"Content-Type": "application/x-ndjson"}), 413)
        assert len(c.post("/quote/batch", json=[{}] * 3).json()) == 3


def test_a_request_over_the_time_limit_is_503_in_the_rejection_shape(card):
    with TestClient(app(card, settings=Settings(time_limit=1e-9))) as c:
        assert "longer than" in _refused(c.get("/sheet"), 503)
        assert "longer than" in _refused(c.post("/quote/batch", json=[{"tool": "voiceover", "chars": 1}]), 503)


def test_unknown_paths_and_methods_answer_in_the_rejection_shape(client):
    _refused(client.get("/no/such/path"), 404)
    _refused(client.get("/quote"), 405)


@pytest.mark.parametrize("bad", [{"max_body": 0}, {"max_depth": 0}, {"time_limit": 0}, {"reload_interval": -1}])
def test_settings_refuse_limits_that_would_refuse_everything(bad):
    with pytest.raises(ValueError):
        Settings(**bad)


def test_an_engine_failure_is_a_500_in_the_rejection_shape_not_a_traceback():
    import engine

    broken = engine.loads("tool voice-clone\nvoice-clone -> 500\n")

    def fail(request):
        raise RuntimeError("boom")

    broken.quote = fail
    with TestClient(app(broken), raise_server_exceptions=False) as c:
        response = c.post("/quote", json={"tool": "voice-clone"})
    assert response.status_code == 500
    assert response.json()["code"] == "invalid-request" and "boom" not in response.text
    assert response.headers["Ratecard-Digest"] == broken.digest


@pytest.mark.parametrize("workers", [1, 2])
def test_the_listening_socket_has_nagle_off_so_worker_processes_answer_without_delayed_ack(monkeypatch, workers):
    """Workers got the socket by pickling and asyncio left Nagle on for them: ~40 ms per response."""
    import socket

    import uvicorn
    import uvicorn.supervisors

    from engine.service.serve import run_uvicorn

    given = []

    class Capture:
        def __init__(self, config, sockets, **_):
            given.extend(sockets)

        def run(self):
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Capture)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: given.extend(sockets))
    run_uvicorn("engine.service.serve:from_environment", "127.0.0.1", 0, workers)
    assert len(given) == 1
    with given[0] as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
