import pytest

import engine


@pytest.fixture(scope="session")
def card() -> engine.RateCard:
    return engine.load()
