"""Text normalisation and word-shingle fingerprints (pure functions, no I/O).

A text becomes a sorted array of unique 64-bit hashes of its word k-grams. Hashes are stable across processes and
runs (no use of Python's salted ``hash``), so signatures kept in the pipeline state stay comparable.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

SHINGLE_SIZE = 5

_WORD = re.compile(r"\w+", re.UNICODE)

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)

class _TokenHashes(dict):
    """token -> stable 64-bit hash, computed on first sight (dict lookups stay in C for known tokens)."""

    def __missing__(self, tok: str) -> int:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        h = self[tok] = int.from_bytes(hashlib.blake2b(tok.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                       "little")
        return h


_CACHE_LIMIT = 2_000_000
_token_cache = _TokenHashes()


def normalize(text: str) -> str:
    """Lower-cased, NFKC-folded text reduced to its words separated by single spaces."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    # punctuation (straight or curly quotes, dashes) never enters a word, so copies that swap it keep their shingles
    text = unicodedata.normalize("NFKC", text).lower()
    return _WORD.findall(text)


def exact_key(text: str) -> str:
    """Key equal for texts that differ only in case, punctuation, spacing and Unicode form."""
    return hashlib.blake2b(normalize(text).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def token_hashes(toks: list[str]) -> np.ndarray:
    return np.fromiter(map(_token_cache.__getitem__, toks), dtype=np.uint64, count=len(toks))


def _mix(h: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the k-gram combination over all 64 bits
    h = h ^ (h >> np.uint64(30))
    h = h * _M2
    h = h ^ (h >> np.uint64(27))
    h = h * _M3
    return h ^ (h >> np.uint64(31))


def shingle_hashes(toks: list[str], k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique uint64 hashes of the word k-grams of ``toks`` (one shingle for texts shorter than k)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    w = token_hashes(toks)
    n = len(w) - k + 1
    if n <= 0:
        k, n = len(w), 1
    with np.errstate(over="ignore"):
        h = w[:n].copy()
        for j in range(1, k):
            h = h * _M1 + w[j:j + n]
        h = _mix(h)
    h.sort()
    return h[np.r_[True, h[1:] != h[:-1]]]


def text_shingles(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    return shingle_hashes(words(text), k)
