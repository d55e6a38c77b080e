"""Text normalisation and word-shingle fingerprints (pure functions, no I/O).

A text becomes a sorted array of unique 64-bit hashes of its word k-grams. Words are found and hashed in numpy over
the text's UTF-8 bytes (no Python object per word), and the hashes are stable across processes and runs (no use of
Python's salted ``hash``). Case, punctuation, spacing and Unicode form do not change a text's words.
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


def words(text: str) -> list[str]:
    """The words of a text as strings (for display and tests; the fingerprints use ``word_hashes``)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def normalize(text: str) -> str:
    """Lower-cased, NFKC-folded text reduced to its words separated by single spaces."""
    return " ".join(words(text))


def exact_key(text: str) -> str:
    """Key equal for texts with the same words in the same order."""
    return hashlib.blake2b(word_hashes(text).tobytes(), digest_size=16).hexdigest()


def text_shingles(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique uint64 hashes of the word k-grams of ``text``."""
    return shingles_from_word_hashes(word_hashes(text), k)


def _mix(h: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads a combination over all 64 bits
    h = h ^ (h >> np.uint64(30))
    h = h * _M2
    h = h ^ (h >> np.uint64(27))
    h = h * _M3
    return h ^ (h >> np.uint64(31))


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
