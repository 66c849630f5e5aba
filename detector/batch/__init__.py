"""Batch scoring of corpora (``mtlint score``): readers, chunked scoring, writers, checkpoints, Dask.

>>> from detector.batch.scoring import Spec, check_score
>>> check_score("Pete Hegseth Will will become the first member to visit.", Spec("rules"))
0.9
"""
