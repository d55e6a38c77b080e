"""Quotations: direct, indirect and mixed reported speech, each with its cue, speaker mention and resolved speaker.

How it works, on one parsed document:

1. Quotation marks are paired per paragraph (straight, curly and doubled single marks); a mark left open runs to the
   end of its paragraph, so one unbalanced mark costs one quote, not the article.
2. Every cue (a reporting verb from ``cues.txt``, or "according to") yields a quote: the content is the verb's
   clausal complement or object, or the rest of the sentence for "according to", widened to cover any quotation it
   cuts into; the speaker is the verb's subject (climbing through "..., saying", "and added", "who said").
   Shapes: the verb's object keeps its own as/for/with/of phrase ("pointed to the GOP as the key obstacle",
   "accused Clinton of ..."); "described him as ..." (dobj+as) and the passive ("is seen as ...") are shapes of
   their own in ``cues.txt``.
3. A line that opens with a speaker and a colon (headlines, Q/A) is that speaker's quote.
4. A quotation no cue claimed goes to the cue beside it in its paragraph, or continues the previous speaker
   (`"A," he said. "B."` is one quote, as annotators mark it); quoted titles ("The Late Show With ...") are not quotes.
5. A report whose cue and content lie inside another quote's content ("Aides said Trump planned to ...") is part of
   that quote, not a second one.
6. Speakers resolve to actors (``speaker_type``): named people and organisations through the actors component;
   a country or its capital only when it acts ("Beijing said"), other places never; "he"/"she" to the subject of
   the nearest earlier clause naming a person (salience, not proximity), "it"/"we" to an organisation or
   government, never a place ("they" stays unresolved); "we"/"I" inside a quotation to the quotation's speaker; a document as subject ("a
   statement released by the ministry said", "according to a read-out from X") to whoever issued it; unnamed
   sources ("a senior official") kept as ``anonymous`` with their description; common nouns, event nouns and
   datelines are not speakers (the speaker span stays, as written, with no name).
7. Each quote's ``act`` comes from its cue verb's class (``lexicon.act_of_cue``): speech, belief, intention or
   action. Only speech is a voice; the others stay in the records, labelled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.symbols import AUX, VERB
from spacy.util import registry
from spacy.tokens import Doc, Token

from newsprism.model import Entity, Quote, Span
from newsprism.nlp.actors import mention_index
from newsprism.nlp.sentences import doc_text, lowers, sent_of, sent_start, token_ids_with_pos
from newsprism.nlp.lexicon import (ACTION, AGENT_NOUNS, EVENT_HEADS, PERSON_PRONOUNS, PRONOUNS, SPEECH,
                                   act_of_cue, is_common_word)
from newsprism.knowledge import countries as _gaz

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
MIN_STANDALONE_WORDS = 4


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, dict[str, str]]:
    """Cue lemma -> options, from the shipped ``cues.txt`` (``lemma[ tab key=value ...]``)."""
    out: dict[str, dict[str, str]] = {}
    text = resources.files("newsprism.nlp").joinpath("cues.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        opts = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        out[parts[0]] = opts
    return out


@lru_cache(maxsize=1)
def cue_model() -> dict | None:
    """The shipped cue model: {"bias", "threshold", "weights": {feature: weight}}, or None when absent."""
    path = resources.files("newsprism.nlp").joinpath("cue_model.json")
    if not path.is_file():
        return None
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def _score(model: dict, feats: list[str]) -> float:
    import math

    w = model["weights"]
    z = model["bias"] + sum(w.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-z))


def _subject_kind(subj: Token | None, midx, ent_type) -> str:
    if subj is None:
        return "none"
    if subj.lower_ in PERSON_PRONOUNS or subj.lower_ == "i":
        return "pron_person"
    if subj.lower_ in PRONOUNS:
        return "pron_other"
    if subj.lower_ in ("who", "that", "which"):
        return "rel"
    hit = midx.get(subj.i)
    if hit is not None:
        return "actor_" + ent_type.get(hit[0], "X")
    return "noun_" + (subj.ent_type_ or subj.pos_)


def _features(t: Token, rule: str, subj: Token | None, s: int, e: int, qspans, midx, ent_type) -> list[str]:
    """Sparse features of one candidate cue, for the cue model."""
    lemma = _lemma(t)
    sk = _subject_kind(subj, midx, ent_type)
    n = len(doc_text(t.doc)[s:e].split())
    length = "1" if n <= 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"
    quoted = any(s <= qs < e for qs, _ in qspans)
    neg = any(c.dep_ == "neg" for c in t.children)
    modal = any(c.tag_ == "MD" for c in t.children)
    prt = next((c.lower_ for c in t.children if c.dep_ == "prt"), "")
    return [f"l={lemma}", f"r={rule}", f"lr={lemma}:{rule}", f"s={sk}", f"ls={lemma}:{sk}", f"rs={rule}:{sk}",
            f"tag={t.tag_}", f"dep={t.dep_}", f"ld={lemma}:{t.dep_}", f"len={length}", f"rlen={rule}:{length}",
            f"q={quoted}", f"lq={lemma}:{quoted}", f"neg={neg}", f"modal={modal}", f"prt={lemma}:{prt}",
            f"after={e <= t.idx}", f"lafter={lemma}:{e <= t.idx}"]


# ----------------------------------------------------------------------------------------------------------------
# Quotation marks


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of quoted passages, marks included; a mark left open runs to the end of its paragraph."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para and not para.startswith("\n"):
            spans.extend((s + pos, e + pos) for s, e in _para_quotes(para))
        pos += len(para)
    return spans


def _para_quotes(p: str) -> list[tuple[int, int]]:
    out = []
    i, n = 0, len(p)
    open_at = -1
    open_kind = ""
    while i < n:
        c = p[i]
        two = p[i:i + 2]
        if two == "''" or two == "``":
            kind, width = "''", 2
        elif c in OPEN_MARKS or c in CLOSE_MARKS or c == '"':
            kind, width = c, 1
        else:
            i += 1
            continue
        if open_at < 0:
            if c in CLOSE_MARKS:  # a stray closing mark: ignore
                i += width
                continue
            open_at, open_kind = i, kind
        else:
            closes = (open_kind in OPEN_MARKS and c in CLOSE_MARKS) or (open_kind == '"' and c in '"”') or \
                     (open_kind == "''" and kind == "''") or (open_kind in OPEN_MARKS and c == '"')
            if closes:
                out.append((open_at, i + width))
                open_at = -1
            elif c in OPEN_MARKS or (c == '"' and open_kind != '"'):
                # a new opening before the old one closed: the old one ran to here
                end = i
                while end > open_at and p[end - 1].isspace():
                    end -= 1
                out.append((open_at, end))
                open_at, open_kind = i, kind
        i += width
    if open_at >= 0:
        end = n
        while end > open_at and p[end - 1].isspace():
            end -= 1
        if end - open_at > 1:
            out.append((open_at, end))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Cues, content, speakers


@dataclass
class _Cand:
    start: int
    end: int
    cue: tuple[int, int] | None
    subj: Token | None
    cue_token: Token | None
    rule: str = ""
    feats: list[str] | None = None


def _lemma(t: Token) -> str:
    """The verb's lemma, with the small model's slips mended ("hopes" -> "hop")."""
    low = t.lower_
    if low.startswith("hope") or low == "hoping":
        return "hope"
    return t.lemma_.lower()


_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "oprd", "attr")
_CONTENT_PREPS = frozenset("for about on of against to with over into at".split())
_OBJ_COMPLEMENT_PREPS = frozenset("as for with of".split())
_CLIMB = ("conj", "xcomp", "advcl", "acl", "relcl", "pcomp")


def _subject(t: Token) -> Token | None:
    seen = 0
    cur = t
    while cur is not None and seen < 4:
        for c in cur.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                if c.lower_ in ("who", "that", "which") and cur.dep_ == "relcl":
                    return cur.head
                return c
        if cur.dep_ == "relcl" and cur.head.pos_ in ("NOUN", "PROPN"):
            return cur.head
        if cur.dep_ in _CLIMB and cur.head is not cur:
            cur = cur.head
            seen += 1
            continue
        return None
    return None


_NOT_SPEAKERS = frozenset({"DATE", "TIME", "PERCENT", "CARDINAL", "MONEY", "QUANTITY", "ORDINAL"})


def _speaker_nearby(t: Token, s: int, e: int, qspans, midx, ent_type) -> Token | None:
    """When the parse gives a cue no subject ("..., calling it a disaster"), the nearest person or organisation
    named in its sentence outside the content (before the cue first), or a subject pronoun."""
    best_before = best_after = None
    for x in sent_of(t):
        if s <= x.idx < e or x.i == t.i or any(a <= x.idx < b for a, b in qspans):
            continue
        hit = midx.get(x.i)
        ok = (hit is not None and ent_type.get(hit[0]) in ("PERSON", "ORG")) or \
             (x.lower_ in PERSON_PRONOUNS and x.dep_ in ("nsubj", "nsubjpass"))
        if not ok:
            continue
        if x.i < t.i:
            best_before = x
        elif best_after is None:
            best_after = x
    return best_before or best_after


def _agent(t: Token) -> Token | None:
    for c in t.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _tok_span(doc: Doc, a: int, b: int) -> tuple[int, int]:
    """Char span of tokens [a, b) with edge punctuation (but not quotation marks) trimmed."""
    while a < b and doc[a].is_punct and not _is_quote_tok(doc[a]) and doc[a].text not in "([":
        a += 1
    while b > a and doc[b - 1].is_punct and not _is_quote_tok(doc[b - 1]) and doc[b - 1].text not in ")]":
        b -= 1
    if a >= b:
        return (doc[a].idx, doc[a].idx) if a < len(doc) else (len(doc_text(doc)), len(doc_text(doc)))
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)


def _is_quote_tok(t: Token) -> bool:
    return t.text in ('"', "''", "``", "“", "”", "«", "»", "„") or t.tag_ in ("``", "''")


def _content_from_children(t: Token, lexicon: dict) -> tuple[tuple[int, int], str] | None:
    """The content a cue verb governs, and the rule that found it (its dependency labels, e.g. "ccomp")."""
    lemma = _lemma(t)
    toks: list[int] = []
    deps = []
    has_clause = any(x.dep_ in ("ccomp", "xcomp") for x in t.children)
    for c in t.children:
        if c.dep_ in _CONTENT_DEPS:
            if c.dep_ == "dobj" and has_clause and lemma in ("tell", "ask", "warn", "urge", "remind", "assure",
                                                             "inform", "convince", "persuade"):
                continue  # the addressee of "told reporters that ..."
            toks.extend(x.i for x in c.subtree)
            deps.append(c.dep_)
    if not toks:
        # "called for an end to ...", "spoke about ...": the object of a preposition right after the verb
        prep = next((c for c in t.children if c.dep_ == "prep" and c.i == t.i + 1 + sum(
            1 for x in t.children if x.dep_ == "prt" and x.i > t.i) and c.lower_ in _CONTENT_PREPS), None)
        obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
        if obj is not None:
            toks = [x.i for x in obj.subtree]
            deps = ["prep_" + prep.lower_]
        else:
            # the passive: "Rubio is seen as the candidate with ...", "The meeting was first reported by Politico"
            subj = next((c for c in t.children if c.dep_ == "nsubjpass" and c.i < t.i), None)
            if subj is None or subj.lower_ in PRONOUNS or subj.lower_ in ("who", "that", "which"):
                return None
            toks = [x.i for x in subj.subtree]
            deps = ["nsubjpass"]
            as_ = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > t.i), None)
            if as_ is not None:
                toks.extend(range(max(toks) + 1, max(x.i for x in as_.subtree) + 1))
                deps = ["nsubjpass+as"]
    rule = "+".join(sorted(set(deps)))
    if deps[0] in ("dobj", "prep_to", "prep_at"):
        # "pointed to the GOP as the key obstacle", "mocked Rubio for not having won": the verb's own prepositional
        # phrase right after its object completes what was said
        end = max(toks) + 1
        for c in sorted(t.children, key=lambda x: x.i):
            if c.dep_ == "prep" and c.i == end and c.lower_ in _OBJ_COMPLEMENT_PREPS:
                toks.extend(x.i for x in c.subtree)
                end = max(toks) + 1
                if c.lower_ in ("as", "of") and deps == ["dobj"]:
                    rule = "dobj+" + c.lower_  # "described him as ...", "accused Clinton of ...": shapes of their own
    allowed = lexicon.get(lemma, {}).get("rules")
    if allowed is not None:
        ok = set(allowed.split(","))
        # the object-and-phrase shapes also pass where the plain object (or "accuse ... of") does
        if rule not in ok and not (rule == "dobj+as" and "dobj" in ok or rule == "dobj+of" and ok & {"dobj", "prep_of"}):
            return None
    return (min(toks), max(toks) + 1), rule


def _according_to(t: Token) -> tuple[tuple[int, int], Token | None, tuple[int, int]] | None:
    """For "according to X": (content token range, speaker token, cue token range)."""
    doc = t.doc
    if t.lower_ != "according" or t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
        return None
    to = doc[t.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None and t.i + 2 < len(doc):
        pobj = doc[t.i + 2]
    phrase_end = max([x.i for x in to.subtree] + [t.i + 1]) + 1
    sent = sent_of(t)
    a, b = sent.start, sent.end
    if t.i <= a + 1:  # "According to X, ..."
        a = phrase_end
    elif phrase_end >= b - 1 or all(doc[k].is_punct for k in range(phrase_end, b)):
        b = t.i  # "..., according to X."
    return (a, b), pobj, (t.i, t.i + 2)


def find_quotes(doc: Doc, lexicon: dict | None = None, with_rules: bool = False, model: dict | None = None) -> list:
    """Quotes of a parsed doc (with ``doc._.actors`` set).

    By default every verb is a candidate cue and the shipped cue model (``cue_model.json``, a logistic regression
    trained on PolNeAR train) keeps the likely ones; without the model file, the cue list ``cues.txt`` decides.
    ``lexicon`` forces a cue list (``{"*": {}}``: every verb, no model, for tuning); ``with_rules`` returns
    ``(quote, rule, features)`` triples.
    """
    text = doc_text(doc)
    if lexicon is None and model is None:
        model = cue_model()
    lex = lexicon if lexicon is not None else ({"*": {}} if model else cue_lexicon())
    every_verb = "*" in lex
    qspans = quotation_spans(text)
    midx = mention_index(doc)
    ent_type = {a.id: a.type for a in (doc._.actors or [])}
    cands: list[_Cand] = []
    # only "according" and verbs can open a candidate: the others are skipped without making a Token of each
    low = lowers(doc)
    verbs = token_ids_with_pos(doc, VERB, AUX)
    for t in (doc[i] for i in sorted(set(verbs).union(i for i, w in enumerate(low) if w == "according"))):
        acc = _according_to(t) if t.lower_ == "according" else None
        if acc is not None and any(qs < t.idx < qe for qs, qe in qspans):
            continue  # "according to" inside someone's quotation
        if acc is not None:
            (a, b), spk, (ca, cb) = acc
            if b > a:
                s, e = _tok_span(doc, a, b)
                if e > s:
                    cands.append(_Cand(s, e, (doc[ca].idx, doc[cb - 1].idx + len(doc[cb - 1].text)), spk, t,
                                       "according"))
            continue
        if t.pos_ not in ("VERB", "AUX") or (_lemma(t) not in lex and not every_verb):
            continue
        if any(qs < t.idx < qe for qs, qe in qspans):
            continue  # a verb inside someone's quotation reports the quoted speaker's words, not the article's
        if t.pos_ == "AUX" and t.dep_ == "aux":
            continue
        got = _content_from_children(t, lex)
        rng, rule = got if got else (None, "")
        if rng is None and t.dep_ == "parataxis" and t.head is not t:
            # '"...," he said.' parsed with the quote as the root: the content is the head minus this clause
            head = t.head
            sub = {x.i for x in t.subtree}
            rest = [x.i for x in head.subtree if x.i not in sub]
            allowed = lex.get(_lemma(t), {}).get("rules")
            if rest and (allowed is None or "parataxis" in allowed.split(",")):
                rng, rule = (min(rest), max(rest) + 1), "parataxis"
                first = min(sub)
                before = [i for i in rest if i < first]
                # '"...," Trump said, after ...': a quotation closing right before the speaker is the content
                if before and first >= 2 and (_is_quote_tok(doc[first - 1]) or
                                              (doc[first - 1].text == "," and _is_quote_tok(doc[first - 2]))):
                    rng = (min(before), max(before) + 1)
        if rng is None:
            continue
        s, e = _tok_span(doc, *rng)
        if e <= s:
            continue
        subj = _subject(t) if t.dep_ != "parataxis" else next((c for c in t.children if c.dep_ in _SUBJ), None)
        if subj is None:
            subj = _agent(t)
        if subj is None or subj.ent_type_ in _NOT_SPEAKERS:
            subj = _speaker_nearby(t, s, e, qspans, midx, ent_type)
        feats = _features(t, rule, subj, s, e, qspans, midx, ent_type) if (model or with_rules) else None
        if model and _score(model, feats) < model["threshold"]:
            continue
        cue_end = t.i + 1
        for c in t.children:  # "pointed out", "told reporters"
            if c.dep_ == "prt" and c.i == cue_end:
                cue_end += 1
        cands.append(_Cand(s, e, (t.idx, doc[cue_end - 1].idx + len(doc[cue_end - 1].text)), subj, t,
                           f"{_lemma(t)}:{rule}", feats))

    # widen contents over the quotations they cut into, but keep them in the cue's paragraph: the parser's
    # sentences sometimes run over a paragraph break
    for c in cands:
        for qs, qe in qspans:
            if qs < c.end and c.start < qe:
                c.start, c.end = min(c.start, qs), max(c.end, qe)
        if c.cue is not None:
            p0 = text.rfind("\n", 0, c.cue[0]) + 1
            p1 = text.find("\n", c.cue[1])
            p1 = len(text) if p1 < 0 else p1
            c.start, c.end = max(c.start, p0), min(c.end, p1)
            while c.end > c.start and text[c.end - 1] in " \t\u00a0,.;:":
                c.end -= 1
            while c.start < c.end and text[c.start] in " \t\u00a0,;:":
                c.start += 1

    cands.extend(_colon_lines(doc, cands, midx, ent_type))

    # quotations nobody claimed
    claimed = [(c.start, c.end) for c in cands]
    orphans = [(qs, qe) for qs, qe in qspans
               if not any(s <= qs and qe <= e for s, e in claimed) and len(text[qs:qe].split()) >= MIN_STANDALONE_WORDS
               and not _is_title(text[qs:qe])]
    cands.sort(key=lambda c: c.start)
    for qs, qe in orphans:
        prev = _previous_in_paragraph(text, cands, qs)
        if prev is not None and prev.cue is not None and prev.cue[1] <= qs and \
                _gap_is_reporting(text, prev, qs):
            prev.end = max(prev.end, qe)  # '"A," he said. "B."': one quote
            continue
        cue = _nearby_cue(doc, qs, qe, lex)
        if cue is not None:
            t, subj = cue
            cands.append(_Cand(qs, qe, (t.idx, t.idx + len(t.text)), subj, t, "orphan"))
        else:
            near = prev or _last_of_previous_paragraph(text, cands, qs)
            cands.append(_Cand(qs, qe, None, near.subj if near else None, None, "orphan"))
        cands.sort(key=lambda c: c.start)

    cands = _drop_nested(cands)

    # drop duplicates
    seen: set[tuple[int, int]] = set()
    out: list = []
    actors: list[Entity] = doc._.actors or []
    by_id = {a.id: a for a in actors}
    person_mentions = sorted((s, e, a.id) for a in actors if a.type == "PERSON" for s, e in a.mentions)
    org_mentions = sorted((s, e, a.id) for a in actors if a.type in ("ORG", "GPE", "NORP") for s, e in a.mentions)
    ctx = _Ctx(doc, midx, by_id, person_mentions, org_mentions, qspans)
    quotes: list[Quote] = []
    for c in cands:
        if (c.start, c.end) in seen or c.end <= c.start:
            continue
        seen.add((c.start, c.end))
        q = Quote(start=c.start, end=c.end, text=text[c.start:c.end], kind=_kind(text, c.start, c.end, qspans))
        if c.cue is not None:
            q.cue = Span(c.cue[0], c.cue[1], text[c.cue[0]:c.cue[1]])
        lemma = "according" if c.rule == "according" else (_lemma(c.cue_token) if c.cue_token is not None else None)
        q.act = act_of_cue(lemma, direct=q.kind != "indirect", rule=c.rule)
        if c.subj is not None:
            _resolve_speaker(q, c.subj, ctx)
            if q.speaker_name is None and q.act == SPEECH and c.rule != "according" and q.kind == "indirect" and \
                    _is_thing(c.subj):
                q.act = ACTION  # "the attack claimed 26 lives", "the strike showed": a thing does not speak
        quotes.append(q)
        out.append((q, c.rule, c.feats) if with_rules else q)
    _first_person_in_quotations(quotes, qspans, text)
    return out


_COLON_LINE = re.compile(r"(?m)^[^\S\n]*([^:\n]{2,60}?):[^\S\n]+(\S[^\n]*)")  # from line starts only
_COLON_SOURCES = frozenset("poll polls survey report study q a".split())


def _colon_lines(doc: Doc, cands: list[_Cand], midx, ent_type) -> list[_Cand]:
    """A line that opens with a speaker and a colon, as headlines and interviews do ("Trump: 'We are going to win
    so much.'", "Q: You suffered from depression ..."): the rest of the line is what the speaker said."""
    text = doc_text(doc)
    out = []
    # surnames of the people the article names ("Trump: ..." above "Donald Trump was ...")
    surnames = {a.name.split()[-1] for a in (doc._.actors or []) if a.type == "PERSON" and a.name}
    for m in _COLON_LINE.finditer(text):
        if m.start() and text[m.start() - 1] != "\n":
            continue
        p0, p1 = m.span(1)
        c0, c1 = m.span(2)
        if len(text[p0:p1].split()) > 6 or any(ch in text[p0:p1] for ch in "\"“”"):
            continue
        while c1 > c0 and text[c1 - 1] in " \t\u00a0.":
            c1 -= 1
        if len(text[c0:c1].split()) < 3 or any(c.start <= c0 < c.end or c0 <= c.start < c1 for c in cands):
            continue
        span = doc.char_span(p0, p1, alignment_mode="expand")
        if span is None or any(x.pos_ in ("VERB", "AUX") for x in span):
            continue
        head = text[p0:p1].strip()
        letters = [ch for ch in head if ch.isalpha()]
        if _gaz.country_of(head) or _gaz.capital_of(head) or any(x.ent_type_ in ("GPE", "LOC") for x in span) or \
                (len(letters) > 4 and all(ch.isupper() for ch in letters) and not any(x.i in midx and ent_type.get(
                    midx[x.i][0]) == "PERSON" for x in span)):
            continue  # a dateline ("KUALA LUMPUR: ...", "Islamabad: ..."), not a speaker
        spk = None
        for x in span:
            hit = midx.get(x.i)
            # a recognised actor, a surname the article gives a person, or "Poll:"/"Q:"; an entity tag alone is not
            # enough ("Operation Sindoor: ..." headlines)
            if (hit is not None and ent_type.get(hit[0]) in ("PERSON", "ORG")) or x.text in surnames \
                    or (x.lower_ in _COLON_SOURCES and len(span) <= 2):
                spk = x if spk is None or x.ent_type_ or x.i in midx else spk
                if x.i in midx or x.ent_type_:
                    break
        if spk is None or (spk.i not in midx and spk.ent_type_ not in ("PERSON", "ORG") and is_common_word(spk.text)
                           and spk.lower_ not in _COLON_SOURCES and spk.text not in surnames):
            continue  # "Read: ...", "Watch: ...": page furniture
        out.append(_Cand(c0, c1, (p1, p1 + 1), spk, None, "colon"))
    return out


_MINOR_WORDS = frozenset("a an the of and or but in on at to for with by from as vs not no is".split())


def _is_title(quoted: str) -> bool:
    """A quoted name of a work or a slogan ("The Late Show With Stephen Colbert,", "A Choice, Not an Echo"):
    its words are capitalised and it ends without a sentence's punctuation."""
    words = [w.strip("\"'“”‘’«»,.:;!?()") for w in quoted.split()]
    words = [w for w in words if w and w[0].isalpha()]
    if not words or quoted.rstrip("\"'”’» ").endswith((".", "!", "?")):
        return False
    caps = sum(1 for w in words if w[0].isupper() or w.lower() in _MINOR_WORDS)
    return caps == len(words) and sum(1 for w in words if w[0].isupper()) >= 2


def _drop_nested(cands: list[_Cand]) -> list[_Cand]:
    """Drop a quote whose cue and content both lie inside another quote's content: 'he said he planned to adopt
    ...' reports what he said, not a second attribution of "planned"."""
    out = []
    for c in cands:
        if c.cue is not None and any(
                o is not c and o.start <= min(c.cue[0], c.start) and max(c.cue[1], c.end) <= o.end and
                (o.end - o.start) > (c.end - c.start) and not (o.cue and o.cue[0] >= c.cue[0])
                for o in cands):
            continue
        out.append(c)
    return out


_SAY = frozenset("say tell add ask answer reply respond continue explain write tweet recall quip joke note declare "
                 "insist argue warn shout yell exclaim conclude observe remark muse chime interject state".split())


def _nearby_cue(doc: Doc, qs: int, qe: int, lex: dict) -> tuple[Token, Token] | None:
    """A speaking verb with a subject just after a quotation ('"...," Trump answered') or just before it
    ('he declares, "..."'), in the same paragraph, outside any quotation."""
    text = doc_text(doc)
    span_after = doc.char_span(qe, min(len(text), qe + 120), alignment_mode="contract")
    span_before = doc.char_span(max(0, qs - 120), qs, alignment_mode="contract")
    for span, after in ((span_after, True), (span_before, False)):
        if span is None:
            continue
        toks = list(span) if after else list(reversed(list(span)))
        for t in toks[:12]:
            between = text[qe:t.idx] if after else text[t.idx:qs]
            if "\n" in between or any(m in between for m in '"“”'):
                break
            if t.pos_ == "VERB" and (_lemma(t) in _SAY or _lemma(t) in lex):
                subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None) or _subject(t)
                if subj is not None:
                    return t, subj
    return None


