"""Whose voices each outlet carries: speakers quoted, their side, how many quotes and words, and each side's share.

Only speech counts (``Quote.act == "speech"``: said, told, according to ...); beliefs, aims and actions stay in the
articles' records. Speakers are resolved once per story (``actors.StoryActors``): one actor per person or
organisation across the story's articles, its title and side chosen by majority over its mentions and written back
to the quotes. Named agents (people, organisations, governments) are the voices; unnamed sources ("a senior
official", "Pakistani security officials") are counted apart, as anonymous, with their description and side.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from newsprism.model import Article

from .actors import StoryActors
from .text import word_count


def _counted(art: Article) -> list:
    """The article's speech quotes, without a quotation inside a longer attributed quote (the same voice)."""
    attributed = [(q.start, q.end) for q in art.quotes if q.speaker_name or q.speaker]
    out = []
    for q in art.quotes:
        if getattr(q, "act", "speech") != "speech":
            continue
        if any(s <= q.start and q.end <= e and (s, e) != (q.start, q.end) for s, e in attributed):
            continue
        out.append(q)
    return out


def voices(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str], *, book=None) -> tuple[dict, dict, dict]:
    """``({outlet: [speaker, ...]}, {outlet: {side: share of quotes}}, {outlet: unattributed quotes})``.

    Speakers are sorted by quotes, then words. ``book`` (a ``knowledge.actors.ActorBook``) holds what is known
    before the story (the user's file and what earlier runs learned); by default the user's file named by
    ``NEWSPRISM_ACTORS`` and this process's learned actors."""
    speakers, share, unattributed, _anon, _actors = story_voices(arts, outlet_by_article, book=book)
    return speakers, share, unattributed


def story_voices(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str], *, book=None):
    """As ``voices``, plus ``{outlet: [anonymous source, ...]}`` and the story's resolved actors."""
    ids = sorted(aid for aid in outlet_by_article if aid in arts)
    resolver = StoryActors(book)
    actors = resolver.resolve(arts, ids)
    acc: dict[str, dict[object, dict]] = defaultdict(dict)
    anon: dict[str, dict[str, dict]] = defaultdict(dict)
    unattributed: dict[str, int] = defaultdict(int)
    for aid in ids:
        outlet = outlet_by_article[aid]
        art = arts[aid]
        ents = {e.id: e for e in art.entities}
        for q in _counted(art):
            words = word_count(q.text)
            ev = {"article": aid, "start": q.start, "end": q.end, "text": art.text[q.start:q.end]}
            if not q.speaker_name:
                unattributed[outlet] += 1
                continue
            if q.speaker_type == "anonymous":
                rec = anon[outlet].setdefault(q.speaker_name.lower(), {
                    "description": q.speaker_name, "affiliation": q.speaker_affiliation, "quotes": 0, "words": 0,
                    "evidence": []})
                rec["quotes"] += 1
                rec["words"] += words
                rec["evidence"].append(ev)
                continue
            ent = ents.get(q.speaker_entity) if q.speaker_entity else None
            rec = acc[outlet].setdefault(q.speaker_name, {
                "speaker_name": q.speaker_name, "affiliation": q.speaker_affiliation, "title": q.speaker_title,
                "type": q.speaker_type or (ent.type if ent else None), "quotes": 0, "words": 0, "evidence": []})
            rec["affiliation"] = rec["affiliation"] or q.speaker_affiliation
            rec["title"] = rec["title"] or q.speaker_title
            rec["quotes"] += 1
            rec["words"] += words
            rec["evidence"].append(ev)
    out: dict[str, list[dict]] = {}
    share: dict[str, dict[str, float]] = {}
    anonymous: dict[str, list[dict]] = {}
    for outlet in sorted(set(outlet_by_article.values())):
        named = sorted(acc.get(outlet, {}).values(), key=lambda r: (-r["quotes"], -r["words"], r["speaker_name"]))
        unnamed = sorted(anon.get(outlet, {}).values(), key=lambda r: (-r["quotes"], -r["words"], r["description"]))
        out[outlet] = named
        anonymous[outlet] = unnamed
        # a side's share of the outlet's attributed speech, named and anonymous sources alike
        total = sum(r["quotes"] for r in named + unnamed)
        sides: dict[str, float] = defaultdict(float)
        for r in named + unnamed:
            sides[r["affiliation"] or "unknown"] += r["quotes"] / total if total else 0.0
        share[outlet] = {k: round(v, 3) for k, v in sorted(sides.items(), key=lambda kv: -kv[1])}
    return out, share, dict(unattributed), anonymous, actors
