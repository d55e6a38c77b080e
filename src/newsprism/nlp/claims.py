"""Claims: numbers with units, money, percentages, durations, dates, places and stated commitments.

Each claim is a span of the article with a kind, a value, a unit, a normalised form (ISO dates resolved against the
publication date, ISO 8601 durations) and ``about``: the phrase the number measures ("tariffs ... on Chinese imports")
or the thing a date or duration refers to ("talks").
"""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import datetime, timedelta

import numpy
from spacy.attrs import DEP, ENT_TYPE, POS, TAG
from spacy.language import Language
from spacy.symbols import NOUN
from spacy.util import registry
from spacy.tokens import Doc, Span as SpacySpan, Token

from newsprism.model import Claim
from newsprism.nlp.sentences import doc_text, sent_of, sent_spans

_NUM_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
              "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
              "a": 1, "an": 1, "several": None, "few": None, "dozen": 12}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mln": 1e6, "bln": 1e9, "bn": 1e9,
          "m": 1e6, "k": 1e3}
_DURATION_UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y",
                   "decade": "Y"}
_CURRENCY = {"$": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "euro": "EUR", "euros": "EUR",
             "£": "GBP", "pound": "GBP", "pounds": "GBP", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY",
             "¥": "JPY", "yen": "JPY", "rupee": "INR", "rupees": "INR"}
_COMMIT_AUX = re.compile(r"\b(will not|won't|will never|will|shall|vow(?:ed|s)? to|pledg(?:ed|es) to|"
                         r"promis(?:ed|es) to|commit(?:ted|s)? to|is determined to|are determined to)\b", re.I)


_RANGE = re.compile(r"(\d[\d.,]*)\s*(?:%|percent)?\s*(?:to|-|–)\s*(\d[\d.,]*)")


def _number(text: str) -> float | None:
    t = text.lower().replace(",", "").strip()
    m = re.search(r"-?\d+(?:\.\d+)?", t)
    val: float | None
    if m:
        val = float(m.group())
    else:
        words = re.findall(r"[a-z]+", t)
        vals = [_NUM_WORDS.get(w) for w in words if w in _NUM_WORDS]
        val = float(vals[0]) if vals and vals[0] is not None else None
        if val is not None and len(vals) > 1 and vals[1] is not None and vals[1] >= 100:
            val *= vals[1]
    if val is None:
        return None
    for w, f in _SCALE.items():
        if re.search(rf"(?<![a-z]){re.escape(w)}\b", t):
            val *= f
            break
    return int(val) if val == int(val) else val


def _about(ent: SpacySpan) -> str | None:
    """What a number or duration measures: the noun phrase it sits in, or the thing "of" it ("two days of talks")."""
    doc = ent.doc
    root = ent.root
    # "two days of talks": the object of "of" hanging on the unit
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "on", "for", "in") and c.i >= ent.end:
            obj = [x for x in c.subtree]
            if obj:
                return _clip(doc[c.i + 1: obj[-1].i + 1].text)
    head = root.head
    hops = 0
    while hops < 4 and head is not root:
        if head.pos_ in ("NOUN", "PROPN") and not (ent.start <= head.i < ent.end):
            sub = [x.i for x in head.subtree]
            left, right = min(sub), max(sub) + 1
            if doc[left].dep_ == "det":
                left += 1
            # "tariffs of 50% to 100% on Chinese imports ...": a phrase right after may hang on the verb
            if right < len(doc) and doc[right].dep_ == "prep" and doc[right].head.pos_ in ("VERB", "AUX"):
                right = max(x.i for x in doc[right].subtree) + 1
            return _clip(doc[left:right].text)
        if head.pos_ in ("VERB", "AUX"):
            subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                sub = list(subj.subtree)
                return _clip(doc[sub[0].i: sub[-1].i + 1].text + " " + head.lemma_)
            return head.lemma_
        root, head = head, head.head
        hops += 1
    return None


def _clip(s: str, n: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n].rsplit(" ", 1)[0] + " …"


def _sentence(ent) -> tuple[int, int]:
    s = sent_of(ent.root)
    return s.start_char, s.end_char


