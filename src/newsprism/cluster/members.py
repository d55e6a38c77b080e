"""Which stored members of a story a chunk reads as heads only: the copies that stand in for their source.

A story that keeps growing (a months-long conflict, a wire story picked up day after day) gathers copies: the same
words under another id, outlet or date. Every chunk that touches the story reads its stored members, and read whole
(text, entities, quotes, claims: about 66 KB each in memory for a 4.4 KB text) they made a chunk's memory grow with
the archive. A stage that reads members' words needs no copy's words when the copy's source is read whole:

- the comparison counts a copy under its source and compares the source alone (``compare.outlets.representatives``),
  and its page-furniture keys count stories, so a copy adds none its source does not;
- the timeline credits a quote to the first article that carried its words, so a copy read after its source adds
  none either.

So such a copy comes as a head (``Store.get_article_heads_by_id``: id, outlet, dates, copy marks) and the rest whole.
Only exact copies qualify (the same words, ``dedup``'s ``"exact"``): a near or contained copy may carry words of its
own, and is read whole.
"""
from __future__ import annotations

from collections.abc import Mapping

from newsprism.cluster.features import day_number
from newsprism.model import Article


def reading_order(a: Article) -> tuple:
    """The order a story's members are read in time (the timeline's): by day, undated last, then by the
    publication stamp and the id."""
    day = day_number(a.published)
    return (day is None, day or 0, a.published or "", a.id)


def stand_ins(members: Mapping[str, Article]) -> set[str]:
    """Ids of ``members`` (one story's, by id) that are exact copies of another member, come after it in reading
    order, and whose source (at the end of a chain of such copies) is a member that did not fail."""
    out: set[str] = set()
    for aid, a in members.items():
        src = members.get(a.duplicate_of) if a.duplicate_of else None
        if (a.ok and a.duplicate_kind == "exact" and src is not None and src.ok
                and reading_order(src) < reading_order(a)):
            out.add(aid)  # its source comes first, so a chain of them ends at a member that is not one
    return out
