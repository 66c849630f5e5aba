"""Suggested corrections for garbled sentences (MT201): candidate edits on flagged spans, scored by a
language model's whole-sentence log-probability, filtered by meaning guards.

``suggest(sentence, spans, scorer)`` returns ranked :class:`Suggestion` objects; nothing here loads
a model (the scorer wraps one that the caller loaded).
"""

from detector.corrections.edits import Edit
from detector.corrections.search import Suggestion, SearchConfig, suggest

__all__ = ["Edit", "SearchConfig", "Suggestion", "suggest"]
