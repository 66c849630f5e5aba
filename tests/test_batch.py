"""``mtlint score``: formats, order, ids, error records, exit codes, resume after SIGKILL, Dask."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detector.api import check, fix
from detector.batch import checkpoint, writers
from detector.batch.scoring import Scorer, Spec, check_score
from detector.cli import main
from detector.formats import finding_dict

ROOT = Path(__file__).resolve().parent.parent
RULES = Spec("rules")


@pytest.fixture(scope="module")
def texts(seed_text_module: str) -> list[str]:
    """The seed article's lines, plus lines we wrote (one blank, one with a spurious break)."""
    return [line for line in seed_text_module.splitlines() if line.strip()] + ["", "The minister said. said the talks would resume."]


@pytest.fixture(scope="module")
def seed_text_module() -> str:
    return (ROOT / "seeds" / "000_92ad0e3d2eded5f1.txt").read_text(encoding="utf-8")


def score(capsys, *argv: str) -> int:
    code = main(["score", "--quiet", "--jobs", "1", "--model", "rules", *argv])
    capsys.readouterr()
    return code


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def compress(data: bytes, suffix: str) -> bytes:
    if suffix == ".gz":
        return gzip.compress(data)
    if suffix == ".zst":
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
@pytest.mark.parametrize("fmt", ["text", "jsonl", "csv", "tsv", "parquet"])
def test_each_input_format_and_compression(tmp_path, capsys, texts, fmt, suffix) -> None:
    ids = [f"doc-{i}" for i in range(len(texts))]
    extra: list[str] = []
    if fmt == "text":
        data = "".join(t + "\n" for t in texts).encode()
        expected_ids: list = list(range(1, len(texts) + 1))
    elif fmt == "jsonl":
        data = "".join(json.dumps({"meta": {"key": k}, "body": {"text": t}}) + "\n" for k, t in zip(ids, texts)).encode()
        extra, expected_ids = ["--text-field", "body.text", "--id-field", "meta.key"], ids
    elif fmt in ("csv", "tsv"):
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n", **({} if fmt == "csv" else {"quoting": csv.QUOTE_NONE, "escapechar": None}))
        writer.writerow(["key", "sentence"])
        writer.writerows(zip(ids, texts))
        data = buf.getvalue().encode()
        extra, expected_ids = ["--header", "--column", "sentence", "--id-field", "1"], ids
    else:
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(pa.table({"key": ids, "content": texts}), buf)
        data = buf.getvalue()
        extra, expected_ids = ["--text-field", "content", "--id-field", "key"], ids
    src = tmp_path / f"in.{'txt' if fmt == 'text' else fmt}{suffix}"
    src.write_bytes(compress(data, suffix))
    out = tmp_path / "out.jsonl"
    assert score(capsys, str(src), "-o", str(out), *extra) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == expected_ids
    assert [r["score"] for r in rows] == [check_score(t, RULES) for t in texts]
    assert any(r["flagged"] for r in rows) and not all(r["flagged"] for r in rows)


