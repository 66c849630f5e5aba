"""A seeded noise model that turns clean English news sentences into machine-translated ones.

Each operation in :data:`OPERATIONS` mirrors one artifact seen in real MT output into English
(the seed round trip and the MLQE-PE post-edits): duplicated words, stray romanized particles,
fragments, damaged names, literal collocations and so on. :func:`garble` applies one or more of
them and records a gold :class:`~detector.spans.Span` for every change; :func:`restyle`
randomises typography on clean and garbled text alike so that no typographic cue gives the
label away.

One module per family of operations; each operation is registered once, with its default rate,
by the :func:`~detector.noise.base.operation` decorator (adding one is one decorated function).
The driver (:mod:`detector.noise.driver`) and typography (:mod:`detector.noise.typography`)
are apart.
"""

from __future__ import annotations

from detector.noise import (  # noqa: F401  (importing a family registers its operations, in this order)
    duplication,
    untranslated,
    structure,
    word_order,
    function_words,
    lexical,
    numbers,
)
from detector.noise.base import DEFAULT_RATES, OPERATIONS, Change, Operation, operation
from detector.noise.driver import NoiseConfig, garble
from detector.noise.typography import restyle, restyle_garbled
from detector.spans import Span

__all__ = [
    "DEFAULT_RATES",
    "OPERATIONS",
    "Change",
    "NoiseConfig",
    "Operation",
    "Span",
    "garble",
    "operation",
    "restyle",
    "restyle_garbled",
]
