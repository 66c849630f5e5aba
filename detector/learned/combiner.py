"""A small logistic model that turns the encoder score and cheap features into a probability.

It follows the scikit-learn estimator contract (``fit`` returns self, ``predict_proba`` gives
two calibrated columns, learned state ends in ``_``) but stores and predicts with plain numpy,
so the shipped model is arrays in JSON, never a pickle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Combiner:
    """Standardize the inputs, then L2-regularized logistic regression."""

    C: float = 1.0
    feature_names: tuple[str, ...] = ()
    mean_: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    scale_: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    coef_: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    intercept_: float = 0.0

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Combiner:
        from sklearn.linear_model import LogisticRegression

        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        lr = LogisticRegression(C=self.C, max_iter=2000)
        lr.fit((X - self.mean_) / self.scale_, y, sample_weight=sample_weight)
        self.coef_, self.intercept_ = lr.coef_[0], float(lr.intercept_[0])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return ((np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-np.clip(self.decision_function(X), -500.0, 500.0)))  # no overflow warning
        return np.column_stack([1 - p, p])

    def to_dict(self) -> dict[str, object]:
        return {
            "C": self.C,
            "feature_names": list(self.feature_names),
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Combiner:
        return cls(
            C=d["C"],
            feature_names=tuple(d["feature_names"]),
            mean_=np.array(d["mean"]),
            scale_=np.array(d["scale"]),
            coef_=np.array(d["coef"]),
            intercept_=float(d["intercept"]),
        )
