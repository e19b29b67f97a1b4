"""The server's limits and timings: one frozen object, every field with a safe default."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Settings:
    max_body: int = 1 << 20          # bytes in a request body; more is refused with 413
    max_depth: int = 32              # nesting of arrays and objects in a JSON body
    max_batch: int = 10_000          # requests in one batch
    time_limit: float = 10.0         # seconds a request may take, reading its body included
    reload_interval: float = 2.0     # seconds between looks at the rules; 0 turns watching off

    def __attrs_post_init__(self):
        for name in ("max_body", "max_depth", "max_batch"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not self.time_limit > 0:
            raise ValueError("time_limit must be more than 0")
        if self.reload_interval < 0:
            raise ValueError("reload_interval must be 0 (off) or more")
