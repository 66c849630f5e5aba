"""``mtlint serve`` against a real server process on 127.0.0.1, with a real HTTP client (urllib)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from detector.server.app import build_app, openapi_document
from detector.server.batcher import Batcher
from detector.server.metrics import quantile
from detector.server.settings import Settings
from detector.server.spawn import ServerProcess
from tests.conftest import ROOT, SEED

SEED_REL = str(SEED.relative_to(ROOT))


def call(url: str, path: str, body: object = None, headers: dict[str, str] | None = None, method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; JSON-encodes ``body`` unless it is bytes."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    hdrs.update(headers or {})
    req = urllib.request.Request(url + path, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def cli(*argv: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "detector.cli", *argv], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def error_of(body: bytes) -> str:
    return json.loads(body)["error"]["message"]


class SlowRequest:
    """A raw-socket POST whose body is held back: the request is in flight until :meth:`finish`."""

    def __init__(self, url: str, body: bytes = b'{"text": "He said said it."}', headers: str = "") -> None:
        parts = urlsplit(url)
        self.body = body
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        head = f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        self.sock.sendall(head.encode() + body[:5])

    def finish(self) -> tuple[int, bytes]:
        self.sock.sendall(self.body[5:])
        return self.response()

    def response(self) -> tuple[int, bytes]:
        data = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        self.sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body


def access_log(server: ServerProcess, until) -> list[dict]:
    """The server's access log records, once one satisfies ``until`` (a line lands just after its response)."""
    for _ in range(250):
        records = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        if any(until(r) for r in records):
            return records
        time.sleep(0.02)
    raise AssertionError("the expected access log line never came")


def wait_in_flight(url: str, n: int) -> None:
    """Wait until the server counts ``n`` API requests in flight."""
    for _ in range(200):
        _, _, body = call(url, "/metrics")
        if f"mtlint_in_flight_requests {n}\n" in body.decode():
            return
        time.sleep(0.02)
    raise AssertionError(f"never saw {n} requests in flight")


@pytest.fixture(scope="module")
def server():
    args = ["--no-model", "--max-concurrency", "2", "--max-body-bytes", "60000", "--max-text-chars", "10000", "--max-batch-texts", "3"]
    with ServerProcess(args, cwd=ROOT) as s:
        yield s


# -- endpoints --------------------------------------------------------------------------------


def test_check_equals_cli_json_on_the_seed(server, seed_text):
    status, headers, body = call(server.url, "/v1/check", {"text": seed_text, "name": SEED_REL})
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert body.decode() == cli("check", "--format", "json", "--no-model", SEED_REL)
    assert len(json.loads(body)["files"][0]["findings"]) == 9


def test_check_options_select_ignore_and_default_name(server, seed_text):
    _, _, body = call(server.url, "/v1/check", {"text": seed_text, "select": ["MT105"]})
    doc = json.loads(body)
    assert doc["files"][0]["path"] == "-"
    assert {f["rule"] for f in doc["files"][0]["findings"]} == {"MT105"}
    _, _, body = call(server.url, "/v1/check", {"text": seed_text, "ignore": ["MT105", "repeated-word"]})
    assert {f["rule"] for f in json.loads(body)["files"][0]["findings"]} == {"MT102", "MT103", "MT104", "MT106"}


def test_fix_equals_cli_fix_and_reports_applied_findings(server, seed_text):
    status, _, body = call(server.url, "/v1/fix", {"text": seed_text})
    doc = json.loads(body)
    assert status == 200 and doc["changed"] and not doc["unsafe"]
    assert doc["text"] == cli("fix", SEED_REL)
    applied = doc["applied"]
    assert len(applied) == 9 and all(seed_text[f["start"] : f["end"]] == f["text"] for f in applied)
    rebuilt = seed_text
    for f in sorted(applied, key=lambda f: -f["start"]):
        rebuilt = rebuilt[: f["start"]] + f["replacements"][0] + rebuilt[f["end"] :]
    assert rebuilt == doc["text"]


