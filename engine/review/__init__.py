"""Tools for reviewing a rate card: the price table, the price diff, quote explanations."""