@lru_cache(maxsize=256)
def _date_parser(base: datetime | None, future: bool):
    """One dateparser parser per (base date, direction), kept: ``dateparser.parse`` builds a parser per call, whose
    first parse costs about twice a later one's. ``parse`` is this parser's ``get_date_data`` (with these
    languages and settings); the parser keeps nothing between calls that changes a result (no previous locales)."""
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=8192)  # dateparser takes ~1-2 ms a phrase; the same phrases recur with the same base date
def _parse_date(cleaned: str, base: datetime | None, future: bool) -> datetime | None:
    try:
        return _date_parser(base, future).get_date_data(cleaned)["date_obj"]
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; the claim stays without a date
        return None


_WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                           "september", "october", "november", "december"))}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9})
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def _plain_date(cleaned: str, base: datetime, future: bool) -> str | None:
    """What ``_resolve_date`` gives for the commonest date phrases, worked out without dateparser: a year ("2008"),
    a weekday ("Tuesday"), a month ("November", "Dec."), "today", "yesterday", "tomorrow". They are about half of
    the phrases news text sends here, and dateparser takes 1-2 ms each (some 4% of the nlp stage's CPU). The answers
    are dateparser's with these settings (``tests/nlp/test_plain_dates.py`` checks them against it over years of
    base dates); None for anything else, which dateparser reads as before."""
    if len(cleaned) == 4 and cleaned.isdigit() and "1000" <= cleaned <= "2999":
        return cleaned
    word = cleaned.lower()
    bare = word[:-1] if word.endswith(".") else word
    wd = _WEEKDAYS.get(bare)
    if wd is not None:  # the nearest such day before the base (after it when pointing ahead); never the base itself
        step = ((wd - base.weekday()) % 7 or 7) if future else -((base.weekday() - wd) % 7 or 7)
        return (base.date() + timedelta(days=step)).isoformat()
    month = _MONTHS.get(bare)
    if month is not None and not (month == 2 and base.day > 28):
        # the base's month is this year's looking back, next year's looking ahead. (dateparser keeps the base's day
        # of the month: for February after the 28th it looks for a leap year, which is left to it.)
        if future:
            year = base.year if month > base.month else base.year + 1
        else:
            year = base.year if month <= base.month else base.year - 1
        return f"{year:04d}-{month:02d}"
    shift = _DAY_WORDS.get(word)
    if shift is not None:
        return (base.date() + timedelta(days=shift)).isoformat()
    return None


