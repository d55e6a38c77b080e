"""Which outlet an article counts under, and which articles stand for their syndicated copies."""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from newsprism.model import Article


def outlet_of(article: Article) -> str:
    """The outlet name; without one, the URL's host (without www.), then the credit line the page carries
    ("(MENAFN)"), then the article id.

    Each id-only article counts as its own outlet: we cannot tell two unnamed sources apart, and merging them would
    hide differences between them.
    """
    if article.outlet and article.outlet.strip():
        return article.outlet.strip()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    if article.credit and article.credit.strip():
        return article.credit.strip()
    return article.id


def representatives(members: Mapping[str, Article]) -> tuple[dict[str, str], list[dict]]:
    """Map each article that is compared to the outlet it counts under, and list the copies left out.

    A copy (``duplicate_of`` set) counts once, under its source: it is left out when its source is in the story,
    and otherwise stands in for the source under the source's outlet when that is known. Articles of one
    syndication group without a recorded source keep the first (by publication, then id) as the source.
    """
    chosen: dict[str, str] = {}
    copies: list[dict] = []
    groups: dict[str, list[Article]] = {}
    for a in members.values():
        if a.syndication_group and not a.duplicate_of:
            groups.setdefault(a.syndication_group, []).append(a)
    group_origin = {g: sorted(arts, key=lambda x: (x.published or "~", x.id))[0].id for g, arts in groups.items()}
    for aid in sorted(members):
        a = members[aid]
        origin_id = a.duplicate_of
        if origin_id is None and a.syndication_group and group_origin.get(a.syndication_group) not in (None, aid):
            origin_id = group_origin[a.syndication_group]
        if origin_id is None:
            chosen[aid] = outlet_of(a)
            continue
        src = members.get(origin_id)
        # follow a chain of copies to its source
        seen = {aid}
        while src is not None and src.duplicate_of and src.duplicate_of in members and src.id not in seen:
            seen.add(src.id)
            origin_id = src.duplicate_of
            src = members.get(origin_id)
        copies.append({"article": aid, "outlet": outlet_of(a), "copy_of": origin_id,
                       "source_outlet": outlet_of(src) if src is not None else None,
                       "kind": a.duplicate_kind or "syndicated"})
        if src is None:
            chosen[aid] = outlet_of(a)
    return chosen, copies
