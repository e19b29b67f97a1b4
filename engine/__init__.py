"""ratecard: prices for AI generations, written as .rules files and quoted in microseconds.

    import engine
    card = engine.load()            # the bundled rate card, or engine.load("rules/")
    card.quote({"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12})
"""

from engine.ratecard import RateCard, RateCardError, load, loads
from engine.results import Code, Quote, Rejection

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `import engine` stays light
if TYPE_CHECKING:
    from engine.reload import CardHolder

__all__ = ["CardHolder", "Code", "Quote", "RateCard", "RateCardError", "Rejection", "__version__", "load", "loads"]


def __getattr__(name: str):
    # looked up on first use: importlib.metadata would slow every start of the command
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("ratecard")
        except PackageNotFoundError:  # run from a checkout that was never installed
            return "0+unknown"
    if name == "CardHolder":  # engine.reload: for services, imported when asked for
        from engine.reload import CardHolder
        return CardHolder
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
