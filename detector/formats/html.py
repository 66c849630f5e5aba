"""``--format html``: a self-contained report page an editor can read and act on; live, the server's editor page.

Each file is an article with every finding highlighted in place (message and suggestion on
hover or focus), a side list grouped by rule with counts, accept/reject buttons for each
suggestion, "accept all safe fixes", and the corrected text with a copy button. Accepting all
safe fixes gives exactly the text ``mtlint fix`` writes (the report's non-overlapping fixes,
applied once). Everything is inline, allowed by hash in the page's Content-Security-Policy,
which forbids any network request; it works from the keyboard (every finding and button is in
the tab order).

The same page is ``mtlint serve``'s editor at ``/`` (:func:`editor_page`): there the data block
holds no file, the page shows a form, and Check sends the text to ``/v1/check`` and ``/v1/fix``
(the only requests its policy allows, to its own origin) and shows the answer as this report
shows a file: a file's data is its findings in the ``check`` JSON schema and the fixes
``mtlint fix`` applies (``applied``, as ``/v1/fix`` returns them).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import cache
from importlib import resources

from detector.formats.common import FileResult, finding_dict

PLACEHOLDER = re.compile(r"\{\{(CSP|TITLE|DATA)\}\}")


def render(results: list[FileResult], *, color: bool = False) -> str:
    files: list[dict[str, object]] = []
    for r in results:
        if r.report is None:
            files.append({"path": r.path, "error": r.error})
            continue
        findings = [finding_dict(r.report, f) for f in r.report.findings]
        applied = [finding_dict(r.report, f) for f in r.report.accepted]
        files.append({"path": r.path, "text": r.report.text, "findings": findings, "applied": applied})
    return page("mtlint report: " + (", ".join(r.path for r in results) or "no input"), {"files": files}, live=False)


@cache
def editor_page() -> str:
    """The live page ``mtlint serve`` sends at ``/``."""
    return page("mtlint editor", {"live": True, "files": []}, live=True)


def page(title: str, data: dict[str, object], *, live: bool) -> str:
    """The template filled in one pass (a title holding a placeholder stays text)."""
    # No "<" or "&" in the data block, so no text can close the script element or open a comment.
    block = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c").replace("&", "\\u0026")
    values = {"CSP": policy(live=live), "TITLE": html.escape(title), "DATA": block}
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], _template())


def policy(*, live: bool) -> str:
    """The page's Content-Security-Policy: its own inline style and script (by hash) and, live, requests to its origin."""
    template = _template()
    style = re.search(r"<style>(.*?)</style>", template, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", template, re.DOTALL)
    assert style and script, "report.html lost its inline <style> or <script>"
    parts = ["default-src 'none'", f"style-src {_hash(style.group(1))}", f"script-src {_hash(script.group(1))}", "base-uri 'none'", "form-action 'none'"]
    if live:
        parts.insert(3, "connect-src 'self'")
    return "; ".join(parts)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def _template() -> str:
    return resources.files("detector.formats").joinpath("report.html").read_text(encoding="utf-8")
