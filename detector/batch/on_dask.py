"""Scoring on Dask: the chunk function of ``mtlint score`` over ``dask.bag`` / ``dask.dataframe`` partitions.

Each partition is one chunk; a worker loads the model on its first partition and keeps it
(:func:`detector.batch.scoring.scorer` is cached per process), so scores equal the local
path's. ``pip install 'mtlint[batch]'`` brings dask[distributed], pyarrow and zstandard.

>>> from distributed import Client                         # doctest: +SKIP
>>> from detector.batch.on_dask import score_parquet        # doctest: +SKIP
>>> from detector.batch.scoring import Spec                 # doctest: +SKIP
>>> with Client("tcp://scheduler:8786") as client:          # doctest: +SKIP
...     score_parquet("crawl/*.parquet", "scored/", Spec("fast"), text_column="text", client=client)
"""

from __future__ import annotations

import json

from detector.batch.scoring import Spec, score_chunk

def score_bag(texts, spec: Spec = Spec()):
    """A bag of texts → a bag of result dicts (``score``, ``flagged``, ``counts``, extras), in order."""
    return texts.map_partitions(lambda part: [r for r, _ in score_chunk(list(part), spec)])


def _frame_partition(frame, spec: Spec, text_column: str):
    results = [r for r, _ in score_chunk(frame[text_column].tolist(), spec)]
    out = frame.copy()
    out["score"] = [r["score"] for r in results]
    out["flagged"] = [r["flagged"] for r in results]
    out["counts"] = [json.dumps(r["counts"]) for r in results]
    for key, on in (("sentences", spec.sentences), ("findings", spec.findings)):
        if on:
            out[key] = [json.dumps(r[key], ensure_ascii=False) for r in results]
    if spec.fix:
        out["fixed"] = [r["fixed"] for r in results]
    return out.astype({k: "string" for k in ("counts", "sentences", "findings", "fixed") if k in out.columns})


def score_dataframe(frame, spec: Spec = Spec(), text_column: str = "text"):
    """A Dask DataFrame with our columns appended (``counts``, ``sentences``, ``findings`` as JSON strings)."""
    import pandas as pd

    extra = [k for k, on in (("sentences", spec.sentences), ("findings", spec.findings), ("fixed", spec.fix)) if on]
    types = {"score": "float64", "flagged": "bool", "counts": "string", **{k: "string" for k in extra}}
    meta = frame._meta.assign(**{k: pd.Series(dtype=t) for k, t in types.items()})
    return frame.map_partitions(_frame_partition, spec, text_column, meta=meta)


def score_parquet(source: str, target: str, spec: Spec = Spec(), text_column: str = "text", client=None) -> None:
    """Read Parquet at ``source``, score it, write Parquet files into the folder ``target``."""
    import dask.dataframe as dd

    frame = score_dataframe(dd.read_parquet(source), spec, text_column)
    if client is not None:
        frame.to_parquet(target, write_index=False, compute=True, compute_kwargs={"scheduler": client.get})
    else:
        frame.to_parquet(target, write_index=False)
