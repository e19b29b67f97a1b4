"""SHA-256 for the quote path: the digests hashlib gives, without importing hashlib for small inputs.

`import hashlib` loads OpenSSL's libcrypto and BLAKE2 (about 2 ms on the
development machine, a fifth of what starting Python costs), for a quote from
the compiled-card cache that hashes a few hundred kilobytes (the engine's
modules and the card, for the cache's key; the card again, for its digest).
CPython's own SHA-256 module (`_sha2`; `_sha256` before Python 3.12) gives the
same digests and imports in a tenth of a millisecond, but hashes about five
times slower than OpenSSL: inputs of more than LARGE bytes (a card of tens of
thousands of rules) get hashlib's, whose import is then noise. A Python
without CPython's module gets hashlib's always.
"""

from __future__ import annotations

import sys

LARGE = 1 << 20  # bytes

try:  # (the module of this Python's version first: a failed import searches every folder of sys.path)
    if sys.version_info >= (3, 12):
        from _sha2 import sha256 as _builtin  # type: ignore[import-not-found]
    else:
        from _sha256 import sha256 as _builtin  # type: ignore[import-not-found, no-redef]
except ImportError:
    _builtin = None


def sha256(data: bytes = b"", expected: int = 0):  # noqa: ANN201 - hashlib's own _Hash type is private
    """A SHA-256 hash object holding `data`, for about `expected` bytes of input in all."""
    if _builtin is None or max(expected, len(data)) > LARGE:
        import hashlib

        return hashlib.sha256(data)
    return _builtin(data)
