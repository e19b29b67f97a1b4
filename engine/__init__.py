"""ratecard: prices for AI generations, written as .rules files and quoted in microseconds.

    import engine
    card = engine.load()            # the bundled rate card, or engine.load("rules/")
    card.quote({"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12})
"""

from engine.ratecard import RateCard, RateCardError, load, loads
from engine.results import Code, Quote, Rejection

__all__ = ["Code", "Quote", "RateCard", "RateCardError", "Rejection", "load", "loads"]
