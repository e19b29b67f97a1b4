"""The targets by name."""

from __future__ import annotations

from tests.fuzz import cachefiles, quoting, rules, trees
from tests.fuzz.core import Target

TARGETS = {
    "rules": Target("rules", rules.generate, rules.check, "mutated rules text through load, check, fmt, table, "
                    "diff and quote"),
    "requests": Target("requests", quoting.generate, quoting.check, "requests of every type through every "
                       "quote path, against the reference interpreter"),
    "cache": Target("cache", cachefiles.generate, cachefiles.check, "corrupted and crafted compiled-card cache "
                    "files, and edited cards"),
    "files": Target("files", trees.generate, trees.check, "folders of odd files: hidden folders, symlinks, "
                    "FIFOs, unreadable entries, empty files, byte-order marks"),
}
