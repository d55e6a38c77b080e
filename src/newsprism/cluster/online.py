"""Online story clustering over sparse word vectors. No I/O; the whole index is a JSON-able dict.

Each story keeps the sum of its members' unit vectors (body words, name words, title words) and the span of its
publication days. A new article looks up candidate stories through an inverted index of each story's heaviest words
and names, never through every story, scores each candidate, and joins the best one when the score clears
``Params.threshold``; otherwise it starts a story.

Order: an online pass depends on arrival order, so ``refine`` then moves the batch's articles to the story that fits
them best once every article of the batch is known (with the article itself left out of its own story), and merges
new stories into close ones. Recent ("open") stories keep a compact record of each member (its heaviest raw counts),
stored with the story; a run that touches an open story dissolves it and clusters its members again together with
the batch (``reopen``), so that stories depend on which articles arrived, not on how they were batched. Stories
fall closed (their member records dropped, their sums kept) once they are ``open_days`` older than the newest
article, or ``open_runs`` runs untouched when undated: re-examination stays bounded as the corpus grows. The split pass and a final merge pass (this run's stories with the stories they could join, most probable pair
first) ask the same-event model of ``pairs.py`` whether two groups report one event. Stories whose last article is
further behind the newest than any article could join (the time factor alone below the lowest joining score) retire
from the index, and posting lists are capped (most recent stories kept), so the cost per article stays flat as the
corpus grows: old, never-updated stories fall out of the index the way they fall out of the news.
"""
from __future__ import annotations

import heapq
import math
from itertools import repeat
from operator import add
from collections.abc import Iterable, Mapping
from typing import Any
from dataclasses import asdict, dataclass, field

from newsprism.cluster.features import DATE_PREFIX, ArticleFeatures, DocFreq, dot, general_rarity, weigh
from newsprism.cluster.lazy import LazyCounts, StoredHits
from newsprism.cluster.pairs import features as pair_features, is_number as _is_number, same_event


@dataclass
class Params:
    threshold: float = 0.25  # combined score with which an article surely joins a story
    # Below the threshold, decided by contrast (see ``OnlineClusterer.accepts``); join_spread 0 turns it off.
    join_floor: float = 0.15
    join_spread: float = 0.0  # 0: no spread test
    join_margin: float = 1.5  # 0: no contrast joins below the threshold
    w_text: float = 0.5
    w_names: float = 0.5
    w_title: float = 0.15  # taken from the body weight when both sides have titles
    day_grace: float = 3.0  # days around a story's span with no time penalty
    day_scale: float = 30.0  # e-folding of the time penalty beyond the grace, in days
    centroid_cap: int = 400  # words kept per story sum (the lightest go first)
    doc_cap: int | None = None  # words kept per article vector (memory at scale)
    index_terms: int = 40  # a story's heaviest words posted in the index
    query_terms: int = 20  # an article's heaviest words looked up
    max_candidates: int = 10
    posting_cap: int = 300
    refine_rounds: int = 3
    merge_threshold: float = 0.40
    name_query: int = 15
    # Two groups are different events when each has names nearly all its articles carry and the other never
    # mentions (Rahman vs Thompson as Klitschko's opponent): at least ``contrast_min`` such names in all.
    contrast_hi: float = 0.6
    contrast_min: int = 5
    contrast_rare: float = 0.2  # only names in fewer than this share of all articles count
    split_min: int = 3  # smallest side of a split
    contrast_docs: int = 4  # a contrasting name must be carried by at least this many articles of its group
    # Veto an article joining a story when it lacks ``contrast_min`` of the story's core names: "earlier" applies it
    # to stories of earlier runs only (the split pass repairs this run's stories), "all" everywhere, "off" never.
    doc_conflict: str = "off"
    split: bool = True
    split_name_weight: float = 1.0  # names against body words when splitting a story in two
    # Contrast of two groups: how close each group's members are to the other group, relative to how close they are
    # to their own (leave-one-out). A story splits in two when that ratio is below ``split_ratio``; a new story
    # merges into its closest one when the ratio is at least ``merge_ratio`` (and the score at least ``merge_floor``).
    split_ratio: float = 0.6
    merge_ratio: float = 2.0
    merge_floor: float = 0.15
    # Re-examination of recent stories (see the module docstring).
    open_days: int = 7
    open_runs: int = 20
    open_max: int = 400  # a story larger than this is not re-clustered whole (its record is dropped)
    # Stories whose last article is further behind the newest than any article could join retire from the index
    # (see ``OnlineClusterer.retired``): the candidates an article looks through stay as many as the news of the
    # join horizon holds, however long the archive grows.
    retire: bool = True
    record_terms: int = 60  # raw counts kept per member record (and clustered on)
    reopen_hops: int = 1  # 2: also the open stories the reopened members could join
    # An article reopens an open story when its score with it is at least this share of the lowest joining score: a
    # story no article of the batch could join is not changed by the batch (1.0 measured the same batching spread on
    # ECB+ dev as 0.75, with a third fewer articles re-examined).
    reopen_floor: float = 1.0
    copy_sim: float = 0.6  # body cosine from which two articles count as copies of one text (1.0: off)
    # Final pass over this run's stories: two stories merge, best pair first, when the fitted same-event model
    # (``pairs.py``) gives them at least this probability (times the time factor of their spans); 1.0: off.
    pair_merge: float = 0.5
    # A story of this run splits in two (its two-means halves) when the model gives the halves less than this; 0: off.
    pair_split: float = 0.4  # chosen on ECB+ train (0.25-0.35: 0.9115, 0.4: 0.9157, 0.45: 0.9068 pair F1)
    # The two-means halves are only a starting cut: members then move, one at a time, to whichever side makes the
    # model least sure the halves are one event, for at most this many sweeps (0: the two-means cut as it is).
    # Chosen on ECB+ train (pair F1, one batch: 0 sweeps 0.9098; 3 sweeps with pair_split 0.25/0.3: 0.9091,
    # 0.4/0.45: 0.9281, 0.5: 0.9222). Only a cut the model is not already sure joins one event (two-means halves
    # below ``split_sure``) is improved: the sweeps cost model evaluations per member.
    split_sweeps: int = 3
    split_sure: float = 0.8

    @classmethod
    def from_dict(cls, d: Mapping | None) -> Params:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in (d or {}).items() if k in known})


@dataclass(slots=True)
class Doc:
    """One article's weighted vectors, as the clusterer sees it."""

    id: str
    text: dict[str, float]
    names: dict[str, float]
    title: dict[str, float]
    day: int | None
    record: list | None = None  # [terms, names, title, day, sort key]: what reopening the story needs
    query: list | None = None  # its index lookups (``OnlineClusterer._query``), kept: a document does not change
    # Its scores against stories, each with the state of the story it was computed for (``OnlineClusterer.score``):
    # the repair rounds score an article against the same unchanged stories again and again.
    scores: dict | None = None
    alone: StoryStats | None = None  # the article as a group of one (``group_of``), made once
    numbers: list | None = None  # its number words, in the order of ``text`` (see ``StoryStats.nums``)
    dates: list | None = None  # its day words (see ``StoryStats.dates``)
    stored: StoredHits | None = None  # its query's hits among stored stories (lazy mode; see ``_ranked``)


@dataclass(slots=True)
class StoryStats:
    key: str
    text: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    title: dict[str, float] = field(default_factory=dict)
    text2: float = 0.0  # squared norms of the sums, kept up to date on every add/remove
    names2: float = 0.0
    title2: float = 0.0
    n: int = 0
    d0: int | None = None
    d1: int | None = None
    presence: dict[str, int] = field(default_factory=dict)  # name word -> members that carry it
    posted: set[str] = field(default_factory=set)  # index keys already pointing here
    records: dict[str, list] | None = field(default_factory=dict)  # member id -> record; None once closed
    run: int = 0  # the run that last changed it
    # Not saved: its heaviest words and names as last posted (``None``: unknown), kept up to date cheaply while
    # articles are only added.
    top: tuple[list[str], list[str]] | None = None
    ver: int = 0  # changes with its sums (``pairs._summary`` keeps what it read of a state)
    # Not saved: the number words of ``text`` with their sums, in the order of ``text`` (what ``pairs._numbers``
    # reads), kept up to date as articles are added and taken out (``None``: not known, read from ``text``).
    nums: dict[str, float] | None = None
    # Not saved: the day words of ``presence`` with their counts (what ``pairs._dates`` reads), kept up to date as
    # articles are added and taken out (``None``: not kept, read from ``presence``). The groups of a split keep
    # them: a story's presence holds thousands of words, of which a handful are days.
    dates: dict[str, int] | None = None

    def to_state(self) -> dict:
        r = lambda v: {w: round(x, 5) for w, x in v.items()}  # noqa: E731
        return {"text": r(self.text), "names": r(self.names), "title": r(self.title), "n": self.n,
                "d0": self.d0, "d1": self.d1, "presence": self.presence, "records": self.records, "run": self.run}

    @property
    def open(self) -> bool:
        return self.records is not None and len(self.records) == self.n

    @classmethod
    def from_state(cls, key: str, d: Mapping) -> StoryStats:
        s = cls(key, dict(d.get("text", {})), dict(d.get("names", {})), dict(d.get("title", {})),
                n=int(d.get("n", 0)), d0=d.get("d0"), d1=d.get("d1"), presence=dict(d.get("presence", {})),
                records=dict(d["records"]) if d.get("records") is not None else None, run=int(d.get("run", 0)))
        s.text2 = _norm2(s.text)
        s.names2 = _norm2(s.names)
        s.title2 = _norm2(s.title)
        return s


