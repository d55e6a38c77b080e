"""newsprism's own text-level pass, run on every article's text after extraction (HTML) or as read (text inputs).

In order: Unicode / whitespace normalisation; a leading title line moved to metadata (text inputs); wire credit lines
moved to ``credit``; repeated paragraphs and repeated runs of paragraphs dropped (scrapers often capture a body twice);
a trailing tail of page furniture cut (legal disclaimers, "Most popular", "Related", comment widgets, link lists);
single boilerplate lines dropped (share / subscribe / advertisement prompts). Every change is a ``Removal``.

Rules are generic patterns of page furniture, never rules for a particular site.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from newsprism.model import Removal

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+")

# Wire and syndication agencies whose credit opens or closes a story.
AGENCIES = (r"AP|Associated Press|Reuters|AFP|Agence France-Presse|Bloomberg|Xinhua|MENAFN|UPI|dpa|DPA|ANI|PTI|IANS|"
            r"TASS|Anadolu|AA|EFE|ANSA|Kyodo|Yonhap|CNA|Bernama|PA|PA Media|CP|The Canadian Press|AAP|NNA|WAM|SPA|"
            r"KUNA|QNA|BNA|ONA|IRNA|APA|Trend|Interfax|RIA Novosti|Sputnik|CNS|Tribune News Service|TNS|"
            r"The Conversation|CNN|BBC|Yahoo|MarketWatch|Benzinga|GlobeNewswire|PR Newswire|Business Wire|"
            r"Newswire|Newsfile|ACCESSWIRE|EQS|Zacks")
_AGENCY = re.compile(AGENCIES)
# "(MENAFN) ", "WASHINGTON (AP) — ", "LONDON, Sept 15 (Reuters) - ", "Reuters — "
_CREDIT_PREFIX = re.compile(
    r"^(?P<dateline>(?:[A-Z][A-Z .,'\-]{1,40}|[A-Z][a-z]+(?:[ ,][A-Z][a-z]+){0,3})"
    r"(?:,\s*[A-Z][a-z]{2,9}\.?\s*\d{1,2})?\s*)?"
    r"[(\[](?P<credit>" + AGENCIES + r"(?:/[A-Za-z .]+)?)[)\]]\s*(?:[-\u2013\u2014:]+\s*)?")
_CREDIT_LEAD = re.compile(r"^(?P<credit>" + AGENCIES + r")\s*[\u2013\u2014-]{1,2}\s+(?=[A-Z\"\u201c])")
_CREDIT_LINE = re.compile(
    r"^(?:[-\u2013\u2014]\s*)?[(\[]?(?:(?:Reporting|Writing|Additional reporting|Editing|Compiled)\s+by\b.{0,200}|"
    r"(?:Source|Credit|Via)\s*:\s*(?:" + AGENCIES + r")\.?|(?:" + AGENCIES + r")(?:\s+contributed to this report)?\.?)"
    r"[)\]]?\.?$", re.I)

# A line that opens the page furniture after the article: everything from it to the end is cut.
_TAIL_MARKER = re.compile(
    r"^(?:legal disclaimer|disclaimer|most (?:popular|read|viewed|shared)(?: (?:stories|articles|news|now|today))?|"
    r"related(?: (?:articles?|stories|news|posts|content|coverage|reading|topics|links))?|read (?:more|next|also)|"
    r"more (?:from|on|stories|news|articles|in)\b.{0,40}|you (?:may|might) also like|recommended(?: for you| stories| "
    r"articles| reading)?|trending(?: now| stories| news)?|popular(?: now| stories| posts)?|see also|also read|"
    r"comments?(?: \(\d+\))?|\d+ comments?|no comments?(?: yet)?|leave a (?:comment|reply)|post a comment|"
    r"join the (?:conversation|discussion)|(?:show|view|load) comments|latest (?:news|stories|articles)|"
    r"top stories|editor'?s picks|don'?t miss|further reading|tags?|topics|share this(?: article| story| post)?|"
    r"about the author|sign up for our newsletter|subscribe to our newsletter)\s*[:.!]?$",
    re.I)
# Strong markers cut even when prose follows (a disclaimer is prose, but never the article).
_STRONG_TAIL = re.compile(r"^legal disclaimer\s*:?$", re.I)

# Single lines of page furniture, dropped wherever they are.
_BOILER_LINE = re.compile(
    r"^(?:advertisement|advertisements|ad|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"continue reading(?: below)?|scroll to continue(?: with content)?|share (?:this|on)\b.{0,40}|"
    r"(?:share|tweet|email|print|pin|whatsapp|facebook|twitter|linkedin|reddit|copy link)(?:\s*[|/\u00b7,]\s*"
    r"(?:share|tweet|email|print|pin|whatsapp|facebook|twitter|linkedin|reddit|copy link))*|"
    r"click here to (?:subscribe|sign up|read more|download).{0,60}|sign up for (?:our|the) .{0,40}newsletters?.{0,60}|"
    r"subscribe (?:now|today|to our newsletter|to .{0,30} newsletter).{0,60}|follow us on .{0,60}|"
    r"(?:we use|this (?:site|website) uses) cookies.{0,200}|(?:image|photo|video)\s*(?:credit)?\s*:\s*.{0,80}|"
    r"no comments?(?: yet)?|loading\.*|back to top|table of contents:?|"
    r"(?:copyright\s*)?\u00a9.{0,120}|copyright \d{4}.{0,120}|all rights reserved\.?.{0,80}|"
    r"oops! something went wrong.{0,60}|thank you! your submission has been received.{0,20}|newsletter)\s*[.!]?$",
    re.I)
# Page metadata printed above the article (read times, dates, bylines): dropped from the first lines only, where
# it is the page's header and not the story's prose.
_HEAD_META = re.compile(
    r"^(?:[-*\u2022]\s*)?(?:(?i:\d{1,3}\s*min(?:ute)?s?\s*read|(?:estimated\s+)?reading time:?.{0,20}|"
    r"(?:last\s+)?(?:updated|published|posted)(?:\s+on)?:?\s*.{0,40}\d{4}.{0,20}|published|updated)|"
    r"[Bb]y\s+[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3})?|"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*(?:at\s*)?\d{1,2}:\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?)?)\s*$")
_SENTENCE_END = re.compile(r"[.!?\"\u201d\u2019')]$")
_FURNITURE_SENTENCE_END = re.compile(r"[.!?\"\u201d]$")
_TERMINAL = re.compile(r"[.:;,]$")
_BLANK_RUNS = re.compile(r"\n{3,}")
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,2}[.)])\s+")


@dataclass
class Cleaned:
    text: str
    removals: list[Removal] = field(default_factory=list)
    credit: str | None = None
    title: str | None = None


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as Latin-1 or Windows-1252 ("doesnÃ¢Â€Â™t", "cafÃ©", "Iâ€™d") with ftfy's
    encoding fixer, line by line and only on lines ftfy's badness test flags, so ordinary accented text ("CAFÉ»",
    "déjà vu") is never touched and unaffected lines keep their offsets.

    Measured on the shared ECB+ texts and extraction pages (1,664 documents, 166 M characters): the same repairs as
    the hand-written Latin-1 re-decoder it replaces plus the Windows-1252 ones it missed (``â€™``), no false repair,
    2.4 CPU-s in all against 0.3 s (the substring test below keeps clean text off ftfy's path)."""
    # a substring test is ~100x faster than a regex on a whole page and rules out nearly every text: every UTF-8
    # sequence of a Latin letter or punctuation misread as Latin-1 or Windows-1252 starts with one of these
    if "\u00c2" not in text and "\u00c3" not in text and "\u00e2" not in text:
        return text
    from ftfy import fix_encoding
    from ftfy.badness import is_bad

    lines = text.splitlines(keepends=True)
    if not any(is_bad(ln) for ln in lines):
        return text
    return "".join(fix_encoding(ln) if is_bad(ln) else ln for ln in lines)