@pytest.mark.parametrize("fmt, name", [("markdown", "tests/data/seed.md"), ("html", "tests/data/seed.html")])
def test_check_markup_equals_cli_json(server, fmt, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    status, _, body = call(server.url, "/v1/check", {"text": text, "name": name, "format": fmt})
    assert status == 200 and body.decode() == cli("check", "--format", "json", "--no-model", name)
    status, _, body = call(server.url, "/v1/fix", {"text": text, "format": fmt})
    assert status == 200 and json.loads(body)["text"] == cli("fix", name)


def test_bad_suppression_comment_is_400(server):
    status, _, body = call(server.url, "/v1/check", {"text": "<!-- mtlint-disable MT999 -->\nHe said said it.", "format": "markdown"})
    assert status == 400, body


def test_fix_unsafe_needs_the_model(server):
    status, _, body = call(server.url, "/v1/fix", {"text": "x", "unsafe": True})
    assert status == 400 and "learned model" in error_of(body)


def test_score_records_keep_ids_and_order(server, seed_text):
    texts = [{"id": "seed", "text": seed_text}, "Nothing wrong here.", {"text": "He said said it."}]
    status, _, body = call(server.url, "/v1/score", {"texts": texts, "findings": True})
    records = json.loads(body)["records"]
    assert status == 200 and [r["id"] for r in records] == ["seed", 1, 2]
    seed, clean, dup = records
    assert seed["flagged"] and seed["score"] == 0.95 and sum(seed["counts"].values()) == 9 and seed["counts"]["other"] == 3
    assert clean == {"id": 1, "score": 0.0, "flagged": False, "counts": {}, "findings": []}
    assert dup["counts"] == {"duplication": 1} and dup["findings"][0]["text"] == "said said"


def score_cli(records: list[dict], *options: str, tmp_path) -> list[dict]:
    """``mtlint score`` of ``records`` ({"id", "text"} objects) as a JSONL file: its output records."""
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "detector.cli", "score", "--quiet", "--jobs", "1", "--id-field", "id", *options, str(source)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("options", [{}, {"sentences": True, "findings": True, "fix": True}, {"ignore": ["MT105"], "findings": True}])
def test_score_records_equal_mtlint_score(server, seed_text, tmp_path, options):
    texts = [{"id": "seed", "text": seed_text}, {"id": "dup", "text": "He said said it. The the end."}, {"id": "clean", "text": "Nothing wrong here."}]
    status, _, body = call(server.url, "/v1/score", {"texts": texts, **options})
    flags = [f"--{k}" for k, on in options.items() if on is True] + [f"--ignore={c}" for c in options.get("ignore", [])]
    assert status == 200 and json.loads(body)["records"] == score_cli(texts, "--model", "rules", *flags, tmp_path=tmp_path)


def test_score_takes_plain_text_only(server):
    status, _, body = call(server.url, "/v1/score", {"texts": ["x"], "format": "markdown"})
    assert status == 400 and "mtlint score" in error_of(body)


def test_rules_equal_cli(server):
    status, _, body = call(server.url, "/v1/rules")
    assert status == 200 and json.loads(body) == json.loads(cli("rules", "--format", "json"))


def test_health(server):
    status, _, body = call(server.url, "/health")
    doc = json.loads(body)
    assert status == 200 and doc["status"] == "ok" and doc["version"]
    assert doc["model"] == {"enabled": False, "loaded": False, "tier": None, "load_seconds": None}
    assert doc["uptime_s"] > 0


def test_metrics_count_requests_and_give_percentiles(server):
    for _ in range(3):
        call(server.url, "/v1/check", {"text": "He said said it."})
    status, headers, body = call(server.url, "/metrics")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    count = next(line for line in text.splitlines() if line.startswith('mtlint_requests_total{method="POST",route="/v1/check",status="200"}'))
    assert int(count.split()[-1]) >= 3
    for needle in ('mtlint_request_latency_seconds{route="/v1/check",quantile="0.95"}', 'mtlint_request_duration_seconds_bucket{route="/v1/check",le="+Inf"}', "mtlint_model_queue_sentences 0", "mtlint_in_flight_requests 0"):
        assert needle in text
    for line in text.splitlines():  # every sample line is NAME{labels} VALUE with a number
        if not line.startswith("#"):
            float(line.rsplit(" ", 1)[1])


def test_openapi_is_served_valid_and_matches_the_routes(server):
    from openapi_spec_validator import validate

    status, _, body = call(server.url, "/openapi.json")
    doc = json.loads(body)
    assert status == 200 and doc == openapi_document()
    validate(doc)
    app = build_app(Settings(model=None))
    routes = {r.path: {m.lower() for m in r.methods or ()} - {"head"} for r in app.routes if hasattr(r, "methods")}
    assert {p: set(ops) for p, ops in doc["paths"].items()} == routes


def test_editor_page_is_the_live_report_under_a_strict_policy(server):
    from detector.formats import html

    status, headers, body = call(server.url, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    policy = headers["content-security-policy"]
    assert policy.startswith(html.policy(live=True)) and "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "connect-src" not in html.policy(live=False)
    assert body.decode() == html.editor_page() and '{"live": true, "files": []}' in body.decode()
    assert "http" not in body.decode().replace("http-equiv", "") and call(server.url, "/static/editor.js")[0] == 404


# -- errors -----------------------------------------------------------------------------------


def test_bad_json_is_400(server):
    status, _, body = call(server.url, "/v1/check", b'{"text": "unterminated')
    assert status == 400 and "not valid JSON" in error_of(body) and "line 1 column" in error_of(body)
    status, _, body = call(server.url, "/v1/check", b'["a list"]')
    assert status == 400 and "JSON object" in error_of(body)


@pytest.mark.parametrize(
    "payload, needle",
    [
        ({}, "'text' must be a string"),
        ({"text": 3}, "'text' must be a string"),
        ({"text": "x", "path": "/etc/passwd"}, "unknown field in the request: path"),
        ({"text": "x", "select": ["MT999"]}, "unknown rule 'MT999'"),
        ({"text": "x", "select": "MT101"}, "'select' must be a list"),
        ({"text": "x", "model": True}, "runs the rules only"),
        ({"text": "x", "format": "rtf"}, "'format' must be one of text, markdown, html"),
    ],
)
def test_bad_fields_are_400_with_the_field_named(server, payload, needle):
    status, _, body = call(server.url, "/v1/check", payload)
    assert status == 400 and needle in error_of(body)


def test_not_json_content_type_is_415(server):
    status, _, body = call(server.url, "/v1/check", b'{"text": "x"}', {"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in error_of(body)


def test_too_large_is_413(server):
    status, _, body = call(server.url, "/v1/check", {"text": "a" * 70_000})
    assert status == 413 and "60000 bytes" in error_of(body)
    status, _, body = call(server.url, "/v1/check", {"text": "a" * 10_001})
    assert status == 413 and "'text' is 10001 characters long; the limit is 10000" in error_of(body)
    status, _, body = call(server.url, "/v1/score", {"texts": ["a", "b", "c", "d"]})
    assert status == 413 and "limit is 3" in error_of(body)
    status, _, body = call(server.url, "/v1/score", {"texts": ["a", "a" * 10_001]})
    assert status == 413 and "'texts[1]'" in error_of(body)


def test_unknown_path_and_method_keep_the_error_shape(server):
    assert call(server.url, "/v2/check")[0] == 404
    status, _, body = call(server.url, "/v1/check", method="GET")
    assert status == 405 and error_of(body)


def test_foreign_host_header_is_refused(server):
    status, _, _ = call(server.url, "/health", headers={"Host": "attacker.example"})
    assert status == 400


def test_saturated_server_answers_503_with_retry_after(server):
    held = [SlowRequest(server.url), SlowRequest(server.url)]
    try:
        wait_in_flight(server.url, 2)
        status, headers, body = call(server.url, "/v1/check", {"text": "x"})
        assert status == 503 and headers["retry-after"] == "1" and "busy" in error_of(body)
        assert call(server.url, "/health")[0] == 200  # probes are not limited
    finally:
        results = [h.finish() for h in held]
    assert [s for s, _ in results] == [200, 200]
    assert call(server.url, "/v1/check", {"text": "x"})[0] == 200


def test_access_log_is_json_without_article_text(server, seed_text):
    call(server.url, "/v1/check", {"text": seed_text})
    lines = access_log(server, lambda r: r["path"] == "/v1/check" and r["status"] == 200 and r["bytes_in"] > 4000)
    assert all({"ts", "client", "method", "path", "route", "status", "ms", "bytes_in", "bytes_out", "request_id"} <= set(r) for r in lines)
    assert "Hegseth" not in server.log() and not any("text" in r for r in lines)


# -- auth, CORS, --log-text, timeout ----------------------------------------------------------


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    token_file = tmp_path_factory.mktemp("auth") / "token"
    token_file.write_text("s3cret-token-0123456789\n", encoding="utf-8")
    args = ["--no-model", "--token-file", str(token_file), "--cors-origin", "http://cms.example", "--log-text", "--timeout", "1"]
    with ServerProcess(args, cwd=ROOT) as s:
        yield s


def test_token_required_when_auth_is_on(auth_server):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic czNjcmV0"}):
        status, hdrs, body = call(auth_server.url, "/v1/check", {"text": "x"}, headers)
        assert status == 401 and hdrs["www-authenticate"] == "Bearer" and "bearer token" in error_of(body)
    assert call(auth_server.url, "/metrics")[0] == 401
    good = {"Authorization": "Bearer s3cret-token-0123456789"}
    assert call(auth_server.url, "/v1/check", {"text": "x"}, good)[0] == 200
    assert call(auth_server.url, "/metrics", headers=good)[0] == 200
    assert call(auth_server.url, "/health")[0] == 200


def test_server_configuration_file_applies_to_every_request(tmp_path):
    (tmp_path / ".mtlint.toml").write_text('ignore = ["MT105"]\nseverity = { MT101 = "info" }\n', encoding="utf-8")
    with ServerProcess(["--no-model", "--config", str(tmp_path / ".mtlint.toml")], cwd=ROOT) as s:
        doc = json.loads(call(s.url, "/v1/check", {"text": "He said said it.\nAdvertisement\n"})[2])
        assert [(f["rule"], f["severity"]) for f in doc["files"][0]["findings"]] == [("MT101", "info")]
    (tmp_path / "bad.toml").write_text('selekt = ["MT1"]\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "detector.cli", "serve", "--no-model", "--config", str(tmp_path / "bad.toml")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "selekt" in done.stderr


def test_token_file_must_hold_a_real_token(tmp_path):
    (tmp_path / "short").write_text("abc\n", encoding="utf-8")
    for path in (tmp_path / "short", tmp_path / "missing"):
        done = subprocess.run([sys.executable, "-m", "detector.cli", "serve", "--no-model", "--token-file", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and str(path) in done.stderr


def test_cors_only_for_configured_origins(server, auth_server):
    preflight = {"Origin": "http://cms.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,authorization"}
    status, headers, _ = call(auth_server.url, "/v1/check", headers=preflight, method="OPTIONS")
    assert status == 200 and headers["access-control-allow-origin"] == "http://cms.example"
    status, headers, _ = call(auth_server.url, "/v1/check", headers={**preflight, "Origin": "http://evil.example"}, method="OPTIONS")
    assert "access-control-allow-origin" not in {k.lower() for k in headers}
    _, headers, _ = call(server.url, "/health", headers={"Origin": "http://cms.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_log_text_puts_text_in_the_access_log(auth_server):
    call(auth_server.url, "/v1/check", {"text": "A sentence to log."}, {"Authorization": "Bearer s3cret-token-0123456789"})
    access_log(auth_server, lambda r: r.get("text") == ["A sentence to log."])


def test_slow_request_times_out_with_504(auth_server):
    held = SlowRequest(auth_server.url, headers="Authorization: Bearer s3cret-token-0123456789\r\n")
    status, body = held.response()  # the body never comes: the 1 s limit answers
    assert status == 504 and "limit of 1 s" in error_of(body)


# -- graceful shutdown ------------------------------------------------------------------------


def test_sigterm_lets_in_flight_requests_finish():
    s = ServerProcess(["--no-model"], cwd=ROOT)
    try:
        held = SlowRequest(s.url, body=json.dumps({"text": "He said said it."}).encode())
        wait_in_flight(s.url, 1)
        s.proc.send_signal(15)
        time.sleep(0.5)
        assert s.proc.poll() is None  # still waiting for the in-flight request
        status, body = held.finish()
        assert status == 200 and json.loads(body)["files"][0]["findings"][0]["text"] == "said said"
        assert s.proc.wait(30) in (0, -15)  # uvicorn re-raises SIGTERM once it has drained
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", urlsplit(s.url).port), timeout=2)
    finally:
        s.stop()


# -- batching ---------------------------------------------------------------------------------


def test_batcher_gathers_concurrent_jobs_into_one_call():
    calls: list[list[int]] = []
    first_running, release = threading.Event(), threading.Event()

    def run(items: list[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            first_running.set()
            release.wait(10)
        return [x * 10 for x in items]

    batcher = Batcher(run, lambda result, a, b: result[a:b])
    results: dict[int, list[int]] = {}

    def client(k: int, items: list[int]) -> None:
        results[k] = batcher.submit(items)

    threads = [threading.Thread(target=client, args=(0, [1]))]
    threads[0].start()
    first_running.wait(10)
    for k, items in enumerate([[2, 3], [4], [5, 6, 7]], start=1):  # queue up while the first batch runs
        threads.append(threading.Thread(target=client, args=(k, items)))
        threads[-1].start()
    while batcher.queue_depth != (3, 6):
        time.sleep(0.01)
    release.set()
    for t in threads:
        t.join(10)
    batcher.close()
    assert calls[0] == [1] and sorted(calls[1]) == [2, 3, 4, 5, 6, 7] and len(calls) == 2
    assert results == {0: [10], 1: [20, 30], 2: [40], 3: [50, 60, 70]}


def test_batcher_failure_reaches_every_caller_and_the_worker_goes_on():
    batcher = Batcher(lambda items: 1 / 0 if 0 in items else items, lambda r, a, b: r[a:b])
    with pytest.raises(ZeroDivisionError):
        batcher.submit([0])
    assert batcher.submit([1, 2]) == [1, 2]
    batcher.close()


def test_quantile_nearest_rank():
    values = sorted([0.1 * i for i in range(1, 21)])
    assert quantile(values, 0.5) == values[9] and quantile(values, 0.95) == values[18] and quantile([3.0], 0.99) == 3.0


def test_rules_only_server_never_imports_torch():
    code = (
        "import sys, asyncio\n"
        "from detector.server.cli import run_serve\n"
        "from detector.server.app import build_app\n"
        "from detector.server.engine import Engine\n"
        "from detector.server.settings import Settings\n"
        "build_app(Settings(model=None))\n"
        "e = Engine(None)\n"
        "e.check('He said said it.', 'markdown', e.values(None, None), use_model=False)\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_settings_refuse_nonsense_limits():
    with pytest.raises(ValueError, match="max-concurrency"):
        Settings(max_concurrency=0)
    with pytest.raises(ValueError, match="port must be between 0 and 65535"):
        Settings(port=70000)


# -- the learned model (needs torch and the shipped weights) ----------------------------------


def _has_model() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    from detector.learned import WEIGHTS

    return (WEIGHTS / "minilm" / "manifest.json").exists()


@pytest.mark.skipif(not _has_model(), reason="needs torch and the shipped model")
def test_model_tier_equals_cli_and_batches_concurrent_requests(seed_text, tmp_path):
    with ServerProcess([], cwd=ROOT) as s:
        health = json.loads(call(s.url, "/health")[2])
        assert health["model"]["enabled"] and health["model"]["loaded"] and health["model"]["load_seconds"] > 0
        status, _, body = call(s.url, "/v1/check", {"text": seed_text, "name": SEED_REL})
        assert status == 200 and body.decode() == cli("check", "--format", "json", SEED_REL)
        assert any(f["rule"] == "MT201" for f in json.loads(body)["files"][0]["findings"])
        assert json.loads(call(s.url, "/v1/check", {"text": seed_text, "model": False})[2])["files"][0]["findings"] == [
            f for f in json.loads(body)["files"][0]["findings"] if f["source"] == "rule"
        ]

        paragraphs = [p for p in seed_text.split("\n") if p.strip()][:8]  # 8 = the default concurrency limit
        alone = [json.loads(call(s.url, "/v1/check", {"text": p})[2])["files"][0]["findings"] for p in paragraphs]
        together: dict[int, list] = {}

        def client(i: int) -> None:
            together[i] = json.loads(call(s.url, "/v1/check", {"text": paragraphs[i]})[2])["files"][0]["findings"]

        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(paragraphs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        for i, expected in enumerate(alone):  # batched with strangers, scored the same (padding aside)
            got = together[i]
            assert [(f["rule"], f["start"], f["end"]) for f in got] == [(f["rule"], f["start"], f["end"]) for f in expected]
            assert all(abs(a["confidence"] - b["confidence"]) <= 0.002 for a, b in zip(got, expected))
        records = json.loads(call(s.url, "/v1/score", {"texts": paragraphs, "sentences": True})[2])["records"]
        assert [(r["flagged"], sum(r["counts"].values())) for r in records] == [(bool(a), len(a)) for a in alone]
        # mtlint score's numbers: sentence scores carry the model's probability, not only the findings' confidence
        assert records == score_cli([{"id": i, "text": p} for i, p in enumerate(paragraphs)], "--model", "fast", "--sentences", tmp_path=tmp_path)
        assert any(0 < s["score"] and not any(f["start"] < s["end"] and s["start"] < f["end"] for f in alone[r["id"]]) for r in records for s in r["sentences"])
        metrics = call(s.url, "/metrics")[2].decode()
        value = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines() if line.startswith("mtlint_model_batch")}
        assert value["mtlint_model_batch_requests_total"] >= len(paragraphs)  # the model's scoring went through the worker
        assert value["mtlint_model_batches_total"] < value["mtlint_model_batch_requests_total"]  # and some calls were gathered


@pytest.mark.skipif(not _has_model(), reason="needs torch and the shipped model")
def test_lazy_loads_the_model_on_the_first_request_that_needs_it():
    with ServerProcess(["--lazy"], cwd=ROOT) as s:
        assert json.loads(call(s.url, "/health")[2])["model"]["loaded"] is False
        assert call(s.url, "/v1/check", {"text": "He said said it.", "model": False})[0] == 200
        assert json.loads(call(s.url, "/health")[2])["model"]["loaded"] is False
        assert call(s.url, "/v1/check", {"text": "He said said it."})[0] == 200
        assert json.loads(call(s.url, "/health")[2])["model"]["loaded"] is True
