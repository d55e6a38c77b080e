"""Whose voices each outlet carries: speakers quoted, their side, how many quotes and words, and each side's share."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from newsprism.model import Article

from .actors import ActorIndex, side_of
from .text import word_count


def voices(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str]) -> tuple[dict, dict, dict]:
    """``({outlet: [speaker, ...]}, {outlet: {side: share of quotes}}, {outlet: unattributed quotes})``.

    Speakers are sorted by quotes, then words; a speaker's side is the quote's or entity's affiliation, else the
    country in their title, name or the title words written before their name."""
    index = ActorIndex()
    acc: dict[str, dict[int, dict]] = defaultdict(dict)
    unattributed: dict[str, int] = defaultdict(int)
    for aid, outlet in sorted(outlet_by_article.items()):
        art = arts[aid]
        ents = {e.id: e for e in art.entities}
        attributed = [(q.start, q.end) for q in art.quotes if q.speaker_name or q.speaker]
        for q in art.quotes:
            if any(s <= q.start and q.end <= e and (s, e) != (q.start, q.end) for s, e in attributed):
                continue  # a quotation inside a longer attributed quote is the same voice, counted once
            name = q.speaker_name or (q.speaker.text if q.speaker else None)
            if not name:
                unattributed[outlet] += 1
                continue
            ent = ents.get(q.speaker_entity) if q.speaker_entity else None
            k = index.add(name)
            title = q.speaker_title or (ent.title if ent else None)
            affiliation = q.speaker_affiliation or (ent.affiliation if ent else None) or side_of(title, name) \
                or _side_from_context(art, ent, q)
            rec = acc[outlet].setdefault(k, {"speaker_name": name, "affiliation": affiliation, "title": title,
                                             "type": ent.type if ent else None, "quotes": 0, "words": 0,
                                             "evidence": []})
            if len(name) > len(rec["speaker_name"]):
                rec["speaker_name"] = name
            rec["affiliation"] = rec["affiliation"] or affiliation
            rec["title"] = rec["title"] or title
            rec["quotes"] += 1
            rec["words"] += word_count(q.text)
            rec["evidence"].append({"article": aid, "start": q.start, "end": q.end, "text": art.text[q.start:q.end]})
    out: dict[str, list[dict]] = {}
    share: dict[str, dict[str, float]] = {}
    for outlet in sorted(set(outlet_by_article.values())):
        speakers = sorted(acc.get(outlet, {}).values(), key=lambda r: (-r["quotes"], -r["words"], r["speaker_name"]))
        out[outlet] = speakers
        total = sum(r["quotes"] for r in speakers)
        sides: dict[str, float] = defaultdict(float)
        for r in speakers:
            sides[r["affiliation"] or "unknown"] += r["quotes"] / total if total else 0.0
        share[outlet] = {k: round(v, 3) for k, v in sorted(sides.items(), key=lambda kv: -kv[1])}
    return out, share, dict(unattributed)


_TITLE_RUN = re.compile(r"((?:[A-Z][\w.’'\-]*\s+){1,5})$")


def _side_from_context(art: Article, ent, q) -> str | None:
    """The country in the capitalised title run right before a mention ("US Treasury Secretary Scott Bessent")."""
    starts = [s for s, _ in ent.mentions] if ent is not None else []
    if q.speaker is not None:
        starts.append(q.speaker.start)
    for s in sorted(starts):
        m = _TITLE_RUN.search(art.text[max(0, s - 60):s])
        if m:
            side = side_of(m.group(1))
            if side:
                return side
    return None