def normalise(text: str) -> str:
    """NFC, no zero-width characters, one space between words, no trailing spaces, at most one blank line."""
    # zero-width characters go first: removing one can join the two halves of a mojibake sequence
    # (and composition, which can turn "A" + U+0302 into the "Â" that opens one)
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text).replace("\r\n", "\n").replace("\r", "\n"))
    # runs of spaces become one space before the repair too: ftfy reads "Â" + space as a no-break space whose second
    # byte became a space, so "Â<tab>" left alone here would turn into "Â " below and be repaired only on a second pass
    text = _SPACES.sub(" ", text)
    fixed = fix_mojibake(text)
    if fixed is not text:
        text = unicodedata.normalize("NFC", fixed)
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _key(par: str) -> str:
    return " ".join(_WORD.findall(par.lower()))


def _short(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def _prose_run(run: list[str]) -> bool:
    """A doubled body is prose (sentences); a menu, a schedule or a list that legitimately repeats is not."""
    sentences = [p for p in run if len(p) >= 80 and _SENTENCE_END.search(p)]
    return len(sentences) >= 2 and len(sentences) * 2 >= len(run)


def drop_repeats(pars: list[str], removals: list[Removal], *, min_run: int = 3, min_single: int = 250) -> list[str]:
    """Drop repeats that scraping produces, keep repeats that writing produces.

    A scraped page repeats its body (or a long stretch of it): a run of ``min_run`` or more paragraphs that already
    appeared in the same order is dropped, and so is a single long paragraph (``min_single`` characters) seen before
    (a body paragraph doubled as a pull quote or teaser). Short repeats (a recipe line, an interview question, a
    refrain) are writing, and stay.
    """
    keys = [_key(p) for p in pars]
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k:
            first.setdefault(k, i)
    drop = [False] * len(pars)
    i = 0
    n = len(pars)
    while i < n:
        k = keys[i]
        if not k or first[k] == i:
            i += 1
            continue
        # extend a run of paragraphs that repeats, in order, the stretch starting at the first occurrence
        j, src = i, first[k]
        run_len = 0
        while j < n and src < i:
            if not keys[j]:
                j += 1
                continue
            while src < i and not keys[src]:
                src += 1
            if src >= i or keys[j] != keys[src]:
                break
            run_len += 1
            j += 1
            src += 1
        if run_len >= min_run and _prose_run([pars[x] for x in range(i, j) if keys[x]]):
            idx = [x for x in range(i, j) if keys[x]]
            for x in range(i, j):
                drop[x] = True
            removals.append(Removal(f"{len(idx)} paragraphs from {_short(pars[i], 60)!r}",
                                    "repeated run of paragraphs"))
            i = j
            continue
        if len(k) >= min_single:
            drop[i] = True
            removals.append(Removal(_short(pars[i]), "repeated paragraph"))
        i += 1
    return [p for p, d in zip(pars, drop, strict=True) if not d]


def _furniture_share(lines: list[str]) -> float:
    """How much of a tail looks like a link list / widget: short lines or list items that are not sentences."""
    lines = [ln for ln in lines if ln]
    if not lines:
        return 1.0
    fur = 0
    for ln in lines:
        words = len(ln.split())
        sentence = bool(_FURNITURE_SENTENCE_END.search(ln)) and words > 8
        if (words <= 12 or (_LIST_ITEM.match(ln) and words <= 25)) and not sentence:
            fur += 1
    return fur / len(lines)


def cut_tail(pars: list[str], removals: list[Removal], *, max_share: float = 0.35) -> list[str]:
    """Cut from a furniture marker ("Most popular", "Related", "Comments", ...) to the end, when the marker sits in
    the last part of the text and what follows it is furniture (a link list, a comment widget). A legal disclaimer
    is cut even though it is prose."""
    n = len(pars)
    if n < 2:
        return pars
    total = sum(len(p) for p in pars) or 1
    after = total
    for i, p in enumerate(pars):
        after -= len(p)
        if i == 0 or after > max_share * total:
            continue
        strong = bool(_STRONG_TAIL.match(p))
        if not (strong or _TAIL_MARKER.match(p)):
            continue
        rest = [x for x in pars[i + 1:] if x]
        if strong or (_furniture_share(rest) >= 0.8 and not any(len(x) >= 200 for x in rest)):
            cut = [x for x in pars[i:] if x]
            removals.append(Removal(_short(" / ".join(cut), 160),
                                    f"page furniture after the article ({len(cut)} lines from {_short(p, 40)!r})"))
            return pars[:i]
    return pars


def drop_boiler_lines(pars: list[str], removals: list[Removal], head: int = 4) -> list[str]:
    out = []
    seen = 0
    for p in pars:
        if p and len(p) < 200 and _BOILER_LINE.match(p):
            removals.append(Removal(_short(p), "boilerplate line"))
            continue
        if p and seen < head and len(p) < 80 and _HEAD_META.match(p):
            removals.append(Removal(_short(p), "page metadata line"))
            continue
        if p:
            seen += 1
        out.append(p)
    return out


def take_credit(pars: list[str], removals: list[Removal]) -> tuple[list[str], str | None]:
    """Move wire credits into metadata: a prefix of one of the first paragraphs, or a credit line of its own."""
    credit = None
    out = list(pars)
    for i, p in enumerate(out[:3]):
        m = _CREDIT_PREFIX.match(p) or _CREDIT_LEAD.match(p)
        if m and len(p) > m.end() + 20:
            credit = m.group("credit").strip()
            dateline = (m.groupdict().get("dateline") or "").strip().rstrip(",")
            body = p[m.end():].lstrip()
            out[i] = f"{dateline} \u2014 {body}" if dateline else body
            removals.append(Removal(_short(p[: m.end()].strip()), "credit line (kept as metadata)"))
            break
    # A credit line of its own, at the start or the end.
    for idx in [0, 1] + [len(out) - 2, len(out) - 1]:
        if 0 <= idx < len(out) and out[idx] and len(out[idx]) < 160 and _CREDIT_LINE.match(out[idx]):
            line = out[idx]
            if credit is None:
                m = _AGENCY.search(line)
                credit = m.group(0) if m else None
            removals.append(Removal(_short(line), "credit line (kept as metadata)"))
            out[idx] = ""
    return [p for j, p in enumerate(out) if p or pars[j] == ""], credit


def title_line(pars: list[str], removals: list[Removal]) -> tuple[list[str], str | None]:
    """A text input whose first line reads as a headline (short, no closing period) followed by prose."""
    if len(pars) < 3:
        return pars, None
    first = pars[0]
    words = len(first.split())
    rest_words = sum(len(p.split()) for p in pars[1:])
    if 2 <= words <= 25 and len(first) <= 200 and not _TERMINAL.search(first) and rest_words >= 3 * words \
            and not _LIST_ITEM.match(first):
        removals.append(Removal(_short(first), "title line (kept as metadata)"))
        return pars[1:], first
    return pars, None


def clean_text(text: str, *, title: str | None = None, from_text_input: bool = False) -> Cleaned:
    """The full text pass. ``title`` is the known title: a first line equal to it is dropped."""
    removals: list[Removal] = []
    norm = normalise(text)
    if norm != text.strip():
        pass  # normalisation is not reported line by line: it changes spacing only
    pars = norm.split("\n")
    found_title = None
    if title and pars and _key(pars[0]) == _key(title):
        removals.append(Removal(_short(pars[0]), "title line (kept as metadata)"))
        pars = pars[1:]
    elif from_text_input and title is None:
        pars, found_title = title_line(pars, removals)
    pars = cut_tail(pars, removals)
    pars = drop_repeats(pars, removals)
    pars = drop_boiler_lines(pars, removals)
    pars, credit = take_credit(pars, removals)
    pars = cut_tail(pars, removals)
    out = "\n".join(pars)
    out = _BLANK_RUNS.sub("\n\n", out).strip()
    return Cleaned(out, removals, credit, found_title)