def _resolve_date(text: str, published: str | None, future: bool = False) -> str | None:
    """ISO date (or YYYY-MM, YYYY) of a date phrase, relative to the publication date.

    Bare weekdays and months point back in time ("talks that resumed Sunday") unless a word before them points ahead
    ("through November", "until Wednesday"); the publication's own weekday is that day.
    """
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a dependency
        return None
    base = None
    if published:
        try:
            base = datetime.fromisoformat(published.replace("Z", "+00:00")[:19])
        except ValueError:
            base = None
    cleaned = re.sub(r"^(?:the|this|last|on|through|until|till|by|since|in)\s+", "", text.strip(), flags=re.I)
    if not re.search(r"\d|day|week|month|year|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|today|yesterday|"
                     r"tomorrow", cleaned, re.I):
        return None
    if re.search(r"\b(?:days?|weeks?|months?|years?)\b", cleaned, re.I) and not re.search(
            r"\b(?:ago|last|next|this)\b", text, re.I):
        return None
    if base is not None and cleaned.lower().rstrip(".") == base.strftime("%A").lower():
        return base.date().isoformat()
    quick = _plain_date(cleaned, base, future) if base is not None else None
    if quick is not None:
        return quick
    d = _parse_date(cleaned, base, future) if base is not None else _parse_date.__wrapped__(cleaned, None, future)
    if d is None:
        return None
    if re.fullmatch(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", cleaned, re.I):
        return d.strftime("%Y-%m")
    if re.fullmatch(r"\d{4}", cleaned):
        return cleaned
    return d.date().isoformat()


def _duration(text: str) -> tuple[float | None, str | None, str | None]:
    m = re.search(r"(\S+?(?:\s+\S+)?)[\s-]+(second|minute|hour|day|week|month|year|decade)s?\b", text, re.I)
    if not m:
        return None, None, None
    n = _number(m.group(1).split()[-1]) if not re.search(r"\d", m.group(1)) else _number(m.group(1))
    unit = m.group(2).lower()
    if n is None:
        return None, unit, None
    if unit == "decade":
        n = n * 10
    code = _DURATION_UNITS[unit]
    iso = f"PT{n}{code}" if unit in ("second", "minute", "hour") else f"P{n}{code}"
    return n, unit, iso


def find_claims(doc: Doc, published: str | None = None) -> list[Claim]:
    text = doc_text(doc)
    out: list[Claim] = []
    ents = list(doc.ents)
    i = 0
    while i < len(ents):
        ent = ents[i]
        label = ent.label_
        start, end = ent.start_char, ent.end_char
        # "50% to 100%": one range claim
        if label in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") and i + 1 < len(ents):
            nxt = ents[i + 1]
            between = text[end:nxt.start_char]
            if nxt.label_ == label and re.fullmatch(r"\s*(?:to|-|–|and)\s*", between):
                lo, hi = _number(ent.text), _number(nxt.text)
                kind = {"PERCENT": "percent", "MONEY": "money"}.get(label, "number")
                c = Claim(start, nxt.end_char, text[start:nxt.end_char], kind, value=[lo, hi],
                          unit="%" if label == "PERCENT" else _unit(ent, nxt.text),
                          normalized={"min": lo, "max": hi}, about=_about(ent), sentence=_sentence(ent))
                c.slot = value_slot(ent)
                out.append(c)
                i += 2
                continue
        c = None
        rng = _RANGE.search(ent.text) if label in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") else None
        if rng:  # "50% to 100%" tagged as one entity
            lo, hi = _number(rng.group(1)), _number(rng.group(2))
            if lo is not None and hi is not None:
                kind = {"PERCENT": "percent", "MONEY": "money"}.get(label, "number")
                c = Claim(start, end, ent.text, kind, value=[lo, hi],
                          unit="%" if label == "PERCENT" else _unit(ent, ent.text), normalized={"min": lo, "max": hi})
        if c is not None:
            pass
        elif label == "PERCENT":
            v = _number(ent.text)
            c = Claim(start, end, ent.text, "percent", value=v, unit="%", normalized=v)
        elif label == "MONEY":
            v = _number(ent.text)
            c = Claim(start, end, ent.text, "money", value=v, unit=_unit(ent, ent.text), normalized=v)
        elif label in ("CARDINAL", "QUANTITY"):
            v = _number(ent.text)
            # "one" counts something only when it modifies a noun ("one drone"), not as a pronoun ("one of them")
            if v is not None and not (ent.end - ent.start == 1 and ent.text.lower() in ("one", "a")
                                      and ent.root.dep_ != "nummod"):
                c = Claim(start, end, ent.text, "number", value=v, unit=_unit(ent, ent.text), normalized=v)
        elif label in ("DATE", "TIME"):
            n, unit, iso = _duration(ent.text)
            if iso and not re.search(r"\b(ago|last|next|this|past)\b", ent.text, re.I):
                c = Claim(start, end, ent.text, "duration", value=n, unit=unit, normalized=iso)
            else:
                c = Claim(start, end, ent.text, "date", value=ent.text,
                          normalized=_resolve_date(ent.text, published, _points_ahead(ent)))
        elif label in ("GPE", "LOC", "FAC"):
            c = Claim(start, end, ent.text, "place", value=ent.text)
        if c is not None:
            if c.about is None and c.kind != "place":
                c.about = _about(ent)
            if c.kind in ("number", "money", "percent", "duration"):
                c.slot = value_slot(ent)
            c.sentence = _sentence(ent)
            out.append(c)
        i += 1
    out.extend(_singular_counts(doc, {(c.start, c.end) for c in out}))
    out.extend(_commitments(doc))
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _singular_counts(doc: Doc, taken: set[tuple[int, int]]) -> list[Claim]:
    """A singular counted noun with an indefinite article that a verb acts on ("killing a child", "a man was
    injured") is a count of one, as "one child" would be: an outlet that reports one victim and one that reports 13
    give two values of the same slot. Only direct arguments of a verb count, not a noun inside a phrase that counts
    something else ("13 people including a child"), a coordination ("a man and two women" is not a count of one), a
    name, or a predicate noun ("it was a mistake")."""
    out: list[Claim] = []
    # the candidates (a singular common noun, no entity, object or passive subject) picked from whole-doc columns:
    # making a Token of every word to ask was most of this function's cost
    cols = doc.to_array([POS, TAG, ENT_TYPE, DEP])
    strings = doc.vocab.strings
    cand = numpy.flatnonzero((cols[:, 0] == NOUN) & (cols[:, 1] == strings.add("NN")) & (cols[:, 2] == 0)
                             & numpy.isin(cols[:, 3], [strings.add("dobj"), strings.add("nsubjpass")]))
    for tok in (doc[int(i)] for i in cand):
        det = next((c for c in tok.children if c.dep_ == "det"), None)
        if det is None or det.lower_ not in ("a", "an") or tok.head.pos_ != "VERB":
            continue
        if any(c.dep_ in ("conj", "cc") for c in tok.children) or tok.dep_ == "conj":
            continue
        start, end = det.idx, tok.idx + len(tok.text)
        if any(s < end and start < e for s, e in taken):
            continue
        slot = _slot_for(det, tok)
        if slot is None or not slot.get("predicate"):
            continue
        slot["singular"] = True
        c = Claim(start, end, doc_text(doc)[start:end], "number", value=1, unit=tok.lemma_.lower(), normalized=1,
                  about=_clip(_phrase(tok)), sentence=(sent_of(tok).start_char, sent_of(tok).end_char))
        c.slot = slot
        out.append(c)
    return out


_AHEAD = frozenset("through until till by next before upcoming coming".split())


def _points_ahead(ent: SpacySpan) -> bool:
    """ "through November", "until Wednesday", or a future tense on the verb: the date lies ahead."""
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ in _AHEAD:
        return True
    if ent[0].lower_ in _AHEAD:
        return True
    head = ent.root.head
    while head.dep_ == "prep" and head.head is not head:
        head = head.head
    return any(c.tag_ == "MD" and c.lower_ in ("will", "'ll", "shall") for c in head.children)


# Verbs that report what someone else says: the subject of one of these above a value is who the outlet credits it to.
_REPORTING = frozenset("say claim report tell announce confirm state allege add insist deny accuse estimate put "
                       "describe show suggest reveal disclose quote cite".split())
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "npadvmod", "appos", "dative"})


