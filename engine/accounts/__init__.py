"""Credit accounts: monthly allowances, holds, charges and plan changes, kept exactly once."""

from engine.accounts.book import DEFAULT_TTL, Book, open
from engine.accounts.errors import AccountError, ErrorCode
from engine.accounts.values import (
    Adjustment, Balance, Charge, Difference, Entry, EntryKind, Hold, PlanChange, Release, Subscription)

__all__ = ["DEFAULT_TTL", "AccountError", "Adjustment", "Balance", "Book", "Charge", "Difference", "Entry",
           "EntryKind", "ErrorCode", "Hold", "PlanChange", "Release", "Subscription", "open"]
