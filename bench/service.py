"""HTTP throughput and latency of `ratecard serve`, against the same server stack answering a fixed response.

    python bench/service.py [--requests 20000] [--connections 16] [--workers 1,2,4]

Everything runs on loopback (127.0.0.1) and stops by itself after a bounded
number of requests. Two servers are started as child processes, each with the
same uvicorn settings and worker count:

- floor: the same server, engine.service.app over the bundled card, with the
  card's quote function replaced by one returning a fixed
  `{"ok": true, "credits": 11400, "rule": "video.rules:89"}`: every layer
  (routing, body limits, time limit, digest header) but the pricing;
- ratecard: `python -m engine.cli serve --reload-interval 0`, POST /quote;
- bare, for reference: a two-route Starlette app that reads the body with the
  same checks (engine.service.body.read_object) and answers the fixed bytes:
  what the service's own layers cost on top of Starlette and uvicorn.

Both are sent the same bodies by the same client: a small asyncio HTTP/1.1
client with keep-alive connections (so the client costs little next to the
server), `--connections` of them at once. Two workloads:

- repeated: the seed's priced combinations and rejections (bench/workload.py's
  mixed list), cycled, so every body has been seen before;
- first-seen: voiceover with chars 1, 2, 3, ... : no body repeats.

- charge: `POST /accounts/bench/charge` of a 1-credit voiceover, each with its
  own Idempotency-Key, on an account subscribed at 240,000 credits. ratecard
  serves it with `--db sqlite:///...` (a fresh file per start): a durable write
  per request. The floor answers the same route with a fixed Charge after the
  same body and key checks, writing nothing (bare does not serve it).

For each worker count it reports requests/s, p50 and p99 latency (ms) of each
server (medians over `--rounds` turns, the servers taking turns), and each
one's requests/s as a ratio of the floor's, measured in the same run. The client shares the machine with the servers: with few cores the
ratios are the thing to read, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FIXED = b'{"ok":true,"credits":11400,"rule":"video.rules:89"}'
FIXED_CHARGE = (b'{"ok":true,"type":"Charge","id":"bench#2","account":"bench","credits":1,"rule":"voiceover.rules:14",'
                b'"digest":"0000000000000000000000000000000000000000000000000000000000000000",'
                b'"at":"2026-01-01T00:00:00+00:00","released":0}')


def floor():
    """The floor (an ASGI factory for uvicorn): engine.service.app whose card answers one fixed Quote."""
    import engine
    from engine.results import Quote
    from engine.service import Settings, app

    from starlette.responses import Response
    from starlette.routing import Route

    from engine.service.body import Refusal, read_object, refusal_response

    card = engine.load()
    fixed = Quote(11400, "video.rules:89")
    card.quote = lambda request: fixed  # RateCard.quote is a plain attribute: the one thing changed
    settings = Settings(reload_interval=0)
    service = app(card, settings=settings)

    async def charge(request):  # the account route's checks, then a fixed Charge: no store
        try:
            if not request.headers.get("Idempotency-Key"):
                raise Refusal(400, "no key")
            await read_object(request, settings)
        except Refusal as refusal:
            return refusal_response(refusal)
        return Response(FIXED_CHARGE, media_type="application/json")

    service.router.routes.insert(0, Route("/accounts/{account}/charge", charge, methods=["POST"]))
    return service


def bare():
    """The bare reference (an ASGI factory): engine.service's body reading, a fixed answer, nothing else."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from engine.service.body import Refusal, read_object, refusal_response
    from engine.service.settings import Settings

    settings = Settings()

    async def quote(request):
        try:
            await read_object(request, settings)
        except Refusal as refusal:
            return refusal_response(refusal)
        return Response(FIXED, media_type="application/json")

    async def health(_request):
        return Response(b'{"ok":true}', media_type="application/json")

    return Starlette(routes=[Route("/quote", quote, methods=["POST"]), Route("/health", health)])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, workers: int, scratch: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    if kind == "ratecard":
        db = scratch / f"credits-{port}.db"
        command = [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", str(workers),
                   "--reload-interval", "0", "--db", f"sqlite:///{db}"]
    else:
        # served as `ratecard serve` serves (engine.service.serve.run_uvicorn), so only the app differs
        command = [sys.executable, "-c", "import sys; from engine.service.serve import run_uvicorn; "
                   "run_uvicorn(sys.argv[1], '127.0.0.1', int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])",
                   f"service:{kind}", str(port), str(workers), str(ROOT / "bench")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    time.sleep(0.5 if workers > 1 else 0)  # let every worker come up
                    return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the {kind} server did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _request(body: bytes, path: bytes = b"/quote", key: bytes | None = None) -> bytes:
    extra = b"" if key is None else b"Idempotency-Key: " + key + b"\r\n"
    return (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extra
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _connection(port: int, requests: list[bytes], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    clock = time.perf_counter
    for request in requests:
        began = clock()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        latencies.append(clock() - began)
    writer.close()
    await writer.wait_closed()


async def _drive(port: int, requests: list[bytes], connections: int) -> tuple[float, list[float]]:
    shares = [requests[i::connections] for i in range(connections)]
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(*(_connection(port, share, latencies) for share in shares))
    return len(requests) / (time.perf_counter() - began), latencies


def measure(port: int, requests: list[bytes], warm: list[bytes], connections: int) -> dict:
    asyncio.run(_drive(port, warm, connections))
    rate, latencies = asyncio.run(_drive(port, requests, connections))
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": rate, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def workloads(n: int) -> dict[str, tuple[list[bytes], list[bytes]]]:
    """Each workload's requests, and the requests that warm the server up before it is timed."""
    import engine
    from workload import mixed

    requests, _ = mixed(engine.load())
    repeated = [json.dumps(r).encode() for r in requests if isinstance(r, dict)]
    repeated = [_request(b) for b in (repeated * (n // len(repeated) + 1))[:n]]
    warm = repeated[: max(200, n // 10)]
    first_seen = [_request(json.dumps({"tool": "voiceover", "chars": i}).encode()) for i in range(1, n + 1)]
    one = json.dumps({"request": {"tool": "voiceover", "chars": 1}}).encode()
    charges = [_request(one, b"/accounts/bench/charge", f"c-{i}".encode()) for i in range(n)]
    warm_charges = [_request(one, b"/accounts/bench/charge", f"w-{i}".encode()) for i in range(200)]
    return {"repeated": (repeated, warm), "first-seen": (first_seen, warm), "charge": (charges, warm_charges)}


def subscribe(port: int) -> None:
    """The bench account, on the largest AI Suite tier, so the measured charges all fit."""
    body = json.dumps({"plan": "AI Suite", "credits": 240000}).encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(_request(body, b"/accounts/bench/subscribe").replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\n"
                                                                       b"Connection: close\r\n", 1))
        reply = s.recv(4096)
    if not reply.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"could not subscribe the bench account: {reply[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to try, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="turns each server takes; medians are reported")
    args = parser.parse_args()
    loads = workloads(args.requests)
    print(f"{args.requests} requests per measurement, {args.rounds} rounds, {args.connections} keep-alive connections, "
          f"{os.cpu_count()} CPUs, loopback\n")
    print(f"{'workers':>7}  {'workload':<10}  {'server':<8}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  ratio")
    scratch = Path(tempfile.mkdtemp(prefix="ratecard-bench-"))
    for workers in (int(w) for w in args.workers.split(",")):
        servers = {kind: start(kind, workers, scratch) for kind in ("bare", "floor", "ratecard")}
        subscribe(servers["ratecard"][1])
        try:
            for name, (requests, warm) in loads.items():
                kinds = [k for k in servers if not (name == "charge" and k == "bare")]
                rounds: dict[str, list[dict]] = {k: [] for k in kinds}
                for _ in range(args.rounds):  # the servers take turns, so a busy moment hits each alike
                    for kind in kinds:
                        rounds[kind].append(measure(servers[kind][1], requests, warm, args.connections))
                results = {k: {f: statistics.median(r[f] for r in rs) for f in ("rps", "p50", "p99")}
                           for k, rs in rounds.items()}
                for kind, r in results.items():
                    ratio = r["rps"] / results["floor"]["rps"]
                    print(f"{workers:>7}  {name:<10}  {kind:<8}  {r['rps']:>8.0f}  {r['p50']:>7.2f}  {r['p99']:>7.2f}"
                          f"  {ratio:.2f}x")
        finally:
            for process, _ in servers.values():
                stop(process)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
