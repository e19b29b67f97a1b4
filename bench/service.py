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

For each worker count it reports requests/s, p50 and p99 latency (ms) of each
server, and ratecard's requests/s as a ratio of the floor's, measured in the
same run. The client shares the machine with the servers: with few cores the
ratios are the thing to read, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FIXED = b'{"ok":true,"credits":11400,"rule":"video.rules:89"}'


def floor():
    """The floor (an ASGI factory for uvicorn): engine.service.app whose card answers one fixed Quote."""
    import engine
    from engine.results import Quote
    from engine.service import Settings, app

    card = engine.load()
    fixed = Quote(11400, "video.rules:89")
    card.quote = lambda request: fixed  # RateCard.quote is a plain attribute: the one thing changed
    return app(card, settings=Settings(reload_interval=0))


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


def start(kind: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    if kind == "ratecard":
        command = [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", str(workers),
                   "--reload-interval", "0"]
    else:
        command = [sys.executable, "-m", "uvicorn", f"service:{kind}", "--factory", "--app-dir", str(ROOT / "bench"),
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                   "--log-level", "warning", "--no-access-log"]
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


def _request(body: bytes) -> bytes:
    return (b"POST /quote HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


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


async def _drive(port: int, bodies: list[bytes], connections: int) -> tuple[float, list[float]]:
    requests = [_request(b) for b in bodies]
    shares = [requests[i::connections] for i in range(connections)]
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(*(_connection(port, share, latencies) for share in shares))
    return len(requests) / (time.perf_counter() - began), latencies


def measure(port: int, bodies: list[bytes], connections: int) -> dict:
    asyncio.run(_drive(port, bodies[: max(200, len(bodies) // 10)], connections))  # warm up
    rate, latencies = asyncio.run(_drive(port, bodies, connections))
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": rate, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def workloads(n: int) -> dict[str, list[bytes]]:
    import engine
    from workload import mixed

    requests, _ = mixed(engine.load())
    repeated = [json.dumps(r).encode() for r in requests if isinstance(r, dict)]
    repeated = (repeated * (n // len(repeated) + 1))[:n]
    first_seen = [json.dumps({"tool": "voiceover", "chars": i}).encode() for i in range(1, n + 1)]
    return {"repeated": repeated, "first-seen": first_seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to try, comma-separated")
    args = parser.parse_args()
    loads = workloads(args.requests)
    print(f"{args.requests} requests per measurement, {args.connections} keep-alive connections, "
          f"{os.cpu_count()} CPUs, loopback\n")
    print(f"{'workers':>7}  {'workload':<10}  {'server':<8}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  ratio")
    for workers in (int(w) for w in args.workers.split(",")):
        servers = {kind: start(kind, workers) for kind in ("bare", "floor", "ratecard")}
        try:
            for name, bodies in loads.items():
                results = {kind: measure(port, bodies, args.connections) for kind, (_, port) in servers.items()}
                for kind, r in results.items():
                    ratio = r["rps"] / results["floor"]["rps"]
                    print(f"{workers:>7}  {name:<10}  {kind:<8}  {r['rps']:>8.0f}  {r['p50']:>7.2f}  {r['p99']:>7.2f}"
                          f"  {ratio:.2f}x")
        finally:
            for process, _ in servers.values():
                stop(process)


if __name__ == "__main__":
    main()