def _norm2(v: Mapping[str, float]) -> float:
    return sum(x * x for x in v.values())


def _add_into(acc: dict[str, float], vec: Mapping[str, float], sign: float) -> float:
    """acc += sign*vec; returns the change of acc's squared norm."""
    delta = 0.0
    get = acc.get
    for w, x in vec.items():
        old = get(w, 0.0)
        new = old + sign * x
        delta += new * new - old * old
        if -1e-9 < new < 1e-9:
            acc.pop(w, None)
        else:
            acc[w] = new
    return delta


def _top_hits(hits: Mapping[str, float], k: int) -> list[str]:
    """The ``k`` keys of the highest values, ties by key: ``sorted(hits, key=(-value, key))[:k]``, with the cut-off
    value found by a sort of the bare values (in C) so that only the few keys at or above it are ordered in Python."""
    if len(hits) > k:
        cut = sorted(hits.values(), reverse=True)[k - 1] if k > 0 else math.inf
        hits = {w: x for w, x in hits.items() if x >= cut}
    return sorted(hits, key=lambda w: (-hits[w], w))[:k]


def _cos_sum(a: Mapping[str, float], acc: Mapping[str, float], acc2: float, leave_out: bool) -> float:
    """Cosine of unit vector ``a`` with a story sum, optionally with ``a`` itself taken out of the sum."""
    d = dot(a, acc)
    if leave_out:
        a2 = _norm2(a)
        d, acc2 = d - a2, acc2 - 2 * d + a2
    if acc2 <= 1e-12:
        return 0.0
    return max(0.0, d / math.sqrt(acc2))


def _cos_minus(a: Mapping[str, float], acc: Mapping[str, float], acc2: float, gone: list[Mapping[str, float]]) -> float:
    """Cosine of ``a`` with a story sum from which the vectors ``gone`` are taken out."""
    u: dict[str, float] = {}
    for v in gone:
        _add_into(u, v, 1.0)
    d = dot(a, acc) - dot(a, u)
    n2 = acc2 - 2 * dot(acc, u) + _norm2(u)
    if n2 <= 1e-12:
        return 0.0
    return max(0.0, d / math.sqrt(n2))


