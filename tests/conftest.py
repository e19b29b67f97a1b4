import os
import shutil

import pytest

import engine
from engine.sources import bundled_path


@pytest.fixture(autouse=True, scope="session")
def _private_card_cache(tmp_path_factory):
    """Compiled cards cached by the tests go to a folder of their own, not the user's cache."""
    old = os.environ.get("RATECARD_CACHE_DIR")
    os.environ["RATECARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("ratecard-cache"))
    yield
    if old is None:
        os.environ.pop("RATECARD_CACHE_DIR", None)
    else:
        os.environ["RATECARD_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def card(_private_card_cache) -> engine.RateCard:
    return engine.load()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache folder of the test's own, with the cache switched on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(folder))
    monkeypatch.delenv("RATECARD_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def rules(tmp_path):
    """A copy of the bundled card's folder that a test may edit."""
    folder = tmp_path / "rules"
    shutil.copytree(bundled_path(), folder)
    return folder