def _phrase(tok: Token) -> str:
    sub = list(tok.subtree)
    return _clip(tok.doc[sub[0].i: sub[-1].i + 1].text, 80)


# "in three villages", "across six areas": where it happened, not what happened to the counted thing.
_PLACE_PREPS = frozenset("in across near within inside outside from during after before since throughout".split())


def _measured(ent: SpacySpan) -> Token | None:
    """What a duration measures: the thing "of" it ("two days of talks") or the subject of its verb ("the
    negotiations continue over four days")."""
    root = ent.root
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                return obj
    tok = root.head
    while tok.dep_ == "prep" and tok.head is not tok:
        tok = tok.head
    if tok.pos_ == "NOUN" and tok.i != root.i:
        return tok  # "a 25-minute operation", "the 48-hour closure"
    while tok.dep_ == "xcomp" and tok.head is not tok and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        tok = tok.head  # "the talks are scheduled to continue over four days"
    if tok.pos_ in ("VERB", "AUX"):
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.pos_ in ("NOUN", "PROPN"):
            return subj
        if tok.dep_ in ("acl", "relcl") and tok.head.pos_ == "NOUN":
            return tok.head  # "the talks, which lasted two days"
    return None


def _predicate_of(anchor: Token, num: Token) -> Token | None:
    """The word that says what happened to the counted thing: a verb or adjective over it ("shot down five jets",
    "26 people killed", "12 dead") or a noun it is "of" ("the death of nine soldiers")."""
    # a relative clause describes the counted thing ("nine sites that served as camps", "sites where attacks were
    # planned"); when a verb governs the thing, that verb says what happened to it ("India struck nine sites ...")
    governed = anchor.dep_ in ("dobj", "nsubjpass") and anchor.head.pos_ == "VERB"
    for tok in (anchor, num):
        for c in tok.children:
            if c.dep_ in ("acl", "relcl", "amod") and c.pos_ in ("VERB", "ADJ") and c.i > tok.i \
                    and not (governed and c.dep_ == "relcl"):
                return c
    if num.dep_ == "nummod" and num.head.pos_ in ("ADJ", "VERB"):
        return num.head  # "12 dead", "30 injured"
    tok = anchor
    for _ in range(3):  # a conjunct shares the first conjunct's predicate ("five jets and one drone")
        if tok.dep_ != "conj":
            break
        tok = tok.head
    if tok.dep_ in _ARG_DEPS and tok.head is not tok:
        return tok.head
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ not in _PLACE_PREPS:
        return tok.head.head
    if tok.dep_ == "conj" or (tok.dep_ in ("nsubj", "ROOT") and tok.pos_ in ("VERB", "ADJ")):
        return tok
    return None


