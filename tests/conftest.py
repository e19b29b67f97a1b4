import os

import pytest

import engine


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
