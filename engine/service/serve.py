"""`ratecard serve`: the app under uvicorn, with one or several worker processes."""

from __future__ import annotations

import json
import os
import socket
import sys

from engine.ratecard import RateCardError, load

_ENV = "RATECARD_SERVE"  # how the options reach worker processes, which build their own app


def add_parser(commands) -> None:
    s = commands.add_parser("serve", help="serve quotes, the price sheet and a calculator page over HTTP",
                            description="ratecard serve [--rules PATH] [--host 127.0.0.1] [--port 8080]")
    s.add_argument("--rules", metavar="PATH",
                   help="a .rules file or a folder of them, watched for changes (default: the bundled rate card)")
    s.add_argument("--db", metavar="URL", help="a credit-accounts store (sqlite:///file.db or postgresql://...): "
                   "serve the account operations too")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    # Defaults are engine.service.Settings' (not imported here: every `ratecard` command builds this parser).
    s.add_argument("--max-body", type=int, metavar="BYTES", help="the largest request body (default 1 MiB)")
    s.add_argument("--time-limit", type=float, metavar="SECONDS", help="the longest a request may take (default 10)")
    s.add_argument("--reload-interval", type=float, metavar="SECONDS",
                   help="how often to look at the rules for changes (default 2); 0 turns watching off")


def run(args) -> int:
    try:
        import uvicorn
    except ImportError:
        print("ratecard: serving needs the service extra (Starlette and uvicorn); in a checkout of ratecard: "
              "pip install '.[service]'", file=sys.stderr)
        return 2
    if args.db is not None:
        from engine.accounts import AccountError
        from engine.accounts.store import connect

        try:
            connect(args.db).close()  # refuse to start on a store that cannot be opened
        except AccountError as exc:
            print(f"ratecard: cannot open the accounts store: {exc.message}", file=sys.stderr)
            return 2
    from engine.service.settings import Settings

    given = {"max_body": args.max_body, "time_limit": args.time_limit, "reload_interval": args.reload_interval}
    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
    except ValueError as exc:
        print(f"ratecard: {exc}", file=sys.stderr)
        return 2
    try:
        load(args.rules)  # refuse to start on a card with errors, and warm the cache for the workers
    except RateCardError as exc:
        print(f"ratecard: cannot load the rate card\n\n{exc}", file=sys.stderr)
        return 2
    os.environ[_ENV] = json.dumps({"rules": args.rules, "db": args.db, "max_body": settings.max_body,
                                   "time_limit": settings.time_limit,
                                   "reload_interval": settings.reload_interval})
    print(f"ratecard: serving on http://{args.host}:{args.port}/ (calculator at /ui/, API at /openapi.json)",
          file=sys.stderr)
    run_uvicorn("engine.service.serve:from_environment", args.host, args.port, max(1, args.workers))
    return 0


def run_uvicorn(target: str, host: str, port: int, workers: int, app_dir: str = "") -> None:
    """uvicorn.run's own steps, with Nagle's algorithm off on the listening socket.

    Worker processes get the socket by pickling, and asyncio then leaves Nagle on
    for the connections they accept: each response waited ~40 ms for the client's
    delayed ACK. TCP_NODELAY on the listener is inherited by every accepted socket.
    """
    import uvicorn

    if app_dir:  # as uvicorn.run does; spawned workers start with this sys.path
        sys.path.insert(0, app_dir)
    config = uvicorn.Config(target, factory=True, host=host, port=port, workers=workers,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        if workers > 1:
            import inspect

            from uvicorn.supervisors import Multiprocess

            older = "target" in inspect.signature(Multiprocess).parameters  # uvicorn before 0.30 asks for it
            Multiprocess(config, sockets=[sock], **({"target": server.run} if older else {})).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass


def from_environment():
    """The app `ratecard serve` described in the environment (each worker process calls this)."""
    from engine.service.settings import Settings
    from engine.service.web import app

    options = json.loads(os.environ.get(_ENV, "{}"))
    rules, db = options.pop("rules", None), options.pop("db", None)
    store = None
    if db is not None:
        from engine.accounts.store import connect

        store = connect(db)
    return app(store=store, rules=rules, settings=Settings(**options))