def _last_of_previous_paragraph(text: str, cands: list[_Cand], pos: int) -> _Cand | None:
    """A quotation opening a paragraph continues the speaker of the last quote in the paragraph before."""
    para_start = text.rfind("\n", 0, pos) + 1
    if text[para_start:pos].strip():
        return None
    prev_start = text.rfind("\n", 0, max(0, text[:para_start].rstrip().__len__())) + 1
    before = [c for c in cands if prev_start <= c.start < para_start and c.subj is not None]
    return max(before, key=lambda c: c.end) if before else None


def _previous_in_paragraph(text: str, cands: list[_Cand], pos: int) -> _Cand | None:
    best = None
    for c in cands:
        if c.end <= pos and "\n" not in text[c.end:pos]:
            if best is None or c.end > best.end:
                best = c
    return best


def _gap_is_reporting(text: str, prev: _Cand, pos: int) -> bool:
    """Whether only the reporting clause ("he said.") stands between the previous quote and this one."""
    gap = text[prev.end:pos]
    return len(gap.split()) <= 60 and prev.cue is not None and prev.end <= prev.cue[0] < pos


def _kind(text: str, s: int, e: int, qspans: list[tuple[int, int]]) -> str:
    inside = [(a, b) for a, b in qspans if s <= a and b <= e]
    if not inside:
        return "indirect"
    covered = sum(b - a for a, b in inside)
    starts_quoted = any(a <= s + 1 for a, _ in inside)
    return "direct" if starts_quoted and covered >= 0.9 * (e - s) else "mixed"


