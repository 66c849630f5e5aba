"""Numbers: changed values and foreign number formats."""

from __future__ import annotations

import random
import re

from detector.noise.base import (
    Change,
    _NUMBER,
    operation,
    _pick,
    _sub,
    _table,
)


@operation(1.5)
def change_number(text: str, rng: random.Random) -> Change | None:
    """Change a number, its scale or its unit ("$126 billion" -> "$126 million", "2010" -> "20010").

    Mirrors number errors in MLQE-PE (years with an extra digit), myriad-scale slips of
    Japanese/Chinese MT (万, 億) and misread units ("5 miles" -> "5 kilometres").
    """
    options: list[Change] = []
    for name in ("scales.tsv", "measure-units.tsv"):
        for row in _table(name):
            for m in re.finditer(rf"(?<=\d )\b{row[0]}\b", text):
                options.append(_sub(m.start(), m.end(), row[1], "mistranslation"))
    for m in _NUMBER.finditer(text):
        digits = m.group()
        if "," in digits:
            continue
        if "." in digits:
            new = digits.replace(".", "", 1)
        elif len(digits) >= 2 and rng.random() < 0.5:
            new = digits[:-2] + digits[-1] + digits[-2]
        else:
            i = rng.randrange(len(digits))
            new = digits[: i + 1] + "0" + digits[i + 1 :]
        if new != digits and not new.startswith("0"):
            options.append(_sub(m.start(), m.end(), new, "mistranslation"))
    return _pick(rng, options)


@operation(1.5)
def number_format(text: str, rng: random.Random) -> Change | None:
    """Write a number in continental style ("150,000" -> "150.000", "3.5" -> "3,5", "85 %").

    Mirrors number formats copied from the source (ro-en, et-en in MLQE-PE) and the MT
    system's own spacing quirk before the percent sign.
    """
    options = []
    for m in re.finditer(r"\d{1,3}(?:,\d{3})+(?!\d)", text):
        sep = rng.choice([".", " "])
        options.append(_sub(m.start(), m.end(), m.group().replace(",", sep), "typographical"))
    for m in re.finditer(r"(?<![\d,.])\d+\.\d+(?![\d.])", text):
        options.append(_sub(m.start(), m.end(), m.group().replace(".", ","), "typographical"))
    for m in re.finditer(r"\d%", text):
        options.append(_sub(m.start(), m.end(), m.group()[0] + " %", "typographical"))
    return _pick(rng, options)
