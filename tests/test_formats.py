"""Every output format on the seed: text (escaped, coloured on request), concise, json, jsonl, sarif, github, html."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from detector import lint
from detector.cli import main
from detector.config import load
from detector.document import Document
from detector.findings import Finding
from detector.formats import FORMATS, FileResult
from detector.rules import RULES

from .conftest import ROOT

DEFAULTS = load(None).for_file(None)


def seed_results(seed_text: str) -> list[FileResult]:
    return [FileResult("seeds/seed.txt", report=lint.check_source(seed_text, DEFAULTS, "text")), FileResult("bad.txt", error="bad.txt: cannot decode")]


def synthetic(text: str, message: str) -> list[FileResult]:
    f = Finding("MT101", "repeated-word", "duplication", "error", 4, 11, message, ("x",), 0.9)
    return [FileResult("odd.txt", report=lint.report(text, [f], Document(text)))]


def test_text_shows_sentence_and_underline(seed_text: str) -> None:
    out = FORMATS["text"](seed_results(seed_text)).splitlines()
    assert out[0] == "seeds/seed.txt:1:38: MT101 repeated-word: The word “will” is repeated. → “will”"
    assert out[1].startswith("  | US Secretary of Defense Pete Hegseth Will will become")
    assert out[2] == "  | " + " " * out[1][4:].index("Will will") + "^" * len("Will will")
    assert len(out) == 27 and "\x1b" not in "".join(out)


def test_text_escapes_control_characters() -> None:
    text = "The \x1b[2Jthe\x07 end.\nNext."
    out = FORMATS["text"](synthetic(text, "A message\nwith a newline and \x1b[31mred\u202e"))
    lines = out.splitlines()
    assert len(lines) == 3  # header, sentence, underline: nothing split
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "A message\\nwith a newline and \\x1b[31mred\\u202e" in lines[0]
    assert "\\x1b[2Jthe\\x07" in lines[1]
    assert lines[2].index("^") == lines[1].index("\\x1b") and lines[2].count("^") == len("\\x1b[2Jthe")
    concise = FORMATS["concise"](synthetic(text, "two\nlines"))
    assert concise.count("\n") == 1 and "two\\nlines" in concise


def test_colour_only_on_a_terminal_without_no_color(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.\n")
    main(["check", "--no-model", "--color", "always", str(path)])
    assert "\x1b[1;31mMT101\x1b[0m" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    main(["check", "--no-model", str(path)])
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", "--no-model", str(path)])
    assert "\x1b[" not in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR")
    main(["check", "--no-model", "--color", "never", str(path)])
    assert "\x1b[" not in capsys.readouterr().out


def test_json_keeps_schema_v1_and_adds_end_positions(seed_text: str) -> None:
    payload = json.loads(FORMATS["json"](seed_results(seed_text)))
    assert payload["version"] == 1 and payload["errors"] == [{"path": "bad.txt", "message": "bad.txt: cannot decode"}]
    [entry] = payload["files"]
    v1 = {"rule", "name", "category", "severity", "start", "end", "line", "column", "text", "message", "replacements", "confidence", "source", "safe"}
    for f in entry["findings"]:
        assert v1 | {"end_line", "end_column"} == f.keys()
        assert seed_text[f["start"] : f["end"]] == f["text"]


def test_jsonl_records_findings_and_input_errors(seed_text: str) -> None:
    records = [json.loads(line) for line in FORMATS["jsonl"](seed_results(seed_text)).splitlines()]
    assert len(records) == 10
    assert records[-1] == {"path": "bad.txt", "error": "bad.txt: cannot decode"}
    assert all(r["path"] == "seeds/seed.txt" and "rule" in r for r in records[:-1])


def test_jsonl_cli_reports_unreadable_files(tmp_path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The the end.\n")
    code = main(["check", "--no-model", "--format", "jsonl", str(tmp_path / "missing.txt"), str(good)])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 2
    assert records[0]["path"].endswith("missing.txt") and "No such file" in records[0]["error"]
    assert records[1]["rule"] == "MT101"


def test_github_annotations(seed_text: str) -> None:
    lines = FORMATS["github"](seed_results(seed_text)).splitlines()
    assert lines[0] == (
        "::error file=seeds/seed.txt,line=1,col=38,endLine=1,endColumn=47,title=MT101 repeated-word::"
        "The word “will” is repeated. → “will”"
    )
    assert lines[-1] == "::error file=bad.txt,title=mtlint::bad.txt%3A cannot decode".replace("%3A", ":")
    odd = FORMATS["github"](synthetic("The x,y:the end.", "100% sure\nnext"))
    assert odd.count("\n") == 1 and "::100%25 sure%0Anext" in odd and "file=odd.txt," in odd


# Required properties and allowed property names of the SARIF 2.1.0 objects mtlint writes, from
# the OASIS schema (sarif-schema-2.1.0.json: "required" and "properties" of each definition).
SARIF = {
    "log": ({"version", "runs"}, {"$schema", "version", "runs", "inlineExternalProperties", "properties"}),
    "run": ({"tool"}, {"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates", "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties"}),
    "tool": ({"driver"}, {"driver", "extensions", "properties"}),
    "toolComponent": ({"name"}, {"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents", "isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"}),
    "reportingDescriptor": ({"id"}, {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription", "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships", "properties"}),
    "reportingConfiguration": (set(), {"enabled", "level", "rank", "parameters", "properties"}),
    "multiformatMessageString": ({"text"}, {"text", "markdown", "properties"}),
    "message": (set(), {"text", "markdown", "id", "arguments", "properties"}),
    "invocation": ({"executionSuccessful"}, {"commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc", "exitCode", "ruleConfigurationOverrides", "notificationConfigurationOverrides", "toolExecutionNotifications", "toolConfigurationNotifications", "exitCodeDescription", "exitSignalName", "exitSignalNumber", "processStartFailureMessage", "executionSuccessful", "machine", "account", "processId", "executableLocation", "workingDirectory", "environmentVariables", "stdin", "stdout", "stderr", "stdoutStderr", "properties"}),
    "notification": ({"message"}, {"locations", "message", "level", "threadId", "timeUtc", "exception", "descriptor", "associatedRule", "properties"}),
    "result": ({"message"}, {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse", "properties"}),
    "location": (set(), {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"}),
    "physicalLocation": (set(), {"address", "artifactLocation", "region", "contextRegion", "properties"}),
    "artifactLocation": (set(), {"uri", "uriBaseId", "index", "description", "properties"}),
    "region": (set(), {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"}),
    "artifactContent": (set(), {"text", "binary", "rendered", "properties"}),
    "fix": ({"artifactChanges"}, {"description", "artifactChanges", "properties"}),
    "artifactChange": ({"artifactLocation", "replacements"}, {"artifactLocation", "replacements", "properties"}),
    "replacement": ({"deletedRegion"}, {"deletedRegion", "insertedContent", "properties"}),
}
LEVELS = {"none", "note", "warning", "error"}


def _obj(kind: str, value: dict, where: str) -> None:
    required, allowed = SARIF[kind]
    assert isinstance(value, dict), where
    assert required <= value.keys(), f"{where}: missing {required - value.keys()}"
    assert value.keys() <= allowed, f"{where}: not in the schema: {value.keys() - allowed}"
    assert isinstance(value.get("properties", {}), dict)


def validate_sarif(log: dict) -> None:
    """A structural check of every required property and allowed name on the objects mtlint emits."""
    _obj("log", log, "log")
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list)
    for run in log["runs"]:
        _obj("run", run, "run")
        assert run.get("columnKind", "utf16CodeUnits") in ("utf16CodeUnits", "unicodeCodePoints")
        _obj("tool", run["tool"], "tool")
        driver = run["tool"]["driver"]
        _obj("toolComponent", driver, "driver")
        ids = [d["id"] for d in driver["rules"]]
        assert len(ids) == len(set(ids))
        for d in driver["rules"]:
            _obj("reportingDescriptor", d, d["id"])
            for key in ("shortDescription", "fullDescription"):
                _obj("multiformatMessageString", d[key], f"{d['id']}.{key}")
            _obj("reportingConfiguration", d["defaultConfiguration"], d["id"])
            assert d["defaultConfiguration"]["level"] in LEVELS
        for inv in run.get("invocations", []):
            _obj("invocation", inv, "invocation")
            assert isinstance(inv["executionSuccessful"], bool)
            for n in inv.get("toolExecutionNotifications", []):
                _obj("notification", n, "notification")
                _message(n["message"])
                for loc in n.get("locations", []):
                    _location(loc)
        for res in run.get("results", []):
            _obj("result", res, "result")
            _message(res["message"])
            assert res["level"] in LEVELS
            assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
            for loc in res["locations"]:
                _location(loc)
            for fix in res.get("fixes", []):
                _obj("fix", fix, "fix")
                _message(fix["description"])
                assert len(fix["artifactChanges"]) >= 1
                for change in fix["artifactChanges"]:
                    _obj("artifactChange", change, "artifactChange")
                    _obj("artifactLocation", change["artifactLocation"], "artifactLocation")
                    assert len(change["replacements"]) >= 1
                    for rep in change["replacements"]:
                        _obj("replacement", rep, "replacement")
                        _region(rep["deletedRegion"])
                        _obj("artifactContent", rep["insertedContent"], "insertedContent")


def _message(m: dict) -> None:
    _obj("message", m, "message")
    assert "text" in m or "id" in m


def _location(loc: dict) -> None:
    _obj("location", loc, "location")
    phys = loc["physicalLocation"]
    _obj("physicalLocation", phys, "physicalLocation")
    assert "artifactLocation" in phys or "address" in phys
    _obj("artifactLocation", phys["artifactLocation"], "artifactLocation")
    assert re.fullmatch(r"[^\s]+", phys["artifactLocation"]["uri"])
    if "region" in phys:
        _region(phys["region"])


def _region(r: dict) -> None:
    _obj("region", r, "region")
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        assert isinstance(r.get(key, 1), int) and r.get(key, 1) >= 1
    assert r.get("charOffset", 0) >= 0 and r.get("charLength", 0) >= 0
    if "snippet" in r:
        _obj("artifactContent", r["snippet"], "snippet")


def test_sarif_is_valid_2_1_0_with_rules_and_fixes(seed_text: str) -> None:
    log = json.loads(FORMATS["sarif"](seed_results(seed_text)))
    validate_sarif(log)
    run = log["runs"][0]
    assert [d["id"] for d in run["tool"]["driver"]["rules"]] == list(RULES)
    assert run["invocations"][0]["executionSuccessful"] is False  # bad.txt
    results = run["results"]
    assert len(results) == 9
    first = results[0]
    assert first["ruleId"] == "MT101" and first["level"] == "error"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["charOffset"], region["charLength"]) == (1, 38, 37, 9)
    assert seed_text[region["charOffset"] : region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
    rep = first["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep["insertedContent"]["text"] == "will" and rep["deletedRegion"]["charOffset"] == 37


SCHEMA = ROOT / "build" / "sarif" / "package" / "lib" / "schemas" / "sarif-2.1.0-rtm.5.json"


def test_sarif_against_the_published_schema(seed_text: str, tmp_path, capsys) -> None:
    """Validated with jsonschema against the SARIF 2.1.0 (rtm.5) schema that .ci/run fetches from npm."""
    schema_path = Path(os.environ.get("MTLINT_SARIF_SCHEMA") or SCHEMA)
    if not schema_path.is_file():
        pytest.skip(f"no SARIF schema at {schema_path} (.ci/run fetches it from the npm package @microsoft/jest-sarif)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    results = seed_results(seed_text)
    doc = tmp_path / "notes ü.md"
    doc.write_text("<!-- mtlint-disable MT104 -->\nThe the end.\n", encoding="utf-8")
    assert main(["check", "--no-model", "--report-unused-suppressions", "--format", "sarif", str(doc)]) == 1
    from_cli = json.loads(capsys.readouterr().out)
    assert [r["ruleId"] for r in from_cli["runs"][0]["results"]] == ["MT001", "MT101"]
    for log in (json.loads(FORMATS["sarif"](results)), json.loads(FORMATS["sarif"]([])), from_cli):
        jsonschema.validate(log, schema)
        validate_sarif(log)


def test_html_report_is_self_contained(seed_text: str) -> None:
    page = FORMATS["html"](seed_results(seed_text))
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    markup = page.split('<script type="application/json"', 1)[0] + page.rsplit("</script>", 2)[1]
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b|\bsrc=|url\(|@import", markup)
    data = json.loads(page.split('id="mtlint-data">', 1)[1].split("</script>", 1)[0])
    [seed, bad] = data["files"]
    assert seed["text"] == seed_text and len(seed["findings"]) == 9 and bad["error"]


def test_html_report_cannot_be_broken_by_the_text() -> None:
    page = FORMATS["html"](synthetic("The </script><script>alert(1)</script> end.", "m"))
    block = page.split('id="mtlint-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and json.loads(block)["files"][0]["text"].startswith("The </script><script>")


def test_every_format_is_offered_by_the_cli(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.\n")
    for name in FORMATS:
        assert main(["check", "--no-model", "--format", name, str(path)]) == 1
        assert capsys.readouterr().out


def test_underline_counts_wide_characters_as_two_columns() -> None:
    text = "東京 The the end."
    f = Finding("MT101", "repeated-word", "duplication", "error", 3, 10, "m", ("The",), 0.9)
    out = FORMATS["text"]([FileResult("w.txt", report=lint.report(text, [f], Document(text)))]).splitlines()
    assert out[2] == "  | " + " " * 5 + "^" * 7
