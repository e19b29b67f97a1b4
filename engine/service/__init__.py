"""ratecard over HTTP: a Starlette app quoting with a rate card it reloads safely, and a calculator page."""

__all__ = ["Settings", "app"]


def __getattr__(name: str):
    # `ratecard quote` builds the whole command line, `serve` included: Starlette loads only when asked for.
    if name == "app":
        from engine.service.web import app

        return app
    if name == "Settings":
        from engine.service.settings import Settings

        return Settings
    raise AttributeError(f"module 'engine.service' has no attribute {name!r}")
