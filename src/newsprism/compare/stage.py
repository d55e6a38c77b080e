"""The compare stage: fills ``story.comparison`` for every story touched by this batch."""
from __future__ import annotations

from collections.abc import Mapping

from newsprism.model import Article, Story
from newsprism.pipeline import Corpus

from .align import align
from .framing import framing
from .outlets import representatives
from .voices import voices

SCHEMA_VERSION = 1


def compare_story(story: Story, articles: Mapping[str, Article]) -> dict:
    """The comparison of one story; ``articles`` must hold the story's member articles (others are ignored)."""
    members = {aid: articles[aid] for aid in story.articles if aid in articles and articles[aid].ok}
    outlet_by_article, copies = representatives(members)
    speakers, share, unattributed = voices(members, outlet_by_article)
    facts = align(members, outlet_by_article)
    counts = {s: sum(f["status"] == s for f in facts) for s in ("agreed", "differs", "single-source")}
    outlets: dict[str, list[str]] = {}
    for aid, o in sorted(outlet_by_article.items()):
        outlets.setdefault(o, []).append(aid)
    return {"schema": SCHEMA_VERSION, "outlets": outlets, "voices": speakers, "voice_share": share,
            "unattributed_quotes": unattributed,
            "facts": facts, "counts": counts, "framing": framing(members, outlet_by_article),
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
        if needed:
            for a in corpus.prior_articles():
                if a.id in needed:
                    known[a.id] = a
        for story in touched:
            story.comparison = compare_story(story, known)