@dataclass
class _Ctx:
    doc: Doc
    midx: dict
    by_id: dict
    person_mentions: list
    org_mentions: list
    qspans: list
    # a pronoun's referent by (token index, types): pronoun chains are followed once each, so a long text full of
    # pronoun subjects costs linear time, not a walk per chain
    referents: dict = field(default_factory=dict)


_FIRST_PERSON = frozenset("i we me us my our".split())
_DOC_VERBS = frozenset("release issue publish post circulate share send distribute put".split())


def _mention_hit(tok: Token, midx) -> tuple[str, tuple[int, int]] | None:
    hit = midx.get(tok.i)
    if hit is None:
        # the mention may be a compound around the head ("Treasury Secretary Scott Bessent")
        for c in tok.children:
            if c.i in midx and c.dep_ in ("compound", "appos", "nmod"):
                return midx[c.i]
    return hit


def _speaking_type(ent: Entity, mention: str) -> str | None:
    """The type an actor speaks as, or None when it cannot speak: people and organisations speak; a country, a
    capital or seat of government ("Beijing said", "the Kremlin said") or an international body speaks for its
    government; any other place (a city, a region, a dateline written as an organisation) never does."""
    if ent.type == "PERSON":
        return "PERSON"
    name = mention or ent.name
    placeish = _gaz.country_of(name) or _gaz.capital_of(name)
    if ent.type == "ORG":
        words = (mention or ent.name).lower().split()
        if words and (words[0] in EVENT_HEADS or words[-1] in EVENT_HEADS):
            return None  # "Operation Sindoor", "the Jaffer Express": an event or a thing, not an agent
        return "GPE" if placeish else "ORG"
    if ent.type in ("GPE", "NORP"):
        if _gaz.body_of(name):
            return "ORG"
        if placeish and (ent.type == "GPE" or _gaz.country_of(name)):
            return "GPE"
    return None