class OnlineClusterer:
    """The index and its passes. Given a ``source`` (``cluster.lazy.IndexSource``: the index kept as rows in a
    store), it starts from the saved scalars only and reads what a chunk needs as it goes: the stories the chunk's
    articles could join (through stored postings), their records, the document frequencies of the words it weighs and
    the member rows of the articles it touches; ``delta`` then gives what changed, to be written back."""

    def __init__(self, params: Params | None = None, state: Mapping | None = None, source: Any = None):
        self.params = params or Params()
        state = state or {}
        self.source = source
        if source is not None:
            self.df = DocFreq(int(state.get("df_n", 0)))
            self.df.df = LazyCounts(lambda words: source.df("df", words))
            self.name_df = DocFreq(int(state.get("name_df_n", 0)))
            self.name_df.df = LazyCounts(lambda words: source.df("name_df", words))
        else:
            self.df = DocFreq.from_state(state.get("df"))
            self.name_df = DocFreq.from_state(state.get("name_df"))
        self._postings: dict[str, list[str]] = {}  # index key -> stored stories posted under it (lazy mode)
        self._absent: set[str] = set()  # story keys known not to be stored
        self._known: set[str] = set()  # articles whose member row was read (or found absent)
        self._touched: set[str] = set()  # articles whose membership changed in this run
        self._prev_newest: int | None = state.get("newest_day")
        self.stories: dict[str, StoryStats] = {}
        self.members: dict[str, str] = dict(state.get("members", {}))  # article id -> story key
        copies = state.get("copies", {})
        # Members that joined without their words (copies of a source); a dict so the saved state can share it.
        self.copies: dict[str, int] = dict.fromkeys(copies, 1) if isinstance(copies, list) else dict(copies)
        self._changed: set[str] = set()  # stories to write back on save
        self.dropped: set[str] = set()  # stories that ceased to exist in this run
        self.by_story: dict[str, set[str]] = {}
        for doc_id, key in self.members.items():
            self.by_story.setdefault(key, set()).add(doc_id)
        self.index: dict[str, list[str]] = {}
        self.docs: dict[str, Doc] = {}  # this run's articles (the ones refine may move)
        self._new = 0
        self._fresh: set[str] = set()  # stories started in this run
        self._dirty: set[str] = set()  # stories changed since the split pass last looked at them
        self._unsplit: set[frozenset] = set()
        self._pair_memo: dict = {}  # see ``pairs._summary``; emptied with ``_idf_memo`` when a refine starts
        self._idf_memo: dict[str, float] = {}  # member sets the split pass kept whole (it depends on them only)
        self._probes: dict[int, tuple] = {}  # see ``_probe``; emptied with ``_pair_memo``
        self._same_memo: dict[tuple, tuple] = {}  # see ``same_stories``; emptied with ``_pair_memo``
        self.run = int(state.get("run", 0)) + 1
        self.newest_day: int | None = state.get("newest_day")
        self._retire_before: float | None = self._retirement_day(self.newest_day)  # see ``retired``
        self.reopened: dict[str, set[str]] = {}  # story key -> its members before this run reopened it
        self.copies_of: dict[str, list[Doc]] = {}  # near-copies among this run's documents (set by refine)
        for key, d in state.get("stories", {}).items():
            st = StoryStats.from_state(key, d)
            self.stories[key] = st
            self._post(st)

    def start_run(self) -> None:
        """Forget what belonged to the previous run (its articles can no longer be moved)."""
        self._prev_newest = self.newest_day
        self._touched.clear()
        self.docs.clear()
        self._fresh.clear()
        self._dirty.clear()
        self.dropped.clear()
        self.reopened.clear()
        self.copies_of = {}
        self.run += 1

    # ---- vectors -------------------------------------------------------------------------------------------
    def count(self, feats: ArticleFeatures) -> None:
        """Count an article's words in the document frequencies (before vectorising any of the batch)."""
        self.df.add(feats.terms.keys())
        if feats.names:
            self.name_df.add(feats.names.keys())

    def uncount(self, feats: ArticleFeatures) -> None:
        self.df.remove(feats.terms.keys())
        if feats.names:
            self.name_df.remove(feats.names.keys())

    def vectorise(self, doc_id: str, feats: ArticleFeatures, sort_key: str = "") -> Doc:
        if feats.day is not None:
            self.newest_day = feats.day if self.newest_day is None else max(self.newest_day, feats.day)
        terms = dict(feats.terms)
        if len(terms) > self.params.record_terms:
            # The record keeps the heaviest raw counts, chosen without the corpus frequencies (which change as
            # articles arrive), and the article is clustered on exactly these, whether it arrives now or is
            # re-examined later: the same article is the same vector in any batching.
            w = {t: (1.0 + math.log(c)) * general_rarity(t) for t, c in terms.items()}
            terms = {t: terms[t] for t in sorted(w, key=lambda t: (-w[t], t))[:self.params.record_terms]}
        return self.from_record(doc_id, [terms, dict(feats.names), dict(feats.title), feats.day, sort_key])

    def from_record(self, doc_id: str, record: list) -> Doc:
        terms, names, title, day, _ = record
        return Doc(doc_id, weigh(terms, self.df, self.params.doc_cap), weigh(names, self.name_df),
                   weigh(title, self.df), day, record)

    # ---- re-examination ------------------------------------------------------------------------------------
    def reopen(self, docs: Iterable[Doc]) -> list[Doc]:
        """Dissolve the open stories these articles could join and return their members as documents, to be
        clustered again with the batch. Each reopened story's former members are kept in ``reopened``."""
        p = self.params
        floor = p.reopen_floor * (min(p.threshold, p.join_floor) if p.join_margin > 0 else p.threshold)
        out: list[Doc] = []
        todo = list(docs)
        for _ in range(self.params.reopen_hops):
            keys: set[str] = set()
            for doc in todo:
                for key in self.candidates(doc):
                    st = self.stories[key]
                    if not st.open or st.n > self.params.open_max or key in self._fresh or key in keys:
                        continue
                    # Only a story this article could plausibly join is worth re-examining.
                    if self.score(doc, st) >= floor:
                        keys.add(key)
            todo = self._dissolve(sorted(keys))
            out += todo
        return out

    def _dissolve(self, keys: list[str]) -> list[Doc]:
        out: list[Doc] = []
        for key in keys:
            st = self.stories[key]
            self.reopened[key] = set(self.by_story.get(key, ()))
            for doc_id, rec in sorted(st.records.items()):
                if doc_id in self.docs:
                    continue
                out.append(self.from_record(doc_id, rec))
            for doc_id in sorted(self.by_story.get(key, ())):
                self._set_member(doc_id, None)
            self._drop(key)
        return out

    def close_stale(self) -> None:
        """Drop the member records of stories that fell out of the re-examination window, and take the stories that
        fell behind the join horizon out of the index (``retired``)."""
        gone: dict[str, set[str]] = {}  # index key -> stories to take out of its posting list
        self._retire_before = self._retirement_day(self.newest_day)
        for key, st in self.stories.items():
            if self._stale(st, self.newest_day, self.run):
                st.records = None
                self._changed.add(key)
            if st.posted and self.retired(st):
                for k in st.posted:
                    gone.setdefault(k, set()).add(key)
                st.posted = set()
        for k, keys in gone.items():
            lst = self.index.get(k)
            if lst:
                lst[:] = [x for x in lst if x not in keys]

    def _retirement_day(self, newest: int | None) -> float | None:
        """Stories whose last article is older than this day are retired (``retired``); None: none are."""
        if not self.params.retire or self.source is not None or newest is None:
            return None
        return newest - self.horizon()

    def horizon(self) -> float:
        """Days after a story's last article beyond which no article can join it: its time factor is below the
        lowest joining score however close the words (``time_factor``, a combined score being at most 1)."""
        p = self.params
        floor = min(p.threshold, p.join_floor) if p.join_margin > 0 else p.threshold
        return p.day_grace + p.day_scale * math.log(1.0 / floor) if 0 < floor < 1 else math.inf

    def retired(self, st: StoryStats) -> bool:
        """Whether a story is out of the index: when the last run ended, its last article was more than
        ``horizon`` days older than the newest article. No article as new as that could join it, and the stories
        it would take the places of among an article's candidates (``max_candidates``, posting lists capped at
        ``posting_cap``) could: a story that has not changed for that long is closed for good (its sums and
        members are kept). Undated stories never retire, and nothing retires while a run places its articles (a
        batch that spans years clusters as before). An article dated that far back, arriving in a later run, no
        longer finds it. (An index read from a store keeps its own bound: its postings are read most recently
        changed first, at most ``posting_cap`` a key; retiring stories there would need their days before they
        are read.)"""
        cut = self._retire_before
        return cut is not None and st.d1 is not None and st.d1 < cut

    def _stale(self, st: StoryStats, newest: int | None, run: int) -> bool:
        p = self.params
        if st.records is None:
            return False
        if st.d1 is not None and newest is not None:
            stale = st.d1 < newest - p.open_days
        else:
            stale = run - st.run > p.open_runs
        return stale or st.n > p.open_max or len(st.records) != st.n

    # ---- reading a stored index lazily ---------------------------------------------------------------------
    def load(self, keys: Iterable[str]) -> None:
        """Bring these stored stories into memory (lazy mode; a no-op otherwise). A story read here is closed if
        the end of the previous run would have closed it (as ``close_stale`` did when every story was in memory);
        an open story's member rows and the frequencies of its members' words are read with it."""
        if self.source is None:
            return
        need = sorted({k for k in keys if k not in self.stories and k not in self.dropped and k not in self._absent})
        if not need:
            return
        got = self.source.stories(need)
        self._absent |= set(need) - set(got)
        opened, names = [], set()
        for key in need:
            if key not in got:
                continue
            st = StoryStats.from_state(key, got[key])
            self.stories[key] = st
            if self._stale(st, self._prev_newest, self.run - 1):
                st.records = None
                self._changed.add(key)
            if st.records is not None:
                opened.append(key)
            names |= st.presence.keys() | st.names.keys()
        if opened:
            self._read_members(self.source.members_of(opened))
            recs = [r for key in opened for r in self.stories[key].records.values()]
            self.df.df.ensure({w for r in recs for part in (r[0], r[2]) for w in part})
            names |= {w for r in recs for w in r[1]}
        self.name_df.df.ensure(names)
        for key in need:
            if key in self.stories:
                self._post(self.stories[key])

    def load_members(self, ids: Iterable[str]) -> None:
        """Read the member rows of these articles and the stories they are in (lazy mode)."""
        if self.source is None:
            return
        need = sorted({i for i in ids if i and i not in self._known and i not in self._touched})
        if need:
            self._read_members(self.source.members(need))
            self._known |= set(need)
            self.load({self.members[i] for i in need if i in self.members})

    def _read_members(self, rows: Mapping[str, tuple[str | None, bool]]) -> None:
        for doc_id, (key, copy) in rows.items():
            self._known.add(doc_id)
            if doc_id in self._touched:
                continue
            if key:
                self.members[doc_id] = key
                self.by_story.setdefault(key, set()).add(doc_id)
            if copy:
                self.copies[doc_id] = 1

    def prepare(self, feats: Iterable[ArticleFeatures]) -> None:
        """Read the document frequencies of the words these articles will be weighed by (lazy mode)."""
        if self.source is None:
            return
        feats = list(feats)
        self.df.df.ensure({w for f in feats for part in (f.terms, f.title) for w in part})
        self.name_df.df.ensure({w for f in feats for w in f.names})

    def prefetch(self, docs: Iterable[Doc]) -> None:
        """Read the postings of these articles' query keys and the stories they rank as candidates, in one go."""
        if self.source is None:
            return
        docs = list(docs)
        self._fetch_postings({k for d in docs for k, _ in self._query(d)})
        self.load({k for d in docs for k in self._ranked(d)})

    def _fetch_postings(self, keys: Iterable[str]) -> None:
        need = sorted(k for k in keys if k not in self._postings)
        if need:
            got = self.source.postings(need, self.params.posting_cap)
            for k in need:
                self._postings[k] = got.get(k, [])

    def exists(self, key: str) -> bool:
        """Whether a story of this key is in the index (stored or in memory)."""
        self.load([key])
        return key in self.stories

    def knows(self, doc_id: str) -> bool:
        """Whether this article's story is known here (in memory or read from the store)."""
        return self.source is None or doc_id in self.members or doc_id in self._known or doc_id in self._touched

    def complete(self, key: str) -> bool:
        """Whether every member of story ``key`` is known here (always, unless read lazily and closed)."""
        if self.source is None:
            return True
        st = self.stories.get(key)
        members = self.by_story.get(key, set())
        return st is None or sum(1 for m in members if m not in self.copies) >= st.n

    def scalars(self) -> dict:
        """The index's few scalars (everything else lives in rows)."""
        return {"version": 1, "rows": True, "run": self.run, "newest_day": self.newest_day,
                "params": asdict(self.params), "df_n": self.df.n, "name_df_n": self.name_df.n}

    def delta(self, full: bool = False) -> dict:
        """What this run changed, as rows to write: story records (with the keys they are posted under), stories
        gone, member rows, document frequencies. ``full``: everything in memory (a rebuilt index)."""
        p = self.params
        keys = self.stories.keys() if full else self._changed
        stories = {}
        for k in sorted(keys):
            st = self.stories.get(k)
            if st is not None:
                stories[k] = (st.to_state(), st.run, index_keys(st.text, st.names, p.index_terms, p.name_query))
        if full:
            ids = set(self.members) | set(self.copies)
        else:
            ids = self._touched
        out = {"stories": stories, "gone": sorted(k for k in self.dropped if k not in self.stories),
               "members": {i: (self.members.get(i), i in self.copies) for i in sorted(ids)}}
        for kind, df in (("df", self.df.df), ("name_df", self.name_df.df)):
            out[kind] = df.changed() if isinstance(df, LazyCounts) else dict(df)
        self._changed.clear()
        self._touched.clear()
        return out

    # ---- index ---------------------------------------------------------------------------------------------
    def _post(self, st: StoryStats, added: Doc | None = None) -> None:
        """Post the story under its index keys. ``added``: the one article added since they were last computed.
        A retired story is not posted."""
        p = self.params
        if self.retired(st):
            st.top = None  # (not kept up to date while out of the index)
            return
        if added is not None and st.top is not None:
            top = _heaviest_after(st, st.top, added, p.index_terms, p.name_query)
        else:
            top = _heaviest(st.text, p.index_terms), _heaviest(st.names, p.name_query)
        st.top = top
        for k in top[0] + ["@" + w for w in top[1]]:
            if k in st.posted:
                continue
            st.posted.add(k)
            lst = self.index.setdefault(k, [])
            lst.append(st.key)
            if len(lst) > p.posting_cap:
                # Keep the most recently posted half; the dropped stories stop being found through this word.
                dropped = lst[: len(lst) - p.posting_cap // 2]
                del lst[: len(lst) - p.posting_cap // 2]
                for key in dropped:
                    s = self.stories.get(key)
                    if s is not None:
                        s.posted.discard(k)

    def _query(self, doc: Doc) -> list[tuple[str, float]]:
        if doc.query is None:
            p = self.params
            q = _heaviest_items(doc.text, p.query_terms)
            doc.query = q + [("@" + w, x) for w, x in _heaviest_items(doc.names, p.name_query)]
        return doc.query

    def _ranked(self, doc: Doc) -> list[str]:
        hits: dict[str, float] = {}
        get = hits.get
        index = self.index
        q = self._query(doc)
        for k, x in q:
            lst = index.get(k)
            if lst:
                for key in lst:
                    hits[key] = get(key, 0.0) + x
        if self.source is not None:
            # Stored stories not read yet are found through their stored postings (the ones in memory through the
            # in-memory index, which reflects this run's changes). The kept sums answer when none of their best is
            # also a hit in memory; otherwise (or when they run short) the postings are summed the long way.
            want = self.params.max_candidates
            if doc.stored is None:
                self._fetch_postings(k for k, _ in q)
                doc.stored = StoredHits(q, self._postings, 4 * want)
            stories, dropped = self.stories, self.dropped
            top = doc.stored.top(want, lambda key: key not in stories and key not in dropped)
            if top is None or any(key in hits for key, _ in top):
                for k, x in q:
                    for key in self._postings[k]:
                        if key not in stories and key not in dropped:
                            hits[key] = hits.get(key, 0.0) + x
            else:
                hits.update(top)
        return _top_hits(hits, self.params.max_candidates)

    def candidates(self, doc: Doc) -> list[str]:
        ranked = self._ranked(doc)
        self.load(k for k in ranked if k not in self.stories)
        return [k for k in ranked if k in self.stories]

    # ---- scoring -------------------------------------------------------------------------------------------
    def score(self, doc: Doc, st: StoryStats, leave_out: bool = False, without: list[Doc] | None = None) -> float:
        """Combined similarity of ``doc`` to story ``st``; ``leave_out`` takes the article itself out of the story,
        ``without`` takes out these members too (its copies: a copy must not prop its original up).

        Kept on the document with the story's state (its ``ver`` changes with its sums and size, and its day span is
        compared): a document's vectors never change, so an unchanged story gives the very same figure."""
        memo = doc.scores
        if memo is None:
            memo = doc.scores = {}
        k = (id(st), leave_out, tuple(map(id, without)) if without else ())
        got = memo.get(k)
        if got is not None and got[0] is st and got[1] == st.ver and got[2] == st.d0 and got[3] == st.d1:
            return got[4]
        s = self._score(doc, st, leave_out, without)
        memo[k] = (st, st.ver, st.d0, st.d1, s, without)  # (the documents left out kept alive with their ids)
        return s

    def _score(self, doc: Doc, st: StoryStats, leave_out: bool, without: list[Doc] | None) -> float:
        p = self.params
        if without:
            gone = list(without) + ([doc] if leave_out else [])
            if len(gone) >= st.n:
                return 0.0
            cos = lambda f: _cos_minus(getattr(doc, f), getattr(st, f), getattr(st, f + "2"),  # noqa: E731
                                       [getattr(d, f) for d in gone])
        else:
            if leave_out and st.n <= 1:
                return 0.0
            # (the common case spelled out: the same figures as through ``cos`` below, without its indirection)
            text = _cos_sum(doc.text, st.text, st.text2, leave_out)
            names = _cos_sum(doc.names, st.names, st.names2, leave_out) if doc.names and st.names2 > 0 else text
            if doc.title and st.title2 > 0:
                w_title = min(p.w_title, p.w_text)
                s = ((p.w_text - w_title) * text + p.w_names * names
                     + w_title * _cos_sum(doc.title, st.title, st.title2, leave_out))
            else:
                s = p.w_text * text + p.w_names * names + 0.0 * 0.0
            return s * self.time_factor(doc.day, st.d0, st.d1)
        text = cos("text")
        names = cos("names") if doc.names and st.names2 > 0 else text
        w_text, w_title = p.w_text, 0.0
        title = 0.0
        if doc.title and st.title2 > 0:
            title = cos("title")
            w_title = min(p.w_title, w_text)
            w_text -= w_title
        s = w_text * text + p.w_names * names + w_title * title
        return s * self.time_factor(doc.day, st.d0, st.d1)

    def time_factor(self, day: int | None, d0: int | None, d1: int | None) -> float:
        if day is None or d0 is None or d1 is None:
            return 1.0
        gap = max(0, d0 - day, day - d1)
        p = self.params
        if gap <= p.day_grace:
            return 1.0
        return math.exp(-(gap - p.day_grace) / p.day_scale)

    # ---- membership ----------------------------------------------------------------------------------------
    def _attach(self, doc: Doc, st: StoryStats) -> None:
        _add_sums(st, doc)
        if st.records is not None:
            if doc.record is not None:
                st.records[doc.id] = doc.record
            else:
                st.records = None
        st.run = self.run
        self._dirty.add(st.key)
        self._changed.add(st.key)
        cap = self.params.centroid_cap
        grew: Doc | None = doc
        if len(st.text) > 2 * cap:
            st.text = dict(sorted(st.text.items(), key=lambda kv: -kv[1])[:cap])
            st.text2 = _norm2(st.text)
            st.nums = None
            st.ver += 1
            grew = None
        self._set_member(doc.id, st.key)
        self.copies.pop(doc.id, None)
        self._post(st, grew)

    def _detach(self, doc: Doc, st: StoryStats) -> None:
        st.top = None
        st.ver += 1
        st.text2 = max(0.0, st.text2 + _add_into(st.text, doc.text, -1.0))
        _track_numbers(st, doc)
        st.names2 = max(0.0, st.names2 + _add_into(st.names, doc.names, -1.0))
        st.title2 = max(0.0, st.title2 + _add_into(st.title, doc.title, -1.0))
        st.n -= 1
        _count_into(st.presence, doc.names, -1)
        _track_dates(st, doc, -1)
        if st.records is not None:
            st.records.pop(doc.id, None)
        st.run = self.run
        self._dirty.add(st.key)
        self._changed.add(st.key)
        self._set_member(doc.id, None)
        if st.n <= 0:
            self._drop(st.key)
        # The day span is not shrunk: a story's span only matters as a soft penalty.

    def _drop(self, key: str) -> None:
        st = self.stories.pop(key, None)
        if st is None:
            return
        for k in st.posted:
            lst = self.index.get(k)
            if lst and key in lst:
                lst.remove(key)
        self._fresh.discard(key)
        self.dropped.add(key)

    def forget(self, doc_id: str, doc: Doc | None) -> bool:
        """Take an article seen in an earlier run out of its story (it is being clustered again).

        Returns whether its words had shaped the story (and so were counted in the document frequencies)."""
        key = self.members.get(doc_id)
        if doc_id in self.copies:
            self.copies.pop(doc_id, None)
            self._set_member(doc_id, None)
            return False
        if key is not None and key in self.stories and doc is not None:
            self._detach(doc, self.stories[key])
        self._set_member(doc_id, None)
        return key is not None

    def seed(self, doc: Doc, key: str) -> None:
        """Rebuild a stored story from one of its stored articles (when no saved index is at hand)."""
        st = self.stories.get(key)
        if st is None:
            st = self.stories[key] = StoryStats(key)
        self._attach(doc, st)

    def seed_member(self, doc_id: str, key: str, day: int | None = None) -> None:
        if key not in self.stories:
            self.stories[key] = StoryStats(key)
        self.join(doc_id, key, day)

    def new_story(self) -> StoryStats:
        self._new += 1
        key = f"~new{self._new}"
        st = StoryStats(key, nums={})
        self.stories[key] = st
        self._fresh.add(key)
        return st

    def best(self, doc: Doc, exclude: str | None = None) -> tuple[str | None, float]:
        key, s, _ = self.best2(doc, exclude)
        return key, s

    def best2(self, doc: Doc, exclude: str | None = None) -> tuple[str | None, float, float]:
        """The best candidate story, its score and the runner-up's score."""
        best_key, best, second = None, -1.0, 0.0
        floor = min(self.params.threshold, self.params.join_floor)
        for key in self.candidates(doc):
            if key == exclude:
                continue
            st = self.stories[key]
            # No similarity can lift a story this far away in time over the floor: skip the vector work.
            if self.time_factor(doc.day, st.d0, st.d1) < floor:
                continue
            s = self.score(doc, st, without=self._copies_in(doc, key))
            if s >= floor and self.conflicts(doc, key):
                continue
            if s > best or (s == best and best_key is not None and key < best_key):
                best_key, best, second = key, s, max(second, best)
            else:
                second = max(second, s)
        return best_key, best, second

    def accepts(self, doc: Doc, key: str | None, s: float, runner: float, leave_out: bool = False) -> bool:
        """Whether ``doc`` belongs in story ``key`` with score ``s`` (runner-up story ``runner``).

        Sure above ``threshold``. Between ``join_floor`` and the threshold, by contrast: the article must be about
        as close to the story's members as they are to each other (``join_spread`` of the story's own mean pairwise
        similarity: a loose story of many framings takes a loosely matching article, a tight one of copies does
        not) and clearly closer to this story than to the runner-up (``join_margin``)."""
        p = self.params
        if key is None or s < p.join_floor and s < p.threshold:
            return False
        if s >= p.threshold:
            return True
        if p.join_margin <= 0 or s < p.join_margin * runner:
            return False
        if p.join_spread <= 0:
            return True
        st = self.stories[key]
        n = st.n - (1 if leave_out else 0)
        if n < 2:
            return False
        parts = []
        for x, acc, acc2, w in ((doc.text, st.text, st.text2, p.w_text), (doc.names, st.names, st.names2, p.w_names)):
            d = dot(x, acc)
            if leave_out:
                x2 = _norm2(x)
                d, acc2 = d - x2, acc2 - 2 * d + x2
            # Sum of unit vectors: its squared norm is n + twice the sum of pairwise similarities.
            pair = max(0.0, (acc2 - n) / (n * (n - 1)))
            parts.append((w * d / n, w * pair))
        to_members = sum(a for a, _ in parts)
        among = sum(b for _, b in parts)
        return among > 0 and to_members >= p.join_spread * among

    def add(self, doc: Doc) -> str:
        """Place one article: join the best candidate story when it accepts it, or start a story."""
        self.docs[doc.id] = doc
        key, s, runner = self.best2(doc)
        st = self.stories[key] if self.accepts(doc, key, s, runner) else self.new_story()
        self._attach(doc, st)
        return st.key

    def join(self, doc_id: str, key: str, day: int | None = None) -> None:
        """Put an article in a given story without letting its words shape it (copies of a source)."""
        st = self.stories.get(key)
        if st is None:
            return
        was_retired = self.retired(st)
        if day is not None:
            st.d0 = day if st.d0 is None else min(st.d0, day)
            st.d1 = day if st.d1 is None else max(st.d1, day)
        self._set_member(doc_id, key)
        self.copies[doc_id] = 1
        self._changed.add(key)
        if was_retired and not self.retired(st):
            self._post(st)  # a copy brought it back within the horizon

    def move(self, doc_id: str, key: str) -> None:
        """Put one of this run's articles into story ``key`` whatever its words say (a copy follows its source)."""
        doc = self.docs.get(doc_id)
        own = self.members.get(doc_id)
        if doc is None or own == key or key not in self.stories:
            return
        if own in self.stories:
            self._detach(doc, self.stories[own])
        self._attach(doc, self.stories[key])

    def _set_member(self, doc_id: str, key: str | None) -> None:
        self._touched.add(doc_id)
        old = self.members.pop(doc_id, None)
        if old is not None:
            group = self.by_story.get(old)
            if group is not None:
                group.discard(doc_id)
                if not group:
                    del self.by_story[old]
        if key is not None:
            self.members[doc_id] = key
            self.by_story.setdefault(key, set()).add(doc_id)

    # ---- repair --------------------------------------------------------------------------------------------
    def refine(self, order: Iterable[str] | None = None) -> int:
        """Repair what arrival order did, now that the whole batch is known: move this run's articles to the story
        that fits them best (each left out of its own story when compared), split stories that hold two events,
        and merge new stories into close ones. Returns how many changes were made."""
        order = list(order) if order is not None else sorted(self.docs)
        self.copies_of = self._copy_units()
        self._unsplit.clear()
        self._pair_memo.clear()
        self._idf_memo.clear()
        self._probes.clear()
        self._same_memo.clear()
        changes = 0
        for _ in range(self.params.refine_rounds):
            n = self._reassign(order) + (self._split() if self.params.split else 0) + self._merge()
            changes += n
            if not n:
                break
        changes += self._agglomerate()
        self._pair_memo.clear()  # (it keeps groups alive)
        self._idf_memo.clear()
        self._probes.clear()
        self._same_memo.clear()
        return changes

    def _probe(self, st: StoryStats) -> Doc:
        """A story as one document (its unit sums), to look up and score the stories it could join. Kept per state
        of the story during a refine: the merge passes probe the same unchanged stories in every round (the very
        same document then also keeps its scores, see ``score``)."""
        got = self._probes.get(id(st))
        if got is not None and got[0] is st and got[1] == st.ver:
            return got[2]
        probe = Doc(st.key, _unit(st.text), _unit(st.names), _unit(st.title), None)
        self._probes[id(st)] = (st, st.ver, probe)
        return probe

    def same_event(self, a: StoryStats, b: StoryStats) -> float:
        """Probability that two groups report one event (the fitted model), weighed by the gap between their days."""
        return same_event(pair_features(a, b, self._name_idf, self._pair_memo)) * self.span_factor(a, b)

    def same_stories(self, a: StoryStats, b: StoryStats) -> float:
        """``same_event`` of two stories of the index, kept with both stories' states during a refine: the merge
        passes ask about the same unchanged pairs in every round (the figure depends on the two states only, and on
        the name weights, which do not change while a refine runs)."""
        k = (id(a), id(b))
        got = self._same_memo.get(k)
        if (got is not None and got[0] is a and got[1] is b and got[2] == (a.ver, a.d0, a.d1, b.ver, b.d0, b.d1)):
            return got[3]
        prob = self.same_event(a, b)
        self._same_memo[k] = (a, b, (a.ver, a.d0, a.d1, b.ver, b.d0, b.d1), prob)
        return prob

    def _name_idf(self, word: str) -> float:
        # A name's weight, read once per refine (the frequencies do not change while it runs).
        x = self._idf_memo.get(word)
        if x is None:
            x = self._idf_memo[word] = self.name_df.idf(word)
        return x

    def _agglomerate(self) -> int:
        """Merge this run's stories with the stories they could join, the most probable pair first, while the
        same-event model gives at least ``pair_merge``: fragments that arrival order or an early split left apart
        meet again. At least one side of a merge is a story started in this run (stories of earlier runs are only
        ever merged into through a new one)."""
        p = self.params
        if p.pair_merge >= 1.0:
            return 0
        heap: list[tuple[float, str, str]] = []
        scored: set[tuple[str, str]] = set()

        def push(key: str) -> None:
            st = self.stories[key]
            probe = self._probe(st)
            for other in self.candidates(probe):
                if other == key:
                    continue
                pair = (min(key, other), max(key, other))
                if pair in scored:
                    continue
                scored.add(pair)
                prob = self.same_stories(st, self.stories[other])
                if prob >= p.pair_merge:
                    heapq.heappush(heap, (-prob, pair[0], pair[1]))

        for key in sorted(self._fresh):
            push(key)
        merged = 0
        while heap:
            neg, a, b = heapq.heappop(heap)
            if a not in self.stories or b not in self.stories:
                continue
            if a not in self._fresh and b not in self._fresh:
                continue
            # Either side may have grown since this pair was scored: score it again, and put it back if it is no
            # longer the best pair.
            prob = self.same_stories(self.stories[a], self.stories[b])
            if prob < p.pair_merge:
                continue
            if prob < -neg - 1e-12 and heap and -heap[0][0] > prob:
                heapq.heappush(heap, (-prob, a, b))
                continue
            src, dst = (a, b) if a in self._fresh else (b, a)
            self._absorb(self.stories[src], self.stories[dst])
            merged += 1
            keep = src if src in self.stories else dst
            scored = {x for x in scored if keep not in x}
            push(keep)
        return merged

    def _copy_units(self) -> dict[str, list[Doc]]:
        """Near-copies among this run's documents (body cosine at least ``copy_sim``): each is scored with its
        copies left out of the story, so that a copy does not prop its original up (wire copies as one unit)."""
        import scipy.sparse as sp

        ids = sorted(self.docs)
        if len(ids) < 2 or self.params.copy_sim >= 1.0:
            return {}
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, doc_id in enumerate(ids):
            for w, x in self.docs[doc_id].text.items():
                rows.append(i)
                cols.append(vocab.setdefault(w, len(vocab)))
                vals.append(x)
        m = sp.csr_matrix((vals, (rows, cols)), shape=(len(ids), len(vocab)))
        sim = (m @ m.T).tocoo()
        out: dict[str, list[Doc]] = {}
        keep = (sim.data >= self.params.copy_sim) & (sim.row != sim.col)
        for i, j in zip(sim.row[keep].tolist(), sim.col[keep].tolist()):
            out.setdefault(ids[i], []).append(self.docs[ids[j]])
        for v in out.values():
            v.sort(key=lambda d: d.id)
        return out

    def _copies_in(self, doc: Doc, key: str) -> list[Doc]:
        return [c for c in self.copies_of.get(doc.id, ()) if self.members.get(c.id) == key]

    def _reassign(self, order: list[str]) -> int:
        p = self.params
        moved = 0
        for doc_id in order:
            doc = self.docs.get(doc_id)
            own_key = self.members.get(doc_id)
            if doc is None or own_key not in self.stories:
                continue
            own = self.stories[own_key]
            own_copies = self._copies_in(doc, own_key)
            alone = own.n <= 1 + len(own_copies)  # only the article and its copies: a singleton in effect
            own_s = self.score(doc, own, leave_out=True, without=own_copies) if not alone else -1.0
            if alone:
                # One unit with its copies: an article alone (with its copies) follows a copy that found a story.
                away = sorted((self.members.get(c.id), c.id) for c in self.copies_of.get(doc_id, ())
                              if self.members.get(c.id) not in (None, own_key))
                if away and away[0][0] in self.stories:
                    self._detach(doc, own)
                    self._attach(doc, self.stories[away[0][0]])
                    moved += 1
                    continue
            key, s, runner = self.best2(doc, exclude=own_key)
            if s > own_s + 1e-6 and self.accepts(doc, key, s, max(runner, own_s)):
                self._detach(doc, own)
                self._attach(doc, self.stories[key])
                moved += 1
            elif not alone and not self.accepts(doc, own_key, own_s, s, leave_out=True):
                # It no longer fits the story it joined early on: split it off.
                self._detach(doc, own)
                self._attach(doc, self.new_story())
                moved += 1
        return moved

    def conflicts(self, doc: Doc, key: str) -> bool:
        mode = self.params.doc_conflict
        if mode == "off" or (mode == "earlier" and key in self._fresh):
            return False
        st = self.stories[key]
        if st.n < self.params.contrast_docs:
            return False
        return self.contrast(doc.names, 1, st.presence, st.n, one_sided=True) >= self.params.contrast_min

    def contrast(self, pa: Mapping[str, int], na: int, pb: Mapping[str, int], nb: int,
                 one_sided: bool = False) -> int:
        """How many rare names one group nearly always carries and the other never does (both directions)."""
        p = self.params
        rare = p.contrast_rare * max(1, self.name_df.n)
        total = 0
        sides = ((pb, nb, pa),) if one_sided else ((pa, na, pb), (pb, nb, pa))
        for x, nx, y in sides:
            for w, c in x.items():
                if c >= p.contrast_hi * nx and c >= p.contrast_docs and w not in y and self.name_df.df.get(w, 0) < rare:
                    total += 1
        return total

    def _split(self) -> int:
        p = self.params
        splits = 0
        todo = sorted(self._fresh & self._dirty)
        earlier = sorted(self._dirty - self._fresh)
        self._dirty.clear()
        for key in earlier:
            # A story from an earlier run that this batch added to: the batch's part may be another event that
            # happened to look close; the earlier part is known only through its counts, so it is compared whole.
            st = self.stories.get(key)
            if st is None:
                continue
            part = [self.docs[i] for i in sorted(self.by_story.get(key, ())) if i in self.docs]
            rest_n = st.n - len(part)
            if min(len(part), rest_n) < p.split_min:
                continue
            pa = _presence(part)
            rest = {w: c - pa.get(w, 0) for w, c in st.presence.items() if c - pa.get(w, 0) > 0}
            if self.contrast(pa, len(part), rest, rest_n) >= p.contrast_min:
                new = self.new_story()
                for doc in part:
                    self._detach(doc, st)
                    self._attach(doc, new)
                splits += 1
        for key in todo:
            st = self.stories.get(key)
            if st is None or st.n < 2 * p.split_min:
                continue
            ids = sorted(self.by_story.get(key, ()))
            docs = [self.docs[i] for i in ids if i in self.docs]
            if len(docs) != len(ids):
                continue  # copies: leave the story whole
            whole = frozenset(ids)
            if whole in self._unsplit:
                continue  # these very members were kept together before, and every test below depends on them only
            a, b = _two_means(docs, name_weight=p.split_name_weight)
            if min(len(a), len(b)) < p.split_min:
                self._unsplit.add(whole)
                continue
            prob = None  # the model's probability that the halves are one event, once known
            if p.pair_split > 0 and p.split_sweeps > 0:
                prob = self.same_event(group_of(a), group_of(b))
                if prob < p.split_sure:
                    a, b = self._cleanest_cut(a, b)
                    prob = None
            pa, pb = _presence(a), _presence(b)
            # Any one test splits the story and none has side effects: the separation of the halves (a pass over
            # every member's words) is asked last, when the cheaper tests on the halves' sums did not decide.
            if (self.contrast(pa, len(a), pb, len(b)) >= p.contrast_min
                    or p.pair_split > 0 and (self.same_event(group_of(a), group_of(b)) if prob is None else prob)
                    < p.pair_split
                    or self.separation(a, b) < p.split_ratio):
                new = self.new_story()
                for doc in b:
                    self._detach(doc, st)
                    self._attach(doc, new)
                splits += 1
            else:
                self._unsplit.add(whole)
        return splits

    def _cleanest_cut(self, a: list[Doc], b: list[Doc]) -> tuple[list[Doc], list[Doc]]:
        """Two-means on the fitted evidence: starting from the two-means halves, each member goes to the side the
        same-event model finds it more likely to belong to (itself left out of its own side), for at most
        ``split_sweeps`` sweeps; each side keeps at least ``split_min`` members. Two-means on word vectors alone
        cuts a story of two events unevenly when they share much vocabulary, and where it cuts depends on which
        articles the story held when it ran (arrival order); the model's cut depends on that much less."""
        p = self.params
        side = {d.id: 0 for d in a} | {d.id: 1 for d in b}
        docs = sorted(a + b, key=lambda d: d.id)
        groups = [group_of(a), group_of(b)]
        singles: dict[str, StoryStats] = {}  # each member as a group of one (the same in every sweep)
        for _ in range(p.split_sweeps):
            moved = False
            for d in docs:
                k = side[d.id]
                if groups[k].n <= p.split_min:
                    continue
                one = singles.get(d.id) or singles.setdefault(d.id, _alone(d))
                _sub_sums(groups[k], d)
                stay = self.same_event(one, groups[k])
                go = self.same_event(one, groups[1 - k])
                if go > stay + 1e-9:
                    _add_sums(groups[1 - k], d)
                    side[d.id], moved = 1 - k, True
                else:
                    _add_sums(groups[k], d)
            if not moved:
                break
        return [d for d in docs if side[d.id] == 0], [d for d in docs if side[d.id] == 1]

    def _merge(self) -> int:
        p = self.params
        merged = 0
        for key in sorted(self._fresh):
            st = self.stories.get(key)
            if st is None:
                continue
            probe = self._probe(st)
            best_key, best = None, -1.0
            for other in self.candidates(probe):
                if other == key:
                    continue
                o = self.stories[other]
                s = self.score(probe, o) * self.span_factor(st, o)
                if s > best:
                    best_key, best = other, s
            if best_key is None or best < p.merge_floor:
                continue
            # Every test below can veto the merge and none has side effects: the cheap ones on the stories' sums go
            # first, the separation of their members (a pass over every member's words) only when it can decide.
            o = self.stories[best_key]
            if min(st.n, o.n) >= p.split_min and self.contrast(st.presence, st.n, o.presence, o.n) >= p.contrast_min:
                continue
            if p.pair_split > 0 and self.same_stories(st, o) < p.pair_split:
                continue  # the model says two events: do not undo what the split pass found
            part = [self.docs[i] for i in sorted(self.by_story.get(key, ())) if i in self.docs]
            other = [self.docs[i] for i in sorted(self.by_story.get(best_key, ())) if i in self.docs]
            known = len(part) == st.n and len(other) == o.n
            sep_used = best < p.merge_threshold or min(len(part), len(other)) >= p.split_min
            sep = (self.separation(part, other) if sep_used and known and (p.split_ratio > 0 or p.merge_ratio <= 1.5)
                   else None)
            if best < p.merge_threshold and (sep is None or sep < p.merge_ratio):
                continue
            if sep is not None and min(len(part), len(other)) >= p.split_min and sep < p.split_ratio:
                continue
            self._absorb(st, o)
            merged += 1
        return merged

    def _cos_group(self, doc: Doc, text: Mapping[str, float], t2: float, names: Mapping[str, float], n2: float,
                   leave_out: bool) -> float:
        p = self.params
        t = _cos_sum(doc.text, text, t2, leave_out)
        n = _cos_sum(doc.names, names, n2, leave_out) if doc.names and n2 > 0 else t
        return (p.w_text * t + p.w_names * n) / (p.w_text + p.w_names)

    def separation(self, a: list[Doc], b: list[Doc]) -> float:
        """Mean closeness of each group's members to the other group over their closeness to their own group
        (leave-one-out), averaged over both groups: about 1 for two halves of one story, low for two events."""
        sums = []
        for g in (a, b):
            t: dict[str, float] = {}
            n: dict[str, float] = {}
            for d in g:
                _accumulate(t, d.text)
                _accumulate(n, d.names)
            sums.append((t, _norm2(t), n, _norm2(n)))
        ratios = []
        for g, own, other in ((a, sums[0], sums[1]), (b, sums[1], sums[0])):
            if len(g) < 2:
                continue
            within = sum(self._cos_group(d, *own, leave_out=True) for d in g) / len(g)
            between = sum(self._cos_group(d, *other, leave_out=False) for d in g) / len(g)
            ratios.append(between / within if within > 1e-9 else 1.0)
        return sum(ratios) / len(ratios) if ratios else 1.0

    def span_factor(self, a: StoryStats, b: StoryStats) -> float:
        if a.d0 is None or b.d0 is None:
            return 1.0
        gap = max(0, a.d0 - b.d1, b.d0 - a.d1)
        return 1.0 if gap <= self.params.day_grace else math.exp(-(gap - self.params.day_grace) / self.params.day_scale)

    def _absorb(self, src: StoryStats, dst: StoryStats) -> None:
        """Merge ``src`` (a story started in this run) into ``dst``."""
        if dst.key in self._fresh and src.key not in self._fresh:
            src, dst = dst, src
        dst.top = None
        dst.ver += 1
        dst.text2 += _add_into(dst.text, src.text, 1.0)
        dst.nums = dst.dates = None
        dst.names2 += _add_into(dst.names, src.names, 1.0)
        dst.title2 += _add_into(dst.title, src.title, 1.0)
        dst.n += src.n
        if dst.records is not None and src.records is not None:
            dst.records.update(src.records)
        else:
            dst.records = None
        dst.run = self.run
        self._dirty.add(dst.key)
        self._changed.add(dst.key)
        _count_into(dst.presence, src.presence, 1, counts=True)
        for d in (src.d0, src.d1):
            if d is not None:
                dst.d0 = d if dst.d0 is None else min(dst.d0, d)
                dst.d1 = d if dst.d1 is None else max(dst.d1, d)
        for doc_id in sorted(self.by_story.get(src.key, ())):
            self._set_member(doc_id, dst.key)
        self._drop(src.key)
        self._post(dst)

    def rename(self, old: str, new: str) -> None:
        if old == new or old not in self.stories:
            return
        st = self.stories.pop(old)
        st.key = new
        self.stories[new] = st
        self.dropped.add(old)
        self.dropped.discard(new)
        self._changed.discard(old)
        self._changed.add(new)
        for k in st.posted:
            lst = self.index.get(k)
            if lst:
                self.index[k] = [new if x == old else x for x in lst]
        if old in self._fresh:
            self._fresh.discard(old)
            self._fresh.add(new)
        for doc_id in sorted(self.by_story.get(old, ())):
            self._set_member(doc_id, new)

    @property
    def fresh(self) -> set[str]:
        return set(self._fresh)

    def to_state(self) -> dict:
        state: dict = {}
        self.save(state, full=True)
        return state

    def save(self, state: dict, full: bool = False) -> None:
        """Write the index into ``state`` (JSON-able). Unless ``full``, only stories changed since the last save
        are rewritten and the big maps are shared, not copied, so saving costs what the run changed."""
        state["version"] = 1
        state["run"] = self.run
        state["newest_day"] = self.newest_day
        state["params"] = asdict(self.params)
        state["df"] = {"n": self.df.n, "df": self.df.df}
        state["name_df"] = {"n": self.name_df.n, "df": self.name_df.df}
        state["members"] = self.members
        state["copies"] = self.copies
        stories = state.setdefault("stories", {})
        if full:
            stories.clear()
            todo = self.stories.keys()
        else:
            for key in self.dropped:
                stories.pop(key, None)
            todo = self._changed
        for key in todo:
            st = self.stories.get(key)
            if st is not None:
                stories[key] = st.to_state()
            else:
                stories.pop(key, None)
        self._changed.clear()


def index_keys(text: Mapping[str, float], names: Mapping[str, float], index_terms: int, name_query: int) -> list[str]:
    """The keys a story is found by: its heaviest words and its heaviest names ("@" + name); ties go by word."""
    return _heaviest(text, index_terms) + ["@" + w for w in _heaviest(names, name_query)]


def _heaviest(v: Mapping[str, float], k: int) -> list[str]:
    # Exactly sorted(v, key=(-value, word))[:k], without sorting a story's whole sum (see ``_top_hits``).
    return _top_hits(v, k)


def _heaviest_items(v: Mapping[str, float], k: int) -> list[tuple[str, float]]:
    """``sorted(v.items(), key=-value)[:k]`` (ties in the order of ``v``), with the cut-off value found by a sort of
    the bare values (in C), so that only the few items at or above it are ordered by key: the same items in the same
    order (a stable sort of the items kept keeps their order among equal values)."""
    if len(v) > k > 0:
        cut = sorted(v.values(), reverse=True)[k - 1]
        items = [kv for kv in v.items() if kv[1] >= cut]
    else:
        items = list(v.items())
    return sorted(items, key=lambda kv: -kv[1])[:k]


def _heaviest_after(st: StoryStats, top: tuple[list[str], list[str]], added: Doc, index_terms: int,
                    name_query: int) -> tuple[list[str], list[str]]:
    """A story's heaviest words and names (``_heaviest``) just after ``added`` joined it, ``top`` being them before:
    only the article's words grew, so the heaviest now are among the old heaviest and the article's (exactly what
    ``_heaviest`` finds in the whole sum, without going through it)."""
    if min(added.text.values(), default=1.0) <= 0 or min(added.names.values(), default=1.0) <= 0:
        return _heaviest(st.text, index_terms), _heaviest(st.names, name_query)
    text = {w: st.text[w] for w in (*top[0], *added.text) if w in st.text}
    names = {w: st.names[w] for w in (*top[1], *added.names) if w in st.names}
    return _heaviest(text, index_terms), _heaviest(names, name_query)


def _count_into(acc: dict[str, int], keys: Mapping[str, Any], sign: int, counts: bool = False) -> None:
    for w, c in keys.items():
        v = acc.get(w, 0) + sign * (int(c) if counts else 1)
        if v > 0:
            acc[w] = v
        else:
            acc.pop(w, None)


def group_of(docs: Iterable[Doc], key: str = "~group") -> StoryStats:
    """The sums a story of exactly these articles would keep (to weigh two groups against each other)."""
    st = StoryStats(key, records=None, nums={}, dates={})
    for d in docs:
        _add_sums(st, d)
    return st


def _alone(doc: Doc) -> StoryStats:
    """``group_of([doc])``, made once per document (its vectors never change, and neither may the group)."""
    if doc.alone is None:
        doc.alone = group_of([doc])
    return doc.alone


def _track_numbers(st: StoryStats, doc: Doc) -> None:
    """Bring ``st.nums`` in line with ``st.text`` after ``doc``'s words were added to it or taken out of it: only
    its number words can have changed; one new to the sum comes last there as here (the same order)."""
    nums = st.nums
    if nums is None:
        return
    words = doc.numbers
    if words is None:
        words = doc.numbers = [w for w in doc.text if _is_number(w)]
    text = st.text
    for w in words:
        x = text.get(w)
        if x is None:
            nums.pop(w, None)
        else:
            nums[w] = x


def _track_dates(st: StoryStats, doc: Doc, sign: int) -> None:
    """Count ``doc``'s day words into ``st.dates`` as ``_count_into`` counts its names into ``st.presence``."""
    if st.dates is None:
        return
    words = doc.dates
    if words is None:
        words = doc.dates = [w for w in doc.names if w.startswith(DATE_PREFIX)]
    if words:
        _count_into(st.dates, dict.fromkeys(words), sign)


def _add_sums(st: StoryStats, doc: Doc) -> None:
    """Add one article to a story's sums: word and name centroids, title words, name presence, its day span."""
    st.ver += 1
    st.text2 += _add_into(st.text, doc.text, 1.0)
    _track_numbers(st, doc)
    st.names2 += _add_into(st.names, doc.names, 1.0)
    st.title2 += _add_into(st.title, doc.title, 1.0)
    st.n += 1
    _count_into(st.presence, doc.names, 1)
    _track_dates(st, doc, 1)
    if doc.day is not None:
        st.d0 = doc.day if st.d0 is None else min(st.d0, doc.day)
        st.d1 = doc.day if st.d1 is None else max(st.d1, doc.day)


def _sub_sums(st: StoryStats, doc: Doc) -> None:
    """Take one article out of a group's sums (the day span is kept: it only softens the time factor)."""
    st.ver += 1
    st.text2 = max(0.0, st.text2 + _add_into(st.text, doc.text, -1.0))
    _track_numbers(st, doc)
    st.names2 = max(0.0, st.names2 + _add_into(st.names, doc.names, -1.0))
    st.title2 = max(0.0, st.title2 + _add_into(st.title, doc.title, -1.0))
    st.n -= 1
    _count_into(st.presence, doc.names, -1)
    _track_dates(st, doc, -1)


def _presence(docs: Iterable[Doc]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in docs:
        for w in d.names:
            out[w] = out.get(w, 0) + 1
    return out


def _two_means(docs: list[Doc], rounds: int = 6, name_weight: float = 1.0) -> tuple[list[Doc], list[Doc]]:
    """Split documents in two around seeds far apart (deterministic: ties go by id).

    Every comparison of two similarities is decided on exact dot products (``dot``); the many dot products a split
    needs are first estimated together by one sparse matrix product, and only the comparisons the estimate cannot
    decide (within ``_CLOSE`` of each other) are computed exactly: the same halves as exact products throughout."""
    vecs = {d.id: {**d.text, **{"@" + w: name_weight * x for w, x in d.names.items()}} for d in docs}
    m = _Rows([vecs[d.id] for d in docs])
    if len(docs) <= 80:
        # Small stories: seed with the least similar pair (the two events' most typical members, usually).
        first, second = m.least_similar_pair(docs, vecs)
    else:
        centre: dict[str, float] = {}
        for v in vecs.values():
            _accumulate(centre, v)
        first = m.argmin(docs, vecs, centre)
        second = m.argmin(docs, vecs, vecs[first.id])
    ca, cb = dict(vecs[first.id]), dict(vecs[second.id])
    a: list[Doc] = []
    b: list[Doc] = []
    for _ in range(rounds):
        near_a = m.nearer_first(docs, vecs, ca, cb)
        a = [d for d, x in zip(docs, near_a) if x]
        b = [d for d, x in zip(docs, near_a) if not x]
        if not a or not b:
            break
        na, nb = {}, {}
        for d in a:
            _accumulate(na, vecs[d.id])
        for d in b:
            _accumulate(nb, vecs[d.id])
        na, nb = _unit(na), _unit(nb)
        if na == ca and nb == cb:
            break
        ca, cb = na, nb
    return a, b


# Two estimated dot products closer than this (relative to their size) are compared exactly. The estimate of a sum
# of a few hundred products of numbers below a few hundred is off by far less than 1e-9 of it.
_CLOSE = 1e-9


class _Rows:
    """Sparse vectors as the rows of one matrix, to estimate many dot products at once (see ``_two_means``)."""

    def __init__(self, vecs: list[Mapping[str, float]]):
        import numpy as np
        import scipy.sparse as sp

        self.np = np
        self.vocab: dict[str, int] = {}
        cols, vals, ptr = [], [], [0]
        for v in vecs:
            cols.extend(self.vocab.setdefault(w, len(self.vocab)) for w in v)
            vals.extend(v.values())
            ptr.append(len(cols))
        self.m = sp.csr_matrix((vals, cols, ptr), shape=(len(vecs), len(self.vocab)))

    def _dense(self, v: Mapping[str, float]):
        out = self.np.zeros(len(self.vocab))
        vocab = self.vocab
        for w, x in v.items():
            j = vocab.get(w)
            if j is not None:
                out[j] = x
        return out

    def times(self, *vs: Mapping[str, float]):
        """Estimated dot products of every row with each of ``vs`` (one column each)."""
        return self.m @ self.np.column_stack([self._dense(v) for v in vs])

    def least_similar_pair(self, docs: list[Doc], vecs: Mapping[str, Mapping[str, float]]) -> tuple[Doc, Doc]:
        """``min`` over the pairs (x, y), x before y, of (dot(x, y), x.id, y.id)."""
        np = self.np
        g = (self.m @ self.m.T).toarray()
        i, j = np.triu_indices(len(docs), k=1)
        est = g[i, j]
        low = est.min()
        near = np.nonzero(est <= low + _CLOSE * (1.0 + abs(low)))[0]
        pairs = [(docs[i[k]], docs[j[k]]) for k in near.tolist()]
        return min(pairs, key=lambda p: (dot(vecs[p[0].id], vecs[p[1].id]), p[0].id, p[1].id))

    def argmin(self, docs: list[Doc], vecs: Mapping[str, Mapping[str, float]], c: Mapping[str, float]) -> Doc:
        """``min(docs, key=(dot(doc, c), doc.id))``."""
        est = self.times(c)[:, 0]
        low = est.min()
        near = self.np.nonzero(est <= low + _CLOSE * (1.0 + abs(low)))[0]
        return min((docs[k] for k in near.tolist()), key=lambda d: (dot(vecs[d.id], c), d.id))

    def nearer_first(self, docs: list[Doc], vecs: Mapping[str, Mapping[str, float]], ca: Mapping[str, float],
                     cb: Mapping[str, float]) -> list[bool]:
        """``[dot(doc, ca) >= dot(doc, cb) for doc in docs]``."""
        est = self.times(ca, cb)
        diff = est[:, 0] - est[:, 1]
        close = self.np.abs(diff) <= _CLOSE * (1.0 + self.np.abs(est).max(axis=1))
        out = (diff >= 0).tolist()
        for k in self.np.nonzero(close)[0].tolist():
            v = vecs[docs[k].id]
            out[k] = dot(v, ca) >= dot(v, cb)
        return out


def _accumulate(acc: dict[str, float], vec: Mapping[str, float]) -> None:
    """``_add_into(acc, vec, 1.0)`` without the change of norm, for sums of articles' weights (never negative): the
    same sums in the same key order. Adding weights of at least 1e-9 to such a sum cannot bring a word near zero
    (``_add_into`` drops those), so they are added in C."""
    if vec and min(vec.values()) >= 1e-9:
        get = acc.get
        acc.update(zip(vec, map(add, map(get, vec, repeat(0.0)), vec.values())))
    else:
        _add_into(acc, vec, 1.0)


def _unit(v: Mapping[str, float]) -> dict[str, float]:
    n = math.sqrt(_norm2(v))
    return {w: x / n for w, x in v.items()} if n else {}
