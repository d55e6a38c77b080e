"""Exact set measures over sorted unique hash arrays (the verification step after candidate generation)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Overlap:
    size_a: int
    size_b: int
    common: int

    @property
    def jaccard(self) -> float:
        union = self.size_a + self.size_b - self.common
        return self.common / union if union else 1.0

    @property
    def containment(self) -> float:
        """Share of the smaller set found in the larger: 1.0 when one text is a cut or wrapped copy of the other."""
        small = min(self.size_a, self.size_b)
        return self.common / small if small else 0.0

    @property
    def coverage(self) -> float:
        """Share of the larger set found in the smaller: how much of the container the contained copy is."""
        big = max(self.size_a, self.size_b)
        return self.common / big if big else 0.0


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    if len(a) == 0 or len(b) == 0:
        return Overlap(len(a), len(b), 0)
    common = int(np.intersect1d(a, b, assume_unique=True).size)
    return Overlap(len(a), len(b), common)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return overlap(a, b).jaccard


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of ``a`` found in ``b`` (directional)."""
    if len(a) == 0:
        return 0.0
    return int(np.intersect1d(a, b, assume_unique=True).size) / len(a)