def value_slot(ent: SpacySpan) -> dict | None:
    """What a count is a count of, from the dependency parse: the predicate over it (lemma, with its particle:
    "shoot down"), the head noun it counts ("jet"), whether the predicate is negated, and whom the sentence credits
    with it (the subject of a reporting verb above it, or "according to X")."""
    num = ent.root
    if ent.label_ in ("DATE", "TIME"):
        m = _measured(ent)
        return {"predicate": None, "head": m.lemma_.lower(), "negated": False, "attributed_to": None} if m else None
    head = num.head if num.dep_ in ("nummod", "quantmod") and num.head.pos_ in ("NOUN", "PROPN") else None
    while head is not None and head.dep_ == "compound" and head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head  # "three fighter jets": jets, not fighter
    if head is None and ent.end < len(ent.doc) and ent.doc[ent.end].pos_ == "NOUN" and ent.root.head.i == ent.end:
        head = ent.doc[ent.end]
    if head is None:  # a part of a counted whole: "three of the prized Rafales" counts Rafales
        of = next((c for c in num.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.tag_ in ("NNS", "NNPS"):
            head = obj
    return _slot_for(num, head)


def _slot_for(num: Token, head: Token | None) -> dict | None:
    """The slot of a count given its number word and the noun it counts (None when it counts no noun)."""
    anchor = head if head is not None else num
    pred = _predicate_of(anchor, num)
    if pred is not None and pred.pos_ not in ("VERB", "ADJ", "NOUN", "AUX"):
        pred = None
    lemma = None
    negated = False
    if pred is not None:
        prt = next((c.lower_ for c in pred.children if c.dep_ == "prt"), None)
        lemma = pred.lemma_.lower() + (" " + prt if prt else "")
        if lemma in ("be", "have") or lemma in _REPORTING:
            # "five civilians were reported dead", "two are said to be missing": what they were reported as
            comp = next((c for c in pred.children if c.dep_ in ("oprd", "acomp", "xcomp")), None)
            if comp is not None and comp.lemma_ == "be":
                comp = next((c for c in comp.children if c.dep_ in ("acomp", "attr")), None)
            lemma = comp.lemma_.lower() if comp is not None and comp.pos_ in ("ADJ", "VERB") else None
        negated = any(c.dep_ == "neg" for c in pred.children)
    negated = negated or any(c.dep_ == "det" and c.lower_ == "no" for c in anchor.children)
    agent_tok = _agent(pred, anchor) if pred is not None else None
    agent = _core(agent_tok) if agent_tok is not None else None
    places = _places(pred, anchor, agent_tok)
    attributed = None
    tok = pred if pred is not None else anchor
    for anc in [tok, *tok.ancestors]:
        for c in anc.children:
            if c.lower_ == "according" and c.dep_ == "prep":
                obj = next((x for x in c.subtree if x.dep_ == "pobj"), None)
                if obj is not None:
                    attributed = _phrase(obj)
        if attributed is None and anc.pos_ == "VERB" and anc.lemma_.lower() in _REPORTING:
            # the active subject reports; a passive one ("two people are reported missing") is reported on
            subj = next((c for c in anc.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.pos_ != "PRON" and not any(x.i == num.i for x in subj.subtree):
                attributed = _phrase(subj)  # not "at least 38 deaths were reported": the value itself
        if attributed:
            break
    if lemma is None and head is None:
        return None
    return {"predicate": lemma, "head": head.lemma_.lower() if head is not None else None, "negated": negated,
            "attributed_to": attributed, "agent": agent, "place": places or None}


_CAUSE_PREPS = frozenset({"by", "from", "in"})


def _agent(pred: Token, anchor: Token) -> Token | None:
    """Who or what did it: the subject of an active predicate ("gunmen killed 26"), the "by" phrase of a passive
    one ("killed by shelling"), or the cause it came "from" ("12 dead from shelling"); the subject of the verb
    an adjective completes ("the strikes left 12 dead")."""
    inside = {t.i for t in anchor.subtree}
    verb = pred.head if pred.pos_ == "ADJ" and pred.dep_ in ("oprd", "acomp", "conj") else pred
    # coordinated predicates share their cause: "10 killed and 48 injured in shelling"
    verbs = [verb] + [c for c in verb.children if c.dep_ == "conj"] + ([verb.head] if verb.dep_ == "conj" else [])
    for c in (c for v in verbs for c in v.children):
        if c.dep_ == "nsubj" and c.i not in inside and c.pos_ in ("NOUN", "PROPN"):
            return c
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in _CAUSE_PREPS):
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ == "NOUN" and not obj.ent_type_:
                return obj  # "in the strikes" is a cause, "in Kashmir" a place
        if c.dep_ == "prep" and c.lower_ in ("due", "because"):
            # "dead due to Indian shelling": the cause is the first noun or gerund of the phrase
            cause = next((x for x in c.subtree if x.i > c.i and x.dep_ in ("pobj", "pcomp")
                          and (x.pos_ == "NOUN" or x.tag_ == "VBG") and not x.ent_type_), None)
            if cause is not None:
                return cause
    return None


def _core(tok: Token) -> str:
    """A noun phrase without what is attached after it: "Pakistani shelling" of "Pakistani shelling of
    Indian-administered Kashmir", "Pakistani troops" of "Pakistani troops who resorted to shelling across the LoC".
    Who did it, apart from where."""
    right = [c for c in tok.rights if c.dep_ in ("prep", "relcl", "acl", "appos", "punct", "cc", "conj")]
    end = min((c.left_edge.i for c in right), default=tok.i + 1)
    start = tok.left_edge.i
    return _clip(tok.doc[start:max(end, tok.i + 1)].text, 80)


# Prepositions that say where something happened ("in Bahawalpur", "along the Line of Control", "on a mosque").
_WHERE_PREPS = frozenset("in at along across near inside outside on over throughout within".split())


def _named(tok: Token) -> bool:
    """A phrase holding a place's name (not a date's: "on Wednesday")."""
    return any((t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "LOC", "FAC"))
               and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL") for t in tok.subtree)


def _places(pred: Token | None, anchor: Token, agent: Token | None) -> list[str]:
    """Named places the parse ties to a value: locative phrases of its predicate and of the counted noun
    ("killed in Bahawalpur", "killed along the Line of Control"), of what did it ("an attack on Bilal Mosque",
    "shelling of Indian-administered Kashmir", a "Subhan mosque strike"), the place a "where" clause describes,
    and the thing struck when the value completes a strike ("One hit the Subhan Mosque ..., killing 13").
    Only phrases holding a proper name: "in the region" refers back, it does not place."""
    scope: list[Token] = [anchor]
    if pred is not None:
        scope += [pred] + [c for c in pred.children if c.dep_ == "conj"]
        if pred.dep_ == "conj":
            scope.append(pred.head)
        if pred.dep_ == "advcl" and pred.head.pos_ == "VERB":
            verb = pred.head
            scope.append(verb)
            out_objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and _named(c)]
        else:
            out_objs = []
        if pred.dep_ == "relcl" and any(c.lower_ == "where" for c in pred.children) and _named(pred.head):
            out_objs.append(pred.head)
    else:
        out_objs = []
    found: list[Token] = list(out_objs)
    if agent is not None:
        scope.append(agent)
        if agent.pos_ == "NOUN":  # "a Subhan mosque strike"; not the parts of a name ("Operation Sindoor")
            found += [c for c in agent.children if c.dep_ == "compound" and _named(c)]
    for tok in scope:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in _WHERE_PREPS | ({"of"} if tok is agent else set()):
                obj = next((x for x in c.children if x.dep_ == "pobj"), None)
                if obj is not None and _named(obj):
                    found.append(obj)
    out: list[str] = []
    for t in found:
        for name in _place_names(t):
            if name not in out:
                out.append(name)
    return out


_NOT_PLACES = frozenset({"PERSON", "ORG", "NORP", "EVENT", "WORK_OF_ART", "LAW", "DATE", "TIME", "CARDINAL",
                         "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "PRODUCT", "LANGUAGE"})


def _known_place(tok: Token) -> bool:
    """A proper noun the tagger took for a person or an organisation that the gazetteer knows as a place ("killed
    in Rosario", "arrested in Lyon"); dates and numbers never are."""
    from newsprism.knowledge.countries import capital_of, country_of
    from newsprism.knowledge.places import city_country

    if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"):
        return False
    return bool(city_country(tok.text, 15_000) or country_of(tok.text) or capital_of(tok.text))


def _in_place_name(tok: Token) -> bool:
    """A proper noun no entity claims is part of a place's name when a place word heads it ("Subhan Mosque",
    "Chowk Azam area") or a locative preposition governs it; a bare name elsewhere ("Xinhua") is no place."""
    head = tok
    while head.dep_ == "compound" and head.head is not head:
        head = head.head
    if head.pos_ == "NOUN" or (head.i != tok.i and head.pos_ == "PROPN" and head.ent_type_ in ("FAC", "LOC", "GPE")):
        return True
    return head.dep_ == "pobj" and head.head.lower_ in _WHERE_PREPS


def _place_names(tok: Token) -> list[str]:
    """The place names in a phrase: its GPE, LOC and FAC entities, and runs of proper nouns no other entity type
    claims ("the city of Bahawalpur in Pakistani Punjab" -> Bahawalpur, Punjab)."""
    out: list[str] = []
    run: list[Token] = []

    def flush() -> None:
        if run:
            out.append(tok.doc[run[0].i:run[-1].i + 1].text)
            run.clear()

    seen_ents: set[int] = set()
    for t in tok.subtree:
        if t.ent_type_ in ("GPE", "LOC", "FAC"):
            flush()
            ent = next((e for e in tok.doc.ents if e.start <= t.i < e.end), None)
            if ent is not None and ent.start not in seen_ents:
                seen_ents.add(ent.start)
                out.append(ent.text)
        elif t.pos_ == "PROPN" and ((t.ent_type_ not in _NOT_PLACES and _in_place_name(t)) or _known_place(t)):
            if run and run[-1].i != t.i - 1:
                flush()
            run.append(t)
        else:
            flush()
    flush()
    return out


def _unit(ent: SpacySpan, text: str) -> str | None:
    low = text.lower()
    for w, code in _CURRENCY.items():
        if w in low.split() or (not w.isalpha() and w in low):
            return code
    if ent.root.dep_ == "nummod" and ent.root.head.pos_ == "NOUN" and ent.root.head.i >= ent.end:
        return ent.root.head.lemma_  # "four government helicopters": the counted noun, not the next word
    nxt: Token | None = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN":
        return nxt.lemma_
    return None


def _commitments(doc: Doc) -> list[Claim]:
    """Stated positions: "will not pursue any deal that ...", "vowed to ..." said by or of an actor."""
    out = []
    for sent in sent_spans(doc):
        for m in _COMMIT_AUX.finditer(sent.text):
            s = sent.start_char + m.start()
            # the commitment runs from the modal to the end of the clause
            span = doc.char_span(s, sent.end_char, alignment_mode="expand")
            if span is None or (span[0].lower_ in ("will", "shall") and span[0].tag_ != "MD"):
                continue  # "the will of enterprises"
            verb = next((t for t in span if t.pos_ == "VERB"), None)
            if verb is None:
                continue
            sub = [x.i for x in verb.subtree if x.i >= span.start]
            e_tok = max(sub) + 1 if sub else span.end
            while e_tok > span.start and doc[e_tok - 1].is_punct:
                e_tok -= 1
            end = doc[e_tok - 1].idx + len(doc[e_tok - 1].text)
            if end - s < 12:
                continue
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            about = " ".join(x.text for x in subj.subtree) if subj is not None else None
            out.append(Claim(s, end, doc_text(doc)[s:end], "commitment", value=doc_text(doc)[s:end], about=about,
                             normalized="negative" if re.match(r"will not|won't|will never", m.group(), re.I)
                             else "positive", sentence=(sent.start_char, sent.end_char)))
            break
    return out


if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)


@Language.factory("newsprism_claims_v1", assigns=["doc._.claims"], requires=["doc.ents", "token.dep"])
def make_claims(nlp: Language, name: str) -> ClaimsComponent:
    return ClaimsComponent()


class ClaimsComponent:
    """Set ``doc._.published`` (ISO date) before the component runs to resolve relative dates."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = find_claims(doc, doc._.published)
        return doc


# spaCy forbids dots in factory names; the versioned dotted name lives in the function registry, as spaCy's own do.
@registry.misc("newsprism.claims.v1")
def claims_component_v1() -> ClaimsComponent:
    return ClaimsComponent()
