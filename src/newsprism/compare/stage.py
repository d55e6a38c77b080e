"""The compare stage: fills ``story.comparison`` for every story touched by this batch."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from newsprism.knowledge.actors import record_of
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus

from .align import align
from .framing import framing, framing_groups
from .outlets import representatives
from .text import clause_key, clauses, sentences
from .voices import story_voices

SCHEMA_VERSION = 1


def recurring_clauses(stories: Iterable[Story], articles: Mapping[str, Article]) -> set[str]:
    """Clause keys found in articles of two or more stories from two or more outlets: page furniture (teasers,
    related-story lists, slogans) that a site wraps around unrelated articles, never a fact of one story."""
    where: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for st in stories:
        for aid in st.articles:
            a = articles.get(aid)
            if a is None or not a.ok or not a.text:
                continue
            for sent in sentences(a.text):
                for p in clauses(a.text, sent):
                    key = clause_key(p.text)
                    if len(key) >= 20:
                        where[key].add((st.id, a.outlet or a.url or a.id))
    return {k for k, seen in where.items() if len({s for s, _ in seen}) >= 2}


def compare_story(story: Story, articles: Mapping[str, Article], furniture: Collection[str] = ()) -> dict:
    """The comparison of one story; ``articles`` must hold the story's member articles (others are ignored);
    ``furniture`` holds clause keys recurring across unrelated stories (``recurring_clauses``)."""
    members = {aid: articles[aid] for aid in story.articles if aid in articles and articles[aid].ok}
    outlet_by_article, copies = representatives(members)
    speakers, share, unattributed, anonymous, actors = story_voices(members, outlet_by_article)
    facts = align(members, outlet_by_article, furniture)
    counts = {s: sum(f["status"] == s for f in facts) for s in ("agreed", "differs", "single-source")}
    outlets: dict[str, list[str]] = {}
    for aid, o in sorted(outlet_by_article.items()):
        outlets.setdefault(o, []).append(aid)
    # an outlet's side, for framing between sides: the side most of its attributed quotes speak for (half or more)
    side_of = {o: side for o, sh in share.items() if sh for side in [max(sh, key=sh.get)]
               if sh[side] >= 0.5 and side not in ("unknown", "other", "")}
    return {"schema": SCHEMA_VERSION, "outlets": outlets, "voices": speakers, "voice_share": share,
            "unattributed_quotes": unattributed, "anonymous": anonymous,
            "actors": [r.to_dict() for r in map(record_of, actors) if r is not None],
            "facts": facts, "counts": counts, "framing": framing(members, outlet_by_article),
            "framing_sides": framing_groups(members, outlet_by_article, side_of),
            "syndicated": copies}


class CompareStage:
    name = "compare"
    scope = "corpus"
    requires = frozenset({"stories", "quotes", "claims", "entities", "duplicate_of"})
    assigns = frozenset({"comparison"})

    def __call__(self, corpus: Corpus) -> None:
        batch = {a.id: a for a in corpus.articles}
        touched = [s for s in corpus.stories.values() if any(aid in batch for aid in s.articles)]
        if not touched:
            return
        needed = {aid for s in touched for aid in s.articles} - set(batch)
        known: dict[str, Article] = dict(batch)
        known.update(corpus.prior_by_id(needed))
        furniture = recurring_clauses(touched, known)
        for story in touched:
            story.comparison = compare_story(story, known, furniture)
