"""Hand-built articles for compare and report tests: spans are found in the text, never typed as offsets."""
from __future__ import annotations

from newsprism.model import Article, Claim, Entity, Quote, Span, Story


def find(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


def article(aid: str, outlet: str | None, text: str, claims=(), quotes=(), entities=(), **kw) -> Article:
    a = Article(id=aid, outlet=outlet, text=text, **kw)
    for sub, kind, norm, *rest in claims:
        s, e = find(text, sub)
        a.claims.append(Claim(s, e, sub, kind, value=norm, normalized=norm, unit=rest[0] if rest else None))
    for i, (sub, speaker, *aff) in enumerate(quotes):
        s, e = find(text, sub)
        sp = None
        if speaker in text:
            ss, se = find(text, speaker)
            sp = Span(ss, se, speaker)
        a.quotes.append(Quote(s, e, sub, "direct", None, sp, speaker, None, None, aff[0] if aff else None))
    for i, (name, typ) in enumerate(entities):
        s, e = find(text, name)
        a.entities.append(Entity(f"e{i}", name, typ, mentions=[(s, e)]))
    return a


def story(*arts: Article, sid: str = "s1", title: str = "A story") -> tuple[Story, dict[str, Article]]:
    st = Story(id=sid, title=title, articles=[a.id for a in arts],
               outlets=sorted({a.outlet for a in arts if a.outlet}))
    return st, {a.id: a for a in arts}


def all_spans(comparison: dict):
    """Every evidence span a comparison carries: facts (and their claim sub-spans), voices, framing."""
    for f in comparison.get("facts", []):
        for evs in f["outlets"].values():
            for ev in evs:
                yield ev
                if "claim" in ev:
                    yield ev["claim"]
    for speakers in comparison.get("voices", {}).values():
        for s in speakers:
            yield from s.get("evidence", [])
    for fr in comparison.get("framing", {}).values():
        yield from fr.get("evidence", [])
