"""The editor page in headless Chromium against a real server: the seed's findings, accept all, copy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from detector.server.spawn import ServerProcess
from tests.cdp import Browser, chromium
from tests.conftest import ROOT, SEED

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (Debian package `chromium`)")

WAIT_DONE = """new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const s = document.getElementById("status").dataset.state;
    if (s === "done" || s === "error") resolve(s + ": " + document.getElementById("status").textContent);
    else if (Date.now() - t0 > 20000) reject(new Error("no answer"));
    else setTimeout(poll, 50);
  })();
})"""


class Page:
    """The editor page in one tab: ``evaluate`` JavaScript, ``requests`` the URLs it fetched."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        target = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = browser.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        browser.call("Network.enable", {}, self.session)
        browser.call("Page.enable", {}, self.session)
        browser.call("Page.navigate", {"url": url}, self.session)
        browser.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, self.session)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    @property
    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.browser.events if e.get("method") == "Network.requestWillBeSent"]


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
    p.evaluate(f"document.getElementById('text').value = {json.dumps(seed_text)}; document.getElementById('check').click(); 0")
    assert p.evaluate(WAIT_DONE) == "done: 9 findings (rules only)."
    items = p.evaluate("[...document.querySelectorAll('#findings li')].map(li => li.querySelector('.code').textContent)")
    assert sorted(items) == sorted(["MT101 repeated-word", "MT103 fragment", "MT105 boilerplate", "MT101 repeated-word", "MT104 inconsistent-name", "MT102 stray-particle", "MT105 boilerplate", "MT106 unbalanced-quote", "MT105 boilerplate"])
    marks = p.evaluate("[...document.querySelectorAll('#view mark')].map(m => m.textContent)")
    assert "Will will" in marks and "Hegses’" in marks and len(marks) == 9
    assert p.evaluate("document.getElementById('view').textContent") == seed_text  # highlights keep the text intact
    assert p.evaluate("document.getElementById('corrected').value") == seed_text  # nothing accepted yet

    p.evaluate("document.getElementById('accept-all').click(); 0")
    fixed = subprocess.run([sys.executable, "-m", "detector.cli", "fix", str(SEED)], cwd=ROOT, capture_output=True, text=True).stdout
    assert p.evaluate("document.getElementById('corrected').value") == fixed != seed_text
    assert p.evaluate("document.querySelectorAll('#view ins').length") == 9

    p.evaluate("document.querySelector('#findings li .reject').click(); 0")  # rejecting one keeps its text
    first = p.evaluate("document.getElementById('corrected').value")
    assert first.startswith(seed_text[:46]) and first != fixed
    assert all(url.startswith(server.url) for url in p.requests), p.requests


def test_editor_offsets_are_code_points(page):
    _, p = page
    text = "𝐀 emoji 😀 then he said said it."
    p.evaluate(f"document.getElementById('text').value = {json.dumps(text)}; document.getElementById('check').click(); 0")
    assert p.evaluate(WAIT_DONE) == "done: 1 finding (rules only)."
    assert p.evaluate("document.querySelector('#view mark').textContent") == "said said"
    p.evaluate("document.getElementById('accept-all').click(); 0")
    assert p.evaluate("document.getElementById('corrected').value") == "𝐀 emoji 😀 then he said it."
