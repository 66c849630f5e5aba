"""The editor page (the HTML report, live) in headless Chromium against a real server: the seed's
findings, accept all safe fixes, reject one, load a file, the token, code-point offsets."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from detector.server.spawn import ServerProcess
from tests.cdp import Browser, chromium
from tests.conftest import ROOT, SEED

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (Debian package `chromium`)")

TOKEN = "s3cret-editor-token-0123"

WAIT_DONE = """new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const s = document.getElementById("status").dataset.state;
    if (s === "done" || s === "error") resolve(s + ": " + document.getElementById("status").textContent);
    else if (Date.now() - t0 > 20000) reject(new Error("no answer"));
    else setTimeout(poll, 50);
  })();
})"""

# The article as shown, without the numbered anchors and the (hidden) inserted fixes.
SHOWN = "(() => { const a = document.querySelector('article').cloneNode(true); a.querySelectorAll('.anchor, ins').forEach(n => n.remove()); return a.textContent; })()"


class Page:
    """The editor page in one tab: ``evaluate`` JavaScript, ``requests`` the URLs it fetched."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        target = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = browser.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Log", "DOM"):
            browser.call(f"{domain}.enable", {}, self.session)
        browser.call("Page.navigate", {"url": url}, self.session)
        browser.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, self.session)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def check(self, text: str) -> str:
        """Paste ``text``, press Check, and return the status line once the answer is in."""
        self.evaluate(f"document.getElementById('text').value = {json.dumps(text)}; document.getElementById('check').click(); 0")
        return self.evaluate(WAIT_DONE)

    @property
    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.browser.events if e.get("method") == "Network.requestWillBeSent"]

    @property
    def log(self) -> list[dict]:
        """The console's entries (CSP violations land here)."""
        return [e["params"]["entry"] for e in self.browser.events if e.get("method") == "Log.entryAdded"]


@pytest.fixture(scope="module")
def page():
    with ServerProcess(["--no-model"], cwd=ROOT) as server:
        browser = Browser(chromium())
        try:
            yield server, Page(browser, server.url + "/")
        finally:
            browser.close()


def test_editor_shows_the_seed_findings_and_accept_all_gives_mtlint_fix(page, seed_text):
    server, p = page
    assert p.evaluate("document.getElementById('editor').hidden") is False
    assert p.check(seed_text) == "done: 9 findings (rules only)."
    labels = p.evaluate("[...document.querySelectorAll('article .anchor')].map(a => a.getAttribute('aria-label').split(':')[0])")
    expected = json.loads(subprocess.run([sys.executable, "-m", "detector.cli", "check", "--no-model", "--format", "json", str(SEED)], cwd=ROOT, capture_output=True, text=True).stdout)
    assert labels == [f"{f['rule']} {f['name']}" for f in expected["files"][0]["findings"]]
    marks = p.evaluate("[...document.querySelectorAll('article mark')].map(m => m.textContent)")
    assert "Will will" in marks and "Hegses’" in marks and len(marks) == 9
    assert p.evaluate(SHOWN) == seed_text  # highlights keep the text intact
    assert p.evaluate("document.querySelector('textarea.corrected').value") == seed_text  # nothing accepted yet

    p.evaluate("document.querySelector('.accept-all').click(); 0")
    fixed = subprocess.run([sys.executable, "-m", "detector.cli", "fix", str(SEED)], cwd=ROOT, capture_output=True, text=True).stdout
    assert p.evaluate("document.querySelector('textarea.corrected').value") == fixed != seed_text
    assert p.evaluate("document.querySelectorAll('article .anchor.done').length") == 9

    p.evaluate("document.querySelector('aside .reject').click(); 0")  # rejecting the first keeps its text
    first = p.evaluate("document.querySelector('textarea.corrected').value")
    assert first.startswith(seed_text[:46]) and first != fixed
    assert p.evaluate("document.querySelector('aside .state').textContent") == " (rejected)"
    assert all(url.startswith(server.url) for url in p.requests), p.requests
    assert not [e for e in p.log if "Content Security Policy" in e.get("text", "")], p.log


def test_the_editor_is_the_report_page(page, seed_text):
    """One template: the served page runs the same script as a ``--format html`` report."""
    from detector.formats import FORMATS, html

    _, p = page
    served = p.evaluate("document.documentElement.outerHTML")
    script = FORMATS["html"]([]).rsplit("<script>", 1)[1].split("</script>", 1)[0]
    assert script in served and script == html.editor_page().rsplit("<script>", 1)[1].split("</script>", 1)[0]


def test_a_loaded_file_is_checked(page, tmp_path):
    _, p = page
    path = tmp_path / "story.md"
    path.write_text("# Title\n\nHe said said it. <!-- the the -->\n", encoding="utf-8")
    p.evaluate("document.getElementById('status').dataset.state = 'idle'; 0")
    node = p.browser.call("DOM.querySelector", {"nodeId": p.browser.call("DOM.getDocument", {}, p.session)["root"]["nodeId"], "selector": "#file"}, p.session)["nodeId"]
    p.browser.call("DOM.setFileInputFiles", {"files": [str(path)], "nodeId": node}, p.session)
    assert p.evaluate(WAIT_DONE) == "done: 1 finding (rules only)."  # as Markdown: the comment is not prose
    assert p.evaluate("document.getElementById('format').value") == "markdown"
    assert p.evaluate("document.querySelector('aside h2').textContent") == "1 finding in story.md"
    assert p.evaluate("document.querySelector('article mark').textContent") == "said said"


def test_editor_offsets_are_code_points(page):
    _, p = page
    text = "𝐀 emoji 😀 then he said said it."
    p.evaluate("document.getElementById('format').value = 'text'; 0")
    assert p.check(text) == "done: 1 finding (rules only)."
    assert p.evaluate("document.querySelector('article mark').textContent") == "said said"
    assert p.evaluate("document.querySelector('aside h2').textContent") == "1 finding in pasted text"
    p.evaluate("document.querySelector('.accept-all').click(); 0")
    assert p.evaluate("document.querySelector('textarea.corrected').value") == "𝐀 emoji 😀 then he said it."


def test_editor_sends_the_token_when_auth_is_on(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with ServerProcess(["--no-model", "--token-file", str(token_file)], cwd=ROOT) as server:
        browser = Browser(chromium())
        try:
            p = Page(browser, server.url + "/")
            assert p.check("He said said it.").startswith("error: Check failed: missing or wrong bearer token")
            p.evaluate(f"document.getElementById('token').value = {json.dumps(TOKEN)}; 0")
            assert p.check("He said said it.") == "done: 1 finding (rules only)."
        finally:
            browser.close()