def _resolve_speaker(q: Quote, subj: Token, ctx: _Ctx, depth: int = 0) -> None:
    doc = subj.doc
    text = doc_text(doc)
    hit = _mention_hit(subj, ctx.midx)
    if hit is not None:
        eid, (s, e) = hit
        q.speaker = Span(s, e, text[s:e])
        kind = _speaking_type(ctx.by_id[eid], text[s:e])
        if kind is not None:
            _fill_from_entity(q, ctx.by_id[eid])
            q.speaker_type = kind
        return
    low = subj.lower_
    q.speaker = Span(subj.idx, subj.idx + len(subj.text), subj.text)
    if low in PRONOUNS:
        if low in _FIRST_PERSON and _inside(subj.idx, ctx.qspans):
            return  # the quotation's speaker, set once every quote is known (_first_person_in_quotations)
        # "they" stays unresolved: it is as often a group of unnamed people ("officials ... they said") as a body
        types = ("PERSON",) if low in PERSON_PRONOUNS or low == "i" else ("ORG", "GPE") \
            if low in ("it", "its", "we", "our", "us") else ()
        ref = _salient_referent(subj, types, ctx) if types else None
        if ref is not None:
            _fill_from_entity(q, ctx.by_id[ref])
            q.speaker_type = _speaking_type(ctx.by_id[ref], "")
        return
    issuer = _issuer(subj) if depth == 0 else None
    if issuer is not None:
        # "a statement released by the ministry said", "according to a read-out from X": X speaks
        _resolve_speaker(q, issuer, ctx, depth + 1)
        return
    head_low, lemma = subj.lower_, subj.lemma_.lower()
    if subj.pos_ == "PROPN" or (subj.text[:1].isupper() and head_low not in AGENT_NOUNS and lemma not in AGENT_NOUNS):
        _proper_speaker(q, subj)
        return
    if head_low not in AGENT_NOUNS and lemma not in AGENT_NOUNS:
        return  # a thing, an event or a document ("the schedule says", "the latest round showed"): no speaker
    # an unnamed agent, described as written ("a senior official", "Pakistani security officials", "the army")
    left = [c for c in subj.lefts if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod")]
    a = min((x.i for c in left for x in c.subtree), default=subj.i)
    s, e = doc[a].idx, subj.idx + len(subj.text)
    q.speaker = Span(s, e, text[s:e])
    q.speaker_name = " ".join(w for w in text[s:e].split() if w.lower() not in ("the", "a", "an"))
    q.speaker_type = "anonymous"
    q.speaker_affiliation = _side_in_description(doc[a:subj.i + 1])


def _is_thing(subj: Token) -> bool:
    """A common-noun subject that is neither an agent nor a document ("attack", "casualties", "the schedule")."""
    return subj.pos_ in ("NOUN", "PROPN") and subj.lower_ not in PRONOUNS and subj.lower_ not in AGENT_NOUNS and \
        subj.lemma_.lower() not in AGENT_NOUNS and subj.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP") and \
        subj.lemma_.lower() not in _DOCUMENTS


# Documents speak for whoever issued them; with no issuer written they still report ("a statement said").
_DOCUMENTS = frozenset("statement report readout read-out read communique communiqué release letter memo "
                       "document post tweet message notice announcement declaration survey poll study "
                       "filing complaint lawsuit ruling order decree bulletin briefing transcript".split())


def _side_in_description(span) -> str | None:
    for t in span:
        side = _gaz.country_of(t.text) or _gaz.body_of(t.text)
        if side:
            return side
    return None


def _proper_speaker(q: Quote, subj: Token) -> None:
    """A capitalised subject no actor covers: a name the recogniser missed, or an everyday word written with a
    capital ("Read", "Talks", "Map") or a place, which are no speakers."""
    doc = subj.doc
    words = [x for x in subj.subtree if x.i <= subj.i and x.dep_ in ("compound", "flat") or x.i == subj.i]
    a = min(x.i for x in words)
    span = doc[a:subj.i + 1]
    name = span.text
    if _gaz.country_of(name) or _gaz.capital_of(name):
        q.speaker_name, q.speaker_type = _gaz.country_of(name) or name, "GPE"
        q.speaker_affiliation = _gaz.country_of(name) or _gaz.capital_of(name)
        return
    if subj.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT") or \
            any(x.is_space for x in span):
        return
    if subj.ent_type_ not in ("PERSON", "ORG") and all(is_common_word(x.text) for x in span if x.is_alpha):
        return
    if span[0].lower_ in EVENT_HEADS or span[-1].lower_ in EVENT_HEADS:
        return  # "Operation Tidewater", "the Jaffer Express": an event or a thing
    q.speaker = Span(span.start_char, span.end_char, name)
    q.speaker_name = name
    q.speaker_type = "PERSON" if subj.ent_type_ == "PERSON" else "ORG" if subj.ent_type_ == "ORG" else None
    # a country written as its possessor or adjective ("Pakistan's Foreign Affairs Ministry")
    i = a - 1
    if i >= 0 and doc[i].lower_ in ("'s", "’s"):
        i -= 1
    if i >= 0 and doc[i].text[:1].isupper():
        q.speaker_affiliation = _gaz.country_of(doc[i].text)


def _issuer(tok: Token) -> Token | None:
    """Whoever issued a document named as a speaker: "the ministry's statement", "a statement released by the
    ministry", "a read-out from the Foreign Ministry"; None for an agent or when no issuer is written."""
    if tok.lower_ in AGENT_NOUNS or tok.lemma_.lower() in AGENT_NOUNS or tok.pos_ == "PROPN" or tok.lower_ in PRONOUNS:
        return None
    for c in tok.children:
        if c.dep_ == "poss" and c.lower_ not in PRONOUNS:
            return c
    for c in tok.children:
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in _DOC_VERBS:
            for g in c.children:
                if g.dep_ == "agent":
                    obj = next((x for x in g.children if x.dep_ == "pobj"), None)
                    if obj is not None:
                        return obj
                if g.dep_ == "prep" and g.lower_ in ("by", "from"):
                    obj = next((x for x in g.children if x.dep_ == "pobj"), None)
                    if obj is not None:
                        return obj
        if c.dep_ == "prep" and c.lower_ in ("from", "by"):
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    return None


def _inside(pos: int, qspans) -> bool:
    return any(a <= pos < b for a, b in qspans)


def _salient_referent(pron: Token, types: tuple[str, ...], ctx: _Ctx, depth: int = 0) -> str | None:
    """The actor a pronoun refers to: the subject of the nearest earlier clause (this sentence first, then up to
    four sentences back) that is an actor of an agreeing type; pronoun subjects there are followed back in turn.
    Failing a subject, the last agreeing actor named outside quotation marks (never a place)."""
    key = (pron.i, types, depth)
    if key not in ctx.referents:
        ctx.referents[key] = None  # a chain that comes back to this pronoun finds nothing through it
        ctx.referents[key] = _find_referent(pron, types, ctx, depth)
    return ctx.referents[key]


def _find_referent(pron: Token, types: tuple[str, ...], ctx: _Ctx, depth: int) -> str | None:
    doc = pron.doc
    sent = sent_of(pron)
    starts = [sent.start]
    cur = sent.start
    while len(starts) < 5 and cur > 0:
        cur = sent_start(doc[cur - 1])
        starts.append(cur)
    ends = [pron.i] + starts[:-1]
    for a, b in zip(starts, ends):
        subjects = [t for t in doc[a:b] if t.dep_ in ("nsubj", "nsubjpass") and not _inside(t.idx, ctx.qspans)]
        for t in reversed(subjects):
            hit = _mention_hit(t, ctx.midx)
            if hit is not None:
                ent = ctx.by_id[hit[0]]
                if _speaking_type(ent, doc_text(doc)[hit[1][0]:hit[1][1]]) in types:
                    return ent.id
                continue
            if t.lower_ in PRONOUNS and depth < 3 and ((t.lower_ in PERSON_PRONOUNS) == ("PERSON" in types)):
                ref = _salient_referent(t, types, ctx, depth + 1)
                if ref is not None:
                    return ref
    mentions = ctx.person_mentions if "PERSON" in types else \
        [m for m in ctx.org_mentions if _speaking_type(ctx.by_id[m[2]], doc_text(doc)[m[0]:m[1]]) in types]
    return _last_before(mentions, pron.idx, ctx.qspans)


def _first_person_in_quotations(quotes: list[Quote], qspans, text: str) -> None:
    """"We"/"I" as the speaker inside a quotation is whoever the quotation belongs to: the quote covering it, else
    the nearest earlier quote with a speaker in the same paragraph."""
    for q in quotes:
        sp = q.speaker
        if sp is None or q.speaker_name or sp.text.lower() not in _FIRST_PERSON or not _inside(sp.start, qspans):
            continue
        owner = None
        for o in quotes:
            if o is q or not o.speaker_name or o.speaker is None or _inside(o.speaker.start, qspans):
                continue
            if o.start <= sp.start < o.end:
                owner = o
                break
            if o.end <= sp.start and "\n" not in text[o.end:sp.start] and (owner is None or o.end > owner.end):
                owner = o
        if owner is not None:
            q.speaker_name, q.speaker_title = owner.speaker_name, owner.speaker_title
            q.speaker_entity, q.speaker_affiliation = owner.speaker_entity, owner.speaker_affiliation
            q.speaker_type = owner.speaker_type


def _last_before(mentions, pos: int, qspans) -> str | None:
    best = None
    for s, e, eid in mentions:
        if s >= pos:
            break
        if any(a <= s and e <= b for a, b in qspans):
            continue
        best = eid
    return best


def _fill_from_entity(q: Quote, ent: Entity) -> None:
    q.speaker_name = ent.name
    q.speaker_title = ent.title
    q.speaker_entity = ent.id
    q.speaker_affiliation = ent.affiliation


if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)


@Language.factory("newsprism_quotes_v1", assigns=["doc._.quotes"], requires=["doc._.actors", "token.dep"])
def make_quotes(nlp: Language, name: str) -> QuotesComponent:
    return QuotesComponent()


class QuotesComponent:
    def __call__(self, doc: Doc) -> Doc:
        if doc._.actors is None:
            from newsprism.nlp.actors import find_actors

            doc._.actors = find_actors(doc)
        doc._.quotes = find_quotes(doc)
        return doc


# spaCy forbids dots in factory names; the versioned dotted name lives in the function registry, as spaCy's own do.
@registry.misc("newsprism.quotes.v1")
def quotes_component_v1() -> QuotesComponent:
    return QuotesComponent()
