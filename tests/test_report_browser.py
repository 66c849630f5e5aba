"""The HTML report of the seed in headless Chromium: every finding highlighted, accept-all gives `mtlint fix`'s text,
keyboard use, no network request; a screenshot is saved to build/test-artifacts/."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from contextlib import contextmanager

import pytest

from detector import lint
from detector.api import fix
from detector.document import Document
from detector.findings import Finding
from detector.formats import FORMATS, FileResult

from .cdp import Browser, chromium
from .conftest import ROOT, SEED

ARTIFACTS = ROOT / "build" / "test-artifacts"

pytestmark = pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (.ci/run installs Debian's chromium package)")


@contextmanager
def open_report(source, report):
    """The ``--format html`` report of ``source`` (rules only) open in headless Chromium."""
    done = subprocess.run([sys.executable, "-m", "detector.cli", "check", "--no-model", "--format", "html", str(source)], capture_output=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    report.write_bytes(done.stdout)
    with open_page(report) as opened:
        yield opened


@contextmanager
def open_page(report):
    """The HTML file ``report`` open in headless Chromium."""
    browser = Browser(chromium())
    try:
        target = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = browser.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        browser.call("Network.enable", {}, session)
        browser.call("Page.enable", {}, session)
        browser.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, session)
        browser.call("Page.navigate", {"url": report.as_uri()}, session)
        browser.wait_event("Page.loadEventFired")

        def js(expression: str):
            result = browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session)
            assert "exceptionDetails" not in result, result
            return result["result"].get("value")

        def key(k: str, code: str, key_code: int) -> None:
            for kind in ("keyDown", "keyUp"):
                browser.call("Input.dispatchKeyEvent", {"type": kind, "key": k, "code": code, "windowsVirtualKeyCode": key_code}, session)

        yield browser, session, js, key, report
    finally:
        browser.close()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with open_report(SEED, tmp_path_factory.mktemp("report") / "seed-report.html") as opened:
        yield opened


def test_offsets_past_astral_characters_highlight_the_right_text(tmp_path) -> None:
    source = tmp_path / "emoji.txt"
    source.write_text("Fans 😀🎉 cheered. He said said it twice.\n", encoding="utf-8")
    with open_report(source, tmp_path / "emoji.html") as (_, _, js, _, _):
        assert js("Array.from(document.querySelectorAll('mark')).map(m => m.textContent)") == ["said said"]


def test_every_finding_is_highlighted(page, seed_text) -> None:
    _, _, js, _, _ = page
    assert js("document.querySelectorAll('.anchor').length") == 9
    texts = js("Array.from(document.querySelectorAll('.anchor')).map(a => { const i = +a.dataset.finding; return Array.from(document.querySelectorAll('mark')).filter(m => m.dataset.findings.split(' ').map(Number).includes(i)).map(m => m.textContent).join(''); })")
    expected = [f["text"] for f in json.loads(subprocess.run([sys.executable, "-m", "detector.cli", "check", "--no-model", "--format", "json", str(SEED)], capture_output=True, text=True, cwd=ROOT).stdout)["files"][0]["findings"]]
    assert texts == expected
    # the article shows the whole text: marks + plain pieces, anchors and hidden insertions aside
    shown = js("(() => { const a = document.querySelector('article').cloneNode(true); a.querySelectorAll('.anchor, ins').forEach(n => n.remove()); return a.textContent; })()")
    assert shown == seed_text
    assert js("document.querySelector('aside details summary').textContent").startswith("MT101 repeated-word (2)")


def test_hover_and_focus_show_message_and_suggestion(page) -> None:
    _, _, js, key, _ = page
    js("document.body.focus()")
    key("Tab", "Tab", 9)
    assert js("document.activeElement.className") == "anchor"
    assert js("getComputedStyle(document.getElementById('pop')).display") == "block"
    assert "repeated" in js("document.getElementById('pop').textContent") and "fix: “will”" in js("document.getElementById('pop').textContent")
    key("r", "KeyR", 82)  # reject from the keyboard
    assert js("document.querySelector('.state').textContent") == " (rejected)"
    key("Enter", "Enter", 13)  # then accept
    assert js("document.querySelector('.state').textContent") == " (accepted)"


def test_accept_all_gives_the_fixed_text_and_reject_all_the_original(page, seed_text) -> None:
    browser, session, js, _, _ = page
    js("document.querySelector('.accept-all').click()")
    assert js("document.querySelector('textarea.corrected').value") == fix(seed_text)
    js("document.querySelector('.reject-all').click()")
    assert js("document.querySelector('textarea.corrected').value") == seed_text
    js("document.querySelector('.accept').click()")
    assert js("document.querySelector('textarea.corrected').value") == seed_text.replace("Will will", "will", 1)
    js("document.querySelector('.accept-all').click()")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = browser.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
    (ARTIFACTS / "seed-report.png").write_bytes(base64.b64decode(shot))
    assert (ARTIFACTS / "seed-report.png").stat().st_size > 10_000


def test_copy_button_copies_the_corrected_text(page, seed_text) -> None:
    browser, session, js, _, report = page
    origin = report.as_uri()
    browser.call("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    browser.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session)  # headless pages are never focused
    js("document.querySelector('.accept-all').click(); document.querySelector('[id^=copy-]').click()")
    copied = js("new Promise(r => setTimeout(r, 200)).then(() => navigator.clipboard.readText()).catch(e => 'unavailable: ' + e)")
    assert copied == fix(seed_text), (origin, copied[:80])


def test_the_page_makes_no_network_request(page) -> None:
    browser, _, js, _, report = page
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls == [report.as_uri()]
    assert js("performance.getEntriesByType('resource').length") == 0


def test_a_suggestion_to_review_can_be_accepted_instead_of_the_safe_fix_it_overlaps(tmp_path) -> None:
    text = "He said said it was a good idea."
    safe = Finding("MT101", "repeated-word", "duplication", "error", 3, 12, "The word is repeated.", ("said",), 0.9)
    model = Finding("MT201", "garbled-sentence", "mistranslation", "warning", 0, 32, "Reads as machine output.", ("He said it was a fine idea.",), 0.7, "model", False)
    page = tmp_path / "suggestion.html"
    page.write_text(FORMATS["html"]([FileResult("s.txt", report=lint.report(text, [safe, model], Document(text)))]), encoding="utf-8")
    with open_page(page) as (_, _, js, _, _):
        corrected = "document.querySelector('textarea.corrected').value"
        states = "Array.from(document.querySelectorAll('.state')).map(s => s.textContent)"  # side list: MT101, then MT201
        assert "review before accepting" in js("document.querySelector('li[data-finding=\"1\"] em').textContent")
        js("document.querySelector('.accept-all').click()")  # the safe fix only: mtlint fix's text
        assert js(corrected) == fix(text) == "He said it was a good idea." and js(states) == [" (accepted)", " (pending)"]
        js("document.querySelector('li[data-finding=\"1\"] .accept').click()")  # the suggestion sets the fix aside
        assert js(corrected) == "He said it was a fine idea." and js(states) == [" (pending)", " (accepted)"]
        js("document.querySelector('.accept-all').click()")
        assert js(corrected) == "He said it was a good idea." and js(states) == [" (accepted)", " (pending)"]
