"""Actor names matched across articles, and the side (country) an actor speaks for.

The nlp package owns name canonicalisation (``newsprism.nlp.actors``); compare uses it when importable and a small
equivalent otherwise, so compare and the report still work where spaCy is absent.
"""
from __future__ import annotations

import re

try:  # the nlp engineer's helpers: one notion of "same actor" across the project
    from newsprism.nlp.actors import canonical_key, same_actor  # noqa: F401
except Exception:  # pragma: no cover - exercised only without the nlp package
    _TITLES = frozenset("mr mrs ms dr the president vice premier secretary minister spokesman spokeswoman "
                        "senator gov governor prime chairman chief treasury commerce foreign state us".split())

    def canonical_key(name: str) -> str:
        words = re.sub(r"[^\w\s-]", " ", (name or "").lower().replace("’s", "").replace("'s", "")).split()
        while len(words) > 1 and words[0] in _TITLES:
            words.pop(0)
        return " ".join(words)

    def same_actor(a: str, b: str) -> bool:
        ka, kb = canonical_key(a).split(), canonical_key(b).split()
        if not ka or not kb:
            return False
        if ka == kb:
            return True
        short, long_ = sorted((ka, kb), key=len)
        return len(short) == 1 and short[0] in (long_[0], long_[-1])

try:
    from newsprism.nlp.lexicon import country_of
except Exception:  # pragma: no cover
    _C = {"us": "US", "u.s.": "US", "american": "US", "washington": "US", "united states": "US",
          "china": "China", "chinese": "China", "beijing": "China", "uk": "UK", "british": "UK",
          "russia": "Russia", "russian": "Russia", "moscow": "Russia"}

    def country_of(text: str) -> str | None:
        return _C.get(text.strip().lower().removesuffix("'s").removesuffix("’s"))


_WORDS = re.compile(r"[A-Za-z][A-Za-z.\-'’]*")


def side_of(*texts: str | None) -> str | None:
    """The country named in a speaker's affiliation, title or name ("US Treasury Secretary" -> "US")."""
    for text in texts:
        if not text:
            continue
        if country_of(text):
            return country_of(text)
        words = _WORDS.findall(text)
        # two-word names first ("United States", "South Korea"), then single words
        for i in range(len(words) - 1):
            c = country_of(f"{words[i]} {words[i + 1]}") or country_of(f"{words[i]}-{words[i + 1]}".lower())
            if c:
                return c
        for w in words:
            c = country_of(w.rstrip("."))
            if c:
                return c
    return None


class ActorIndex:
    """Groups names seen across a story's articles into actors; ``key(name)`` returns the actor's first name seen
    in its longest form, so "Bessent" and "Scott Bessent" share one key."""

    def __init__(self) -> None:
        self._names: list[str] = []  # representative (longest) name per actor
        self._cache: dict[str, int] = {}

    def add(self, name: str) -> int:
        if name in self._cache:
            return self._cache[name]
        for i, rep in enumerate(self._names):
            if canonical_key(rep) == canonical_key(name) or same_actor(rep, name):
                if len(canonical_key(name)) > len(canonical_key(rep)):
                    self._names[i] = name
                self._cache[name] = i
                return i
        self._names.append(name)
        self._cache[name] = len(self._names) - 1
        return len(self._names) - 1

    def name(self, i: int) -> str:
        return self._names[i]
