"""Syndication groups: union-find over verified copy edges, and the choice of each group's origin.

The origin of a group is the copy published by the outlet that the group's credit lines name (an "(AP)" copy on a
regional site points at AP's own article), then the earliest publication time, then the earliest seen.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

# Canonical agency name -> names and hosts that mean it. Anything else is compared by its own normalised form.
AGENCIES: dict[str, tuple[str, ...]] = {
    "ap": ("ap", "associated press", "the associated press", "apnews", "apnews.com", "ap news"),
    "reuters": ("reuters", "thomson reuters", "reuters.com", "reuters news"),
    "afp": ("afp", "agence france presse", "agence france-presse", "afp.com", "france presse"),
    "xinhua": ("xinhua", "xinhua news agency", "xinhuanet", "xinhuanet.com", "news.cn", "english.news.cn"),
    "anadolu": ("anadolu", "anadolu agency", "anadolu ajansi", "aa", "aa.com.tr", "anews"),
    "menafn": ("menafn", "menafn.com", "middle east north africa financial network"),
    "upi": ("upi", "united press international", "upi.com"),
    "dpa": ("dpa", "deutsche presse-agentur", "dpa.com"),
    "efe": ("efe", "agencia efe", "efe.com"),
    "ani": ("ani", "asian news international", "aninews.in"),
    "pti": ("pti", "press trust of india", "ptinews.com"),
    "kyodo": ("kyodo", "kyodo news", "english.kyodonews.net"),
    "yonhap": ("yonhap", "yonhap news agency", "en.yna.co.kr"),
    "tass": ("tass", "tass.com"),
    "ians": ("ians", "indo-asian news service"),
    "bloomberg": ("bloomberg", "bloomberg news", "bloomberg.com"),
    "cna": ("cna", "channel newsasia", "channelnewsasia.com"),
    "globenewswire": ("globenewswire", "globe newswire", "globenewswire.com"),
    "pr newswire": ("pr newswire", "prnewswire", "prnewswire.com"),
    "business wire": ("business wire", "businesswire", "businesswire.com"),
}
_ALIAS = {alias: canon for canon, names in AGENCIES.items() for alias in names}
_JUNK = re.compile(r"[^\w.\- ]+")


def agency_key(name: str | None) -> str | None:
    """Canonical key of an outlet, credit or host name ("The Associated Press" -> "ap", "www.reuters.com" -> "reuters")."""
    if not name:
        return None
    s = _JUNK.sub(" ", name.lower()).strip(" .-")
    s = re.sub(r"\s+", " ", s)
    if s.startswith("www."):
        s = s[4:]
    if s in _ALIAS:
        return _ALIAS[s]
    # a host: try it without its public suffix ("reuters.com" -> "reuters") and its parent domains
    if "." in s and " " not in s:
        parts = s.split(".")
        for i in range(len(parts) - 1):
            host = ".".join(parts[i:])
            if host in _ALIAS:
                return _ALIAS[host]
            if parts[i] in _ALIAS and i == len(parts) - 2:
                return _ALIAS[parts[i]]
        return parts[-2] if len(parts) >= 2 else s
    return s or None


def outlet_keys(outlet: str | None, url: str | None) -> set[str]:
    keys = {k for k in (agency_key(outlet),) if k}
    if url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            k = agency_key(host)
            if k:
                keys.add(k)
    return keys


def parse_time(value: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 date or datetime (naive means UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def add(self, x: Hashable) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: Hashable) -> Hashable:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: Hashable, b: Hashable) -> Hashable:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def components(self) -> dict[Hashable, list[Hashable]]:
        out: dict[Hashable, list[Hashable]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out


def origin_order(members: Sequence[Any]) -> list[int]:
    """Indices of ``members`` best origin first. Members need ``credit``, ``outlet``, ``url``, ``published`` and are
    given in the order they were seen (earlier runs first)."""
    credits = {k for m in members for k in (agency_key(getattr(m, "credit", None)),) if k}
    inf = float("inf")

    def key(i: int) -> tuple[int, float, int]:
        m = members[i]
        credited = bool(credits & outlet_keys(getattr(m, "outlet", None), getattr(m, "url", None)))
        t = parse_time(getattr(m, "published", None))
        return (0 if credited else 1, inf if t is None else t, i)

    return sorted(range(len(members)), key=key)


def group_id(origin_id: str) -> str:
    """Stable id of a syndication group, derived from the id of the member that founded it."""
    return "syn-" + hashlib.blake2b(origin_id.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def syndication_groups(articles: Iterable[Any]) -> list[dict[str, Any]]:
    """The groups of copies among ``articles``: ``[{"group", "origin": id, "copies": [{"article": id, "kind"}]}]``.

    Uses the ``syndication_group``/``duplicate_of``/``duplicate_kind`` fields the dedup stage set. Works on any subset
    (a story's articles): the origin is the group's marked origin when present, else the best-ranked member present.
    Groups with a single member in ``articles`` are left out, so counting a group once is ``len(articles) -
    sum(len(g["copies"]) for g in groups)``.
    """
    articles = list(articles)
    by_id = {a.id: a for a in articles}
    by_group: dict[str, list[Any]] = {}
    for a in articles:
        g = getattr(a, "syndication_group", None)
        if g:
            by_group.setdefault(g, []).append(a)
    # an origin stored by an earlier run, before it had copies, carries no group id: its copies name it
    for g, members in by_group.items():
        ids = {m.id for m in members}
        for m in list(members):
            o = by_id.get(m.duplicate_of) if m.duplicate_of else None
            if o is not None and o.id not in ids and not getattr(o, "syndication_group", None):
                members.insert(0, o)
                ids.add(o.id)
    out = []
    for g, members in by_group.items():
        if len(members) < 2:
            continue
        marked = [i for i, m in enumerate(members) if m.duplicate_of is None]
        ranked = origin_order(members)
        origin_i = next((i for i in ranked if i in marked), ranked[0])
        origin = members[origin_i]
        copies = [{"article": m.id, "kind": m.duplicate_kind or "syndicated"}
                  for i, m in enumerate(members) if i != origin_i]
        out.append({"group": g, "origin": origin.id, "copies": copies})
    return out