def test_paragraph_mode_ids_are_first_lines(tmp_path, capsys) -> None:
    src = tmp_path / "p.txt"
    src.write_text("First paragraph line.\nIt goes on.\n\n\nThe minister said. said it.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert score(capsys, "--by", "paragraph", str(src), "-o", str(out)) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [1, 5]
    assert [r["flagged"] for r in rows] == [False, True]


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_output_formats_carry_the_same_scores(tmp_path, capsys, texts, suffix) -> None:
    src = tmp_path / "in.tsv"
    src.write_text("".join(f"id{i}\t{t}\n" for i, t in enumerate(texts)), encoding="utf-8")
    expected = [check_score(t, RULES) for t in texts]

    tsv = tmp_path / f"out.tsv{suffix}"
    assert score(capsys, str(src), "--column", "2", "-o", str(tsv)) == 0
    raw = tsv.read_bytes()
    raw = gzip.decompress(raw) if suffix == ".gz" else raw
    if suffix == ".zst":
        import zstandard

        raw = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    rows = [line.split("\t") for line in raw.decode().splitlines()]
    assert [r[:2] for r in rows] == [[f"id{i}", t] for i, t in enumerate(texts)]  # the input's columns, then ours
    assert [float(r[2]) for r in rows] == expected

    import pyarrow.parquet as pq

    pqt = tmp_path / "out.parquet"
    assert score(capsys, str(src), "--column", "2", "-o", str(pqt), "--sentences") == 0
    table = pq.read_table(pqt).to_pylist()
    assert [r["id"] for r in table] == list(range(1, len(texts) + 1))
    assert [r["score"] for r in table] == expected
    assert all(isinstance(r["sentences"], list) for r in table)


def test_tsv_header_is_repeated_with_our_columns(tmp_path, capsys) -> None:
    src = tmp_path / "in.tsv"
    src.write_text("text\tlang\nThe minister said. said it.\ten\nAll is calm.\ten\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    assert score(capsys, "--header", "--column", "text", str(src), "-o", str(out)) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\tlang\tscore\tflagged\tcounts"
    assert lines[1].startswith("The minister said. said it.\ten\t0.9\t1\t")
    assert lines[2] == 'All is calm.\ten\t0.0\t0\t{}'


def test_order_and_ids_kept_across_workers_and_chunks(tmp_path, capsys, texts) -> None:
    corpus = [f"{t} ({i})" if t else t for i, t in enumerate(texts * 20)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(corpus)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["score", "-q", "--model", "rules", "--jobs", "2", "--chunk-size", "7", "--id-field", "id", str(src), "-o", str(out)])
    assert code == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(len(corpus))]
    assert [r["score"] for r in rows] == [check_score(t, RULES) for t in corpus]


def test_optional_parts_reuse_check_fix_and_the_json_schema(tmp_path, capsys, texts) -> None:
    src = tmp_path / "in.txt"
    src.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert score(capsys, "--sentences", "--findings", "--fix", str(src), "-o", str(out)) == 0
    for text, row in zip(texts, read_jsonl(out)):
        report = check(text)
        assert row["findings"] == [finding_dict(report, f) for f in report.findings]
        assert row["fixed"] == fix(text)
        assert [(s["start"], s["end"]) for s in row["sentences"]] == [(s.start, s.end) for s in report.document.sentences]
        assert row["score"] == max((s["score"] for s in row["sentences"]), default=0.0)
        assert row["counts"] == {c: sum(f.category == c for f in report.findings) for c in {f.category for f in report.findings}}


def test_malformed_records_are_reported_with_their_line_and_the_rest_scored(tmp_path, capsys) -> None:
    good = json.dumps({"text": "The minister said. said it."})
    lines = [
        good.encode(),
        b'{"text": "unterminated',
        json.dumps({"body": "no text field"}).encode(),
        json.dumps({"text": 42}).encode(),
        b'{"text": "caf\xe9"}',
        json.dumps({"text": "x" * 300}).encode(),
        b"[1, 2]",
        json.dumps({"text": "All is calm."}).encode(),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    code = score(capsys, str(src), "-o", str(out), "--errors", str(errors), "--max-bytes", "200")
    assert code == 3
    assert [r["id"] for r in read_jsonl(out)] == [1, 8]
    errs = read_jsonl(errors)
    assert [e["line"] for e in errs] == [2, 3, 4, 5, 6, 7]
    reasons = [e["reason"] for e in errs]
    assert reasons[0].startswith("bad JSON") and "missing field 'text'" in reasons[1]
    assert "int, not a string" in reasons[2] and "not UTF-8" in reasons[3]
    assert "longer than 200 bytes" in reasons[4] and "not an object" in reasons[5]
    assert all(e["path"] == str(src) for e in errs)


def test_undecodable_and_oversized_text_lines(tmp_path, capsys) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(b"Good line.\nCaf\xe9 line.\n" + b"y" * 5000 + b"\nLast line.\n")
    out, errors = tmp_path / "o.jsonl", tmp_path / "e.jsonl"
    assert score(capsys, str(src), "-o", str(out), "--errors", str(errors), "--max-bytes", "1000") == 3
    assert [r["id"] for r in read_jsonl(out)] == [1, 4]
    assert [(e["line"], e["reason"]) for e in read_jsonl(errors)] == [(2, "bytes that are not UTF-8"), (3, "record longer than 1000 bytes")]


def test_exit_codes(tmp_path, capsys) -> None:
    src = tmp_path / "in.txt"
    src.write_text("The minister said. said it.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert score(capsys, str(src), "-o", str(out)) == 0
    assert score(capsys, "--fail-on-flagged", str(src), "-o", str(out)) == 1
    assert score(capsys, str(src)) == 0  # JSONL on stdout
    assert score(capsys, str(src), "-o", str(tmp_path / "x.parquet"), "--output-format", "parquet") == 0
    assert score(capsys, str(tmp_path / "missing.txt"), "-o", str(out)) == 2
    assert score(capsys, "--select", "MT999", str(src), "-o", str(out)) == 2
    assert score(capsys, str(src), "--output-format", "parquet") == 2  # Parquet needs a file
    assert score(capsys, "--resume", "-", "-o", str(out)) == 2
    csv_src = tmp_path / "in.csv"
    csv_src.write_text("a,b\n1,2\n", encoding="utf-8")
    assert score(capsys, "--column", "b", str(csv_src), "-o", str(out)) == 2  # a name needs --header
    assert json.loads(out.read_text(encoding="utf-8"))["flagged"] is True  # failed runs left the good output


def test_rules_tier_never_imports_torch(tmp_path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("The minister said. said it.\n", encoding="utf-8")
    code = (
        "import sys; from detector.cli import main;"
        f"rc = main(['score', '-q', '--model', 'rules', '--jobs', '1', {str(src)!r}, '-o', {str(tmp_path / 'o.jsonl')!r}]);"
        "assert rc == 0, rc; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _corpus(path: Path, n: int) -> None:
    """``n`` JSONL records built from sentences we wrote, every 7th with a repeated word."""
    rng = random.Random(5)
    subjects = ["The minister", "A spokesman", "The council", "Officials", "The court"]
    verbs = ["said", "announced", "denied", "confirmed"]
    lines = []
    for i in range(n):
        s = f"{rng.choice(subjects)} {rng.choice(verbs)} on day {i} that the plan would go ahead."
        if i % 7 == 0:
            s = s.replace(" the plan", " the the plan")
        lines.append(json.dumps({"id": f"n{i}", "text": s}) + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def _score_cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "detector.cli", "score", "-q", "--model", "rules", "--jobs", "2", "--chunk-size", "40", "--id-field", "id", str(src), "-o", str(out), *extra]


def test_resume_after_sigkill_is_byte_identical(tmp_path) -> None:
    src = tmp_path / "corpus.jsonl"
    _corpus(src, 3000)
    reference = tmp_path / "reference.jsonl"
    subprocess.run(_score_cmd(src, reference), check=True, cwd=ROOT)
    out = tmp_path / "out.jsonl"
    ckpt_path = checkpoint.paths(out)[0]
    rng = random.Random(11)
    kills = 0
    proc = subprocess.Popen(_score_cmd(src, out), cwd=ROOT, start_new_session=True)
    for _ in range(30):
        # kill at a random moment after the run has committed new work, however fast the machine
        committed = ckpt_path.read_bytes() if ckpt_path.exists() else b""
        while proc.poll() is None and (ckpt_path.read_bytes() if ckpt_path.exists() else b"") == committed:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.1))
        if proc.poll() is not None:
            break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        proc = subprocess.Popen(_score_cmd(src, out, "--resume"), cwd=ROOT, start_new_session=True)
    assert proc.wait() == 0
    assert kills >= 2, "the run finished before it could be killed twice; use a larger corpus"
    assert out.read_bytes() == reference.read_bytes()
    assert not ckpt_path.exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_resume_discards_bytes_written_after_the_last_commit(tmp_path, capsys, suffix) -> None:
    """A kill in the middle of a write leaves a torn line past the checkpoint; resume cuts it off."""
    src = tmp_path / "corpus.jsonl"
    _corpus(src, 300)
    reference, out = tmp_path / f"reference{suffix}", tmp_path / f"out{suffix}"
    argv = ["score", "-q", "--model", "rules", "--jobs", "1", "--chunk-size", "25", "--id-field", "id", str(src)]
    assert main([*argv, "-o", str(reference)]) == 0
    ckpt_path, spool_path, _ = checkpoint.paths(out)
    assert main([*argv, "-o", str(tmp_path / "spool.jsonl")]) == 0
    spooled = (tmp_path / "spool.jsonl").read_bytes()  # the spool of any output format is these JSONL lines
    cut = spooled.index(b"\n", len(spooled) // 3) + 1  # as if 1/3 of the output had been committed
    records = spooled[:cut].count(b"\n")
    fp = checkpoint.fingerprint([str(src)], _settings_for(argv, out))
    checkpoint.save(ckpt_path, checkpoint.Checkpoint(fp, records=records, output_bytes=cut))
    spool_path.write_bytes(spooled[:cut] + b'{"id": "n9999", "sco')  # the torn write
    assert main([*argv, "-o", str(out), "--resume"]) == 0
    assert out.read_bytes() == reference.read_bytes()


def _settings_for(argv: list[str], out: Path) -> dict:
    """The settings the run with ``argv`` fingerprints (as the runner computes them)."""
    import argparse

    from detector.batch import cli as batch_cli
    from detector.batch import runner

    parser = argparse.ArgumentParser()
    batch_cli.register(parser.add_subparsers())
    args = parser.parse_args([*argv, "-o", str(out)])
    read = runner.ReadOptions(args.input_format, args.by, args.text_field, args.id_field, args.column, args.header, args.max_bytes)
    job = runner.Job(tuple(args.inputs), str(out), read, Spec("rules"))
    return runner._settings(job, *writers.output_format(str(out), None))


def test_resume_refuses_a_checkpoint_of_other_options(tmp_path, capsys) -> None:
    src = tmp_path / "corpus.jsonl"
    _corpus(src, 50)
    out = tmp_path / "out.jsonl"
    ckpt_path = checkpoint.paths(out)[0]
    checkpoint.save(ckpt_path, checkpoint.Checkpoint("not-this-run", records=10, output_bytes=5))
    assert score(capsys, "--resume", "--id-field", "id", str(src), "-o", str(out)) == 2
    assert not out.exists()


def test_rules_scorer_chunk_equals_check_on_the_seed(seed_text_module) -> None:
    paragraphs = seed_text_module.splitlines()
    results = Scorer(RULES).score_chunk(paragraphs + paragraphs[:3])
    assert [r["score"] for r, _ in results] == [check_score(t, RULES) for t in paragraphs + paragraphs[:3]]
    assert max(r["score"] for r, _ in results) > 0


def test_model_tier_batched_scores_equal_unbatched_check(seed_text_module) -> None:
    """Batching across records changes float32 padding only: scores agree to 1e-5."""
    pytest.importorskip("torch")
    texts = seed_text_module.splitlines()[:6] + ["The council approved the budget on Tuesday.", "Of the with meeting minister went he."]
    spec = Spec("fast", sentences=True)
    batched = Scorer(spec).score_chunk(texts + texts[:2])
    for text, (row, _) in zip(texts + texts[:2], batched):
        assert row["score"] == pytest.approx(check_score(text, spec), abs=1e-5)
        report = check(text, model=True)
        assert row["flagged"] == bool(report.findings)
    assert len({round(r["score"], 3) for r, _ in batched}) > 3  # real, varied probabilities


def test_dask_path_equals_local_path(tmp_path, texts) -> None:
    distributed = pytest.importorskip("distributed")
    from detector.batch import on_dask

    src = tmp_path / "in.txt"
    corpus = [f"{t} ({i})" if t else t for i, t in enumerate(texts * 5)]
    src.write_text("".join(t + "\n" for t in corpus), encoding="utf-8")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert main(["score", "-q", "--model", "rules", "--jobs", "1", "--chunk-size", "9", str(src), "-o", str(local)]) == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", host="127.0.0.1", dashboard_address=":0") as cluster:
        assert main(["score", "-q", "--model", "rules", "--chunk-size", "9", "--dask", cluster.scheduler_address, str(src), "-o", str(remote)]) == 0
        with distributed.Client(cluster) as client:
            import dask.bag as db
            import pandas as pd

            bag = on_dask.score_bag(db.from_sequence(corpus, npartitions=3), Spec("rules"))
            from_bag = bag.compute(scheduler=client.get)
            frame = pd.DataFrame({"key": [f"k{i}" for i in range(len(corpus))], "text": corpus})
            pq_in, pq_out = tmp_path / "in.parquet", tmp_path / "scored"
            frame.to_parquet(pq_in)
            on_dask.score_parquet(str(pq_in), str(pq_out), Spec("rules"), text_column="text", client=client)
            scored = pd.read_parquet(pq_out).sort_values("key", key=lambda k: k.str[1:].astype(int))
    assert remote.read_bytes() == local.read_bytes()
    expected = [r["score"] for r in read_jsonl(local)]
    assert [r["score"] for r in from_bag] == expected
    assert scored["score"].tolist() == expected


def test_progress_lines_and_summary_json(tmp_path, capsys, texts) -> None:
    src = tmp_path / "in.txt"
    src.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    summary_path = tmp_path / "summary.json"
    argv = ["score", "--model", "rules", "--jobs", "1", "--chunk-size", "5", "--progress-every", "0", str(src), "-o", str(tmp_path / "o.jsonl")]
    assert main([*argv, "--summary", str(summary_path)]) == 0
    err = capsys.readouterr().err
    assert err.count("mtlint score: ") >= len(texts) // 5  # a log line per chunk (stderr is not a terminal)
    assert "records/s" in err and "score histogram" in err
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["records"] == len(texts) and summary["errors"] == 0
    assert summary["flagged"] == sum(check_score(t, RULES) > 0 for t in texts)
    assert sum(summary["histogram"].values()) == len(texts)
    assert main([*argv, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
