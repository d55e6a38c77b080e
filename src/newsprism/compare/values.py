"""Claim values normalised for comparison: two outlets agree on a value when the normalised values are compatible.

The nlp stage fills ``Claim.normalized``; its shape is not guaranteed (a number, an ISO date or duration, a dict), so
everything here also re-reads the claim's own text. When an article carries no claims at all (nlp did not run or
found none), ``fallback_claims`` finds the plainest values (percentages, money, counts with a unit, durations,
months and weekdays) so a story can still be compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newsprism.model import Claim

from .text import _NUMWORDS, sentences

_SCALE = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12, "k": 1e3}
_DUR_UNITS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "night": 1, "week": 7,
              "fortnight": 14, "month": 30.4, "year": 365.25, "decade": 3652.5}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR",
             "£": "GBP", "gbp": "GBP", "pound": "GBP", "¥": "CNY", "yuan": "CNY", "rmb": "CNY", "yen": "JPY",
             "rupee": "INR"}


@dataclass(slots=True, frozen=True)
class Value:
    """``lo``/``hi`` bound a numeric value (equal for an exact one); ``label`` carries dates, places, text."""

    kind: str
    unit: str | None = None
    lo: float | None = None
    hi: float | None = None
    label: str | None = None
    approx: bool = False
    grain: str | None = None  # the unit word as written ("day", "hour"): calendar days and hours of work differ

    def describe(self) -> str:
        if self.lo is None:
            return self.label or ""
        if self.unit == "days" and self.grain in _DUR_UNITS and self.grain != "day":
            # shown in the text's own unit ("25 minutes", not "0.0174 days")
            f = _DUR_UNITS[self.grain]
            return Value(self.kind, f"{self.grain}s", self.lo / f, self.hi / f).describe()
        num = _fmt(self.lo) if self.lo == self.hi else (
            f"{_fmt(self.lo)}+" if self.hi == float("inf") else f"{_fmt(self.lo)}–{_fmt(self.hi)}")
        return f"{num} {self.unit}" if self.unit else num


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.3g}"


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMWORD = "|".join(sorted(_NUMWORDS, key=len, reverse=True))
_NUM_ANY = re.compile(rf"({_NUM})|\b({_NUMWORD})(?:[\s-]+({_NUMWORD}))?\b", re.I)


def parse_numbers(text: str) -> list[float]:
    out = []
    for m in _NUM_ANY.finditer(text):
        if m.group(1):
            x = float(m.group(1).replace(",", ""))
        else:
            x = float(_NUMWORDS[m.group(2).lower()])
            if m.group(3):
                y = _NUMWORDS[m.group(3).lower()]
                x = x * y if y == 100 else x + y
        tail = text[m.end():m.end() + 12].lower()
        sm = re.match(r"\s*-?\s*(thousand|million|billion|trillion|mn|bn|tn|m|b|k)\b", tail)
        if sm:
            x *= _SCALE[sm.group(1)]
        out.append(x)
    return out


def _approx(text: str) -> tuple[bool, str | None]:
    low = text.lower()
    if re.search(r"\b(at least|no fewer than)\b", low):
        # a reported count ("at least 26 dead" is the toll the source stands by): compared as that number, so two
        # tolls of one event differ ("at least 26" vs "at least 31"); "more than" below is an open bound
        return True, None
    if re.search(r"\b(more than|over|above|upwards of|in excess of)\b", low):
        return True, "min"
    if re.search(r"\b(at most|less than|fewer than|under|below|up to|no more than)\b", low):
        return True, "max"
    if re.search(r"\b(about|around|approximately|nearly|almost|roughly|some|an estimated|estimated|close to)\b", low):
        return True, None
    return False, None


def value_of(claim: Claim, context: str = "") -> Value:
    """Normalise a claim; ``context`` is a few characters before it (for "at least", "about")."""
    kind = (claim.kind or "").lower()
    text = claim.text
    low = text.lower()
    approx, bound = _approx(context[-25:] + " " + text)
    if kind in ("place", "commitment"):
        label = str(claim.normalized or claim.value or text).strip().lower()
        return Value(kind, label=label)
    if kind == "date":
        iso = claim.normalized if isinstance(claim.normalized, str) and re.fullmatch(
            r"\d{4}(?:-\d\d){0,2}", claim.normalized) else None
        own = _date_label(claim)
        if iso and (own is None or "-" not in own):
            # a relative date ("Wednesday", "yesterday") resolved by the nlp stage against the article's
            # publication date; a written date keeps only what the text says (no guessed year)
            parts = iso.split("-") + ["?"] * (3 - len(iso.split("-")))
            return Value(kind, label="-".join(parts))
        return Value(kind, label=own)
    if re.search(r"\bold\b|\bage[sd]?\b", low):
        return Value(kind, label=None)  # an age, not a duration or a count of the story's things
    if re.search(r"\d\s+(?:of|out of)\s*$", context[-12:]):
        return Value(kind, label=None)  # the whole of a ratio ("28 of 41 passes"), not a count on its own
    nums = _normalized_numbers(claim.normalized, kind)
    in_days = bool(nums) and kind == "duration"
    if not nums:
        nums = parse_numbers(text)
    if not nums and claim.value is not None:
        try:
            nums = [float(claim.value)]
        except (TypeError, ValueError):
            nums = []
    if "dozen" in low and nums and all(n < 12 for n in nums) and not re.search(r"\d", low):
        nums = [n * 12 for n in nums]  # "a dozen" read as 1 by the number tagger
    unit = _unit(kind, low, claim.unit)
    grain = None
    if kind == "duration":
        gm = re.search(r"\b(second|minute|hour|day|night|week|fortnight|month|year|decade)s?\b", low)
        grain = gm.group(1) if gm else None
    if in_days:
        unit = "days"
    elif kind == "duration" and nums and unit and unit.startswith("day:"):
        factor = _DUR_UNITS[unit.split(":", 1)[1]]
        nums = [n * factor for n in nums]
        unit = "days"
    if not nums:
        return Value(kind, unit=unit, label=low)
    lo, hi = min(nums), max(nums)
    if bound == "min":
        hi = float("inf")
    elif bound == "max":
        lo = 0.0
    return Value(kind, unit=unit, lo=lo, hi=hi, approx=approx, grain=grain)


def _normalized_numbers(norm: Any, kind: str) -> list[float]:
    if isinstance(norm, bool) or norm is None:
        return []
    if isinstance(norm, (int, float)):
        return [float(norm)] if kind != "duration" else []  # a bare duration number has an unknown unit
    if isinstance(norm, (list, tuple)) and norm and all(isinstance(x, (int, float)) for x in norm):
        return [float(x) for x in norm]
    if isinstance(norm, dict):
        if isinstance(norm.get("min"), (int, float)) and isinstance(norm.get("max"), (int, float)):
            return [float(norm["min"]), float(norm["max"])]
        for key in ("days", "value", "amount"):
            if isinstance(norm.get(key), (int, float)):
                return [float(norm[key])] if kind != "duration" or key == "days" else []
    if isinstance(norm, str) and kind == "duration":
        m = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?", norm)
        if m and any(m.groups()):
            y, mo, w, d = (float(g or 0) for g in m.groups())
            return [y * 365.25 + mo * 30.4 + w * 7 + d]
    return []


def _unit(kind: str, low: str, given: str | None) -> str | None:
    if kind == "percent" or "%" in low or "percent" in low or "per cent" in low:
        return "%"
    if kind == "duration":
        for u in _DUR_UNITS:
            if re.search(rf"\b{u}s?\b", low):
                return f"day:{u}"
        return given
    if kind == "money":
        for sym, code in _CURRENCY.items():
            if (sym in low if not sym.isalpha() else re.search(rf"\b{sym}s?\b", low)):
                return code
        return given or "money"
    return given


_RELATIVE = re.compile(r"\b(today|tonight|yesterday|tomorrow|last|next|this|ago|earlier|later|recent|past|coming|"
                       r"year-old|years? old|p\.?m\.?|a\.?m\.?|weekend|christmas|season|decade|century)\b", re.I)


def _date_label(claim: Claim) -> str | None:
    """An explicit calendar date (ISO prefix) or a weekday name; None for relative or vague expressions, whose
    resolution depends on a publication date we may not have, and which are not worth comparing."""
    low = claim.text.lower()
    if _RELATIVE.search(low):
        return None
    # a bare small number ("Raj Chohan, 59,") is an age or a count the date tagger took for a date
    explicit = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", low) or any(re.search(rf"\b{m}\b", low) for m in _MONTHS)
    for d in _WEEKDAYS:
        if re.search(rf"\b{d}\b", low):
            return d if not explicit else _ymd(low)
    return _ymd(low) if explicit else None


def _ymd(low: str) -> str | None:
    """"y-m-d" with "?" for what the text does not say: "July 13" -> "?-07-13", "2009" -> "2009-?-?"."""
    if len(re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", low)) > 1:
        return None  # a span of years ("from 1974 to 1978") is not one date
    year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", low)
    month = next((i + 1 for i, m in enumerate(_MONTHS) if re.search(rf"\b{m}\b", low)), None)
    day = None
    if month:
        dm = re.search(rf"\b{_MONTHS[month - 1]}\s+(\d{{1,2}})\b|\b(\d{{1,2}})\s+{_MONTHS[month - 1]}\b", low)
        if dm:
            day = int(dm.group(1) or dm.group(2))
    if not year and not month:
        return None
    return f"{year.group(1) if year else '?'}-{f'{month:02d}' if month else '?'}-{f'{day:02d}' if day else '?'}"


def compatible(a: Value, b: Value) -> bool | None:
    """True when both can be true of the same thing, False when they cannot, None when not comparable."""
    if a.kind != b.kind and {a.kind, b.kind} - {"number", "money", "percent"}:
        return None
    if a.lo is not None and b.lo is not None:
        if a.unit and b.unit and a.unit != b.unit:
            return None
        if a.grain and b.grain and a.grain != b.grain:
            # "four days" of deliberation and "30 hours" of it are both true: only equal amounts compare
            return True if abs(a.lo - b.lo) <= 0.02 * max(a.lo, b.lo) and a.hi == b.hi else None
        tol = 0.1 if (a.approx or b.approx) else 0.02
        lo_a, hi_a = a.lo * (1 - tol), (a.hi * (1 + tol) if a.hi != float("inf") else a.hi)
        return not (hi_a < b.lo or b.hi < lo_a)
    if a.label and b.label:
        la, lb = a.label, b.label
        if a.kind == "date":
            # components a text leaves out ("?") match anything; a weekday compares only with a weekday
            if ("-" in la) != ("-" in lb):
                return None
            if "-" not in la:
                return la == lb
            pa, pb = la.split("-"), lb.split("-")
            if not any(x != "?" and y != "?" for x, y in zip(pa, pb)):
                return None
            return all(x == y or "?" in (x, y) for x, y in zip(pa, pb))
        return la == lb or la in lb or lb in la
    return None


# ---------------------------------------------------------------- fallback value finder (used only without claims)
_FALLBACK = re.compile(
    rf"(?P<percent>(?:{_NUM}\s*(?:%|percent|per cent))(?:\s*(?:to|-|–)\s*{_NUM}\s*(?:%|percent|per cent))?)"
    rf"|(?P<money>(?:US\$|\$|€|£)\s?{_NUM}(?:\s?(?:million|billion|trillion|bn|mn|m)\b)?)"
    rf"|(?P<duration>\b(?:{_NUM}|{_NUMWORD}|a|an)[\s-]+(?:(?:straight|consecutive|more)\s+)?"
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?)\b(?![\s-]+old))"
    rf"|(?P<date>\b(?:{'|'.join(m.title() for m in _MONTHS)})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?\b"
    rf"|\b(?:{'|'.join(d.title() for d in _WEEKDAYS)})\b)"
    rf"|(?P<number>\b{_NUM}(?:\s?(?:million|billion|thousand))?\b)", re.I)


def fallback_claims(text: str) -> list[Claim]:
    out = []
    sents = sentences(text)
    for m in _FALLBACK.finditer(text):
        kind = m.lastgroup or "number"
        s, e = m.span()
        if kind == "number" and re.fullmatch(r"(1[89]\d\d|20\d\d)", m.group()):
            kind = "date"
        if kind == "date" and m.group() in ("May", "March") and not re.search(r"\d", m.group()):
            continue  # too often a verb or a name
        sent = next(((p.start, p.end) for p in sents if p.start <= s < p.end), None)
        out.append(Claim(s, e, text[s:e], kind, sentence=sent))
    return out
