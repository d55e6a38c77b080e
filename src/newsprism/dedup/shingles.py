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


# --- a vectorised path: the words of a text hashed without a Python object per word --------------------------------
# Word characters are ASCII letters, digits and "_", and every non-ASCII character except the General Punctuation
# block (U+2000-U+206F: curly quotes, dashes, ellipsis) and Latin-1 symbols (U+00A1-U+00BF: guillemets, ©, °).
# A word's hash is a polynomial over its UTF-8 bytes, read off prefix sums, then mixed.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _WORD_BYTE[_c] = True
_WORD_BYTE[0x80:] = True
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_powers = np.ones(1, dtype=np.uint64)
_inv_powers = np.ones(1, dtype=np.uint64)


def _grow_powers(n: int) -> None:
    global _powers, _inv_powers
    if len(_powers) >= n:
        return
    size = max(n, 2 * len(_powers), 1 << 16)
    p = np.empty(size, dtype=np.uint64)
    q = np.empty(size, dtype=np.uint64)
    p[0] = q[0] = 1
    with np.errstate(over="ignore"):
        # doubling: powers[k:2k] = powers[:k] * P**k, all mod 2**64
        k = 1
        while k < size:
            m = min(k, size - k)
            p[k:k + m] = p[:m] * np.uint64(pow(_P, k, 2**64))
            q[k:k + m] = q[:m] * np.uint64(pow(_P_INV, k, 2**64))
            k *= 2
    _powers, _inv_powers = p, q


def word_hashes(text: str) -> np.ndarray:
    """uint64 hashes of the words of ``text`` (NFKC, lower-cased), one per word, in order."""
    data = unicodedata.normalize("NFKC", text).lower().encode("utf-8", "surrogatepass")
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    word = _WORD_BYTE[b]
    # General Punctuation (E2 80 xx, E2 81 xx) and Latin-1 symbols (C2 A1..BF) are not word characters
    lead = np.flatnonzero(b[:-1] == 0xE2)
    if len(lead):
        lead = lead[(b[lead + 1] == 0x80) | (b[lead + 1] == 0x81)]
        lead = lead[lead + 2 < n]
        word[lead] = word[lead + 1] = word[lead + 2] = False
    lead = np.flatnonzero(b[:-1] == 0xC2)
    if len(lead):
        lead = lead[(b[lead + 1] >= 0xA1) & (b[lead + 1] <= 0xBF)]
        word[lead] = word[lead + 1] = False
    edges = np.flatnonzero(np.diff(np.r_[False, word, False].view(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    _grow_powers(n + 1)
    with np.errstate(over="ignore"):
        pref = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((b.astype(np.uint64) + np.uint64(1)) * _powers[:n], out=pref[1:])
        h = (pref[ends] - pref[starts]) * _inv_powers[starts]
        h = h + (ends - starts).astype(np.uint64)  # length folded in
        return _mix(h)


def shingles_from_word_hashes(w: np.ndarray, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique uint64 hashes of the k-grams of a word-hash sequence (one shingle when shorter than k)."""
    if len(w) == 0:
        return np.zeros(0, dtype=np.uint64)
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
