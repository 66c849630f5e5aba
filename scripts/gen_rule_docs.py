"""Write docs/rules.md from the rule modules (the single source of rule documentation).

Usage: python scripts/gen_rule_docs.py
"""

from __future__ import annotations

from pathlib import Path

from detector.rules import render_docs

OUT = Path(__file__).resolve().parent.parent / "docs" / "rules.md"

if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(render_docs(), encoding="utf-8")
    print(f"wrote {OUT}")
