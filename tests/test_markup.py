"""Markdown and HTML input: prose only, findings at their place in the original file, fixes that leave markup alone."""

from __future__ import annotations

import re

import pytest

from detector import lint
from detector.api import check
from detector.config import load
from detector.markup import extract, format_for
from detector.markup.prose import Prose

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
DEFAULTS = load(None).for_file(None)


def _check(text: str, fmt: str):
    return lint.check_source(text, DEFAULTS, fmt)


def _key(report, f):
    return (f.rule, report.text[f.start : f.end].strip(), f.replacements, f.message)


@pytest.mark.parametrize("name,fmt", [("seed.md", "markdown"), ("seed.html", "html")])
def test_markup_seed_has_the_plain_seeds_findings(seed_text: str, name: str, fmt: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    plain, marked = _check(seed_text, "text"), _check(text, fmt)
    assert [_key(plain, f) for f in plain.findings] == [_key(marked, f) for f in marked.findings]
    assert len(marked.findings) == 9
    seed_lines, lines = seed_text.splitlines(), text.splitlines()
    for p, m in zip(plain.findings, marked.findings):
        line, col = marked.document.line_col(m.start)
        p_line, p_col = plain.document.line_col(p.start)
        # the finding's line in the marked-up file holds the plain line's prose, shifted by the markup before it
        plain_line = seed_lines[p_line - 1]
        prefix = plain_line[: p_col - 1]
        marked_line = lines[line - 1]
        assert re.sub(r"<[^>]+>|\[|\]\([^)]*\)|\*", "", marked_line[: col - 1]) == prefix
        assert marked_line[col - 1 :].startswith(seed_text[p.start : p.end].rstrip("\n")[:20])


@pytest.mark.parametrize("name,fmt", [("seed.md", "markdown"), ("seed.html", "html")])
def test_nothing_flagged_in_code_urls_or_attributes(name: str, fmt: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    report = _check(text, fmt)
    protected = [m.span() for m in re.finditer(r"```.*?```|`[^`]*`|<pre>.*?</pre>|<code>.*?</code>|<script>.*?</script>|<style>.*?</style>|<title>.*?</title>|\([^)]*https?://[^)]*\)|\"[^\"]*\"", text, re.S)]
    assert any("Will will" in text[a:b] for a, b in protected)  # the traps are there
    for f in report.findings:
        assert not any(a <= f.start < b for a, b in protected), text[f.start : f.end]


@pytest.mark.parametrize("name,fmt", [("seed.md", "markdown"), ("seed.html", "html")])
def test_fix_changes_only_flagged_prose(seed_text: str, name: str, fmt: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    report = _check(text, fmt)
    fixed = report.fixed_text
    assert len(report.accepted) == 9
    # Every change is a flagged span; everything between them is byte-identical.
    pos, pieces = 0, []
    for f in report.accepted:
        pieces += [text[pos : f.start], f.replacements[0]]
        pos = f.end
    assert "".join(pieces) + text[pos:] == fixed
    for f in report.accepted:
        assert "<" not in text[f.start : f.end] and "](" not in text[f.start : f.end]
    # The markup survives whole: code block, links, image, head.
    for fragment in re.findall(r"```.*?```|<pre>.*?</pre>|\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)|<head>.*?</head>|<a [^>]*>|<img [^>]*>", text, re.S):
        assert fragment in fixed
    # And the fixed prose is the fixed plain text, paragraph for paragraph.
    prose = extract(fixed, fmt)[0].text
    paragraphs = {" ".join(p.split()) for p in prose.split("\n\n")}
    for line in check(seed_text).fixed_text.splitlines():
        if line:
            assert " ".join(line.split()) in paragraphs


def test_format_from_extension_and_override() -> None:
    assert format_for("a/b.MD") == "markdown"
    assert format_for("x.htm") == "html"
    assert format_for("x.txt") == "text"
    assert format_for("x.txt", "html") == "html"


def test_markdown_escapes_and_entities_map_to_their_source() -> None:
    text = "Hegseth arrived. Hegseth left. Then Hegses&rsquo; aide said \\*nothing\\* at all.\n"
    report = _check(text, "markdown")
    [f] = report.findings
    assert f.rule == "MT104" and text[f.start : f.end] == "Hegses&rsquo;"
    assert f.replacements == ()  # the span holds an entity: no fix that could rewrite markup


def test_repeat_across_inline_markup_is_reported_without_a_fix() -> None:
    text = "The minister **will** will visit Kyiv.\n"
    report = _check(text, "markdown")
    [f] = report.findings
    assert f.rule == "MT101" and text[f.start : f.end] == "will** will"
    assert f.replacements == ()
    assert report.fixed_text == text


def test_links_autolinks_and_inline_code_are_not_prose() -> None:
    text = "See <https://example.com/the-the> and [the report](https://x.org/said.%20said) with `the the` inside.\n"
    assert _check(text, "markdown").findings == []
    assert _check(text, "text").findings  # checked as plain text, the same line is flagged


def test_html_block_elements_end_sentences_and_entities_decode() -> None:
    text = "<ul><li>The talks will resume on Monday</li><li>Advertisement</li></ul><p>AT&amp;T said the the deal was off.</p>"
    report = _check(text, "html")
    rules = sorted((f.rule, text[f.start : f.end]) for f in report.findings)
    assert rules == [("MT101", "the the"), ("MT105", "Advertisement")]
    fixed = report.fixed_text
    assert fixed == "<ul><li>The talks will resume on Monday</li><li></li></ul><p>AT&amp;T said the deal was off.</p>"


def test_html_line_breaks_inside_a_paragraph_are_spaces() -> None:
    text = "<p>Pete Hegseth Will\n   will go to NATO.</p>\n"
    report = _check(text, "html")
    [f] = report.findings
    assert report.document.line_col(f.start) == (1, 17)
    assert report.fixed_text == "<p>Pete Hegseth will go to NATO.</p>\n"


def test_prose_map_round_trips_offsets() -> None:
    prose = Prose("ab<x>cd")
    prose.verbatim(0, 2)
    prose.verbatim(5, 7)
    assert prose.text == "abcd"
    assert prose._orig_start(2) == 5 and prose._orig_end(2) == 2 and prose._orig_end(4) == 7
    assert not prose._fixable(1, 3) and prose._fixable(2, 4)


def test_front_matter_is_not_prose() -> None:
    text = "---\ntitle: The the title\ntags: [said. said]\n---\n\nThe the body.\n"
    report = _check(text, "markdown")
    assert [(f.rule, report.document.line_col(f.start)) for f in report.findings] == [("MT101", (6, 1))]


def test_model_findings_map_into_markup_too(seed_text: str) -> None:
    pytest.importorskip("torch")
    from detector import learned

    # The fast tier: this tests the offset mapping, and the full tier also flags a sentence only the
    # markup files have ("The wire service tags its copy with `Will will` markers:").
    model = learned.load("fast")
    plain = lint.check_source(seed_text, DEFAULTS, "text", model)
    expected = [(plain.document.line_col(f.start)[1], seed_text[f.start : f.end]) for f in plain.findings if f.rule == "MT201"]
    assert expected
    for name, fmt in (("seed.md", "markdown"), ("seed.html", "html")):
        text = (DATA / name).read_text(encoding="utf-8")
        marked = lint.check_source(text, DEFAULTS, fmt, model)
        got = [(f, text[f.start : f.end]) for f in marked.findings if f.rule == "MT201"]
        assert [t for _, t in got] == [t for _, t in expected]
        for f, _ in got:
            assert f.replacements == () and f.source == "model"


MD_PARTS = ["The the", "Will will", " ", "\n", "\n\n", "**", "*", "_", "`code`", "[link](http://x.y/the-the)", "![alt the the](i.png)",
            "<https://a.b/said.said>", "&amp;", "&rsquo;", "\\*", "# ", "> ", "- ", "1. ", "```\nthe the\n```\n", "said. said", " Ta.",
            "The story continues under this ad", "Hegseth", "Hegses’", "“", "”", "<!-- mtlint-disable -->", "<!-- mtlint-enable -->",
            "<b>", "</b>", "|", "---", "\r\n", "\t", "東京", "\x1b"]
HTML_PARTS = ["The the", "Will will", " ", "\n", "<p>", "</p>", "<br>", "<div>", "</div>", "<a href='http://x/the the'>", "</a>",
              "<img alt=\"the the\" src=x>", "&amp;", "&rsquo;", "&#8212;", "&bogus;", "<script>said. said</script>", "<pre>the the</pre>",
              "<!-- c -->", "<!-- mtlint-disable MT101 -->", "said. said", " Ta.", "The story continues under this ad", "Hegseth",
              "Hegses’", "<", ">", "&", "\r\n", "<code>", "</code>"]


def _markup(text: str, fmt: str) -> object:
    """An independent view of what a fix must keep: code, raw HTML and attributes (Markdown); tags, comments, references (HTML)."""
    if fmt == "markdown":
        from collections import Counter

        from markdown_it import MarkdownIt

        kept: Counter = Counter()

        def walk(tokens) -> None:
            for t in tokens:
                if t.type in ("fence", "code_block", "code_inline", "html_block", "html_inline"):
                    kept[t.type, t.content] += 1
                if t.attrs:
                    kept[t.type, tuple(sorted((k, str(v)) for k, v in t.attrs.items() if k != "alt"))] += 1
                walk(t.children or [])

        walk(MarkdownIt("commonmark").enable("table").parse(text))
        return kept
    from html.parser import HTMLParser

    seen: list[tuple] = []
    inside: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            seen.append(("start", tag, [(k, v) for k, v in attrs if k != "alt"]))
            if tag in ("script", "pre", "code"):
                inside.append(tag)

        def handle_endtag(self, tag):
            seen.append(("end", tag))
            if tag in inside:
                del inside[inside.index(tag) :]

        def handle_data(self, data):
            if inside:
                seen.append(("raw", data))

        def handle_comment(self, data):
            seen.append(("comment", data))

        def handle_entityref(self, name):
            seen.append(("entity", name))

        def handle_charref(self, name):
            seen.append(("charref", name))

    parser = Tags(convert_charrefs=False)
    parser.feed(text)
    parser.close()
    return seen


@pytest.mark.parametrize("fmt,parts", [("markdown", MD_PARTS), ("html", HTML_PARTS)])
def test_random_markup_keeps_offsets_and_markup(fmt: str, parts: list[str]) -> None:
    import random

    rng = random.Random(13)
    for _ in range(300):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 40)))
        report = _check(text, fmt)
        assert all(0 <= f.start <= f.end <= len(text) for f in report.findings), text
        assert _markup(report.fixed_text, fmt) == _markup(text, fmt), text


def test_a_deleted_entity_is_reported_at_the_entity() -> None:
    plain = _check("Waltz said that “Europeans must own this conflict.” Trump intends to end it. And it is theirs.”\n", "text")
    assert [f.rule for f in plain.findings] == ["MT106"]
    text = "<p>Waltz said that &ldquo;Europeans must own this conflict.&rdquo; Trump intends to end it. And it is theirs.&rdquo;</p>\n"
    [f] = _check(text, "html").findings
    assert (f.rule, text[f.start : f.end], f.replacements) == ("MT106", "&rdquo;", ())
