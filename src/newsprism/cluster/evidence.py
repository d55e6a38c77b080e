"""What in an article's text is evidence of the event, and what is furniture. No I/O.

Scraped pages carry lines that say nothing about the event: photo captions with their credit ("(AP Photo/…)",
"Photo: AFP", "— AFP"), bylines, "Read Time: 3 mins", menu items, share buttons, a search tool's date stamp. Two
articles that share such lines (same wire, same CMS) are not thereby about the same event, and an article's title
for people must never be one of them. The tests are about the shape of a line (length, sentence punctuation,
credit patterns), never about its topic.

Event dates are read from the text ("May 7", "7 May 2025", "2025-05-07", and weekday names resolved against the
publication date) so that two outlets naming the same day meet even when they name the event differently.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

# A credit fragment: "(AP Photo/K.M. Chaudary)", "(Reuters)", "Photo: AFP", "— AFP", "[Photo Credit: X]".
_CREDIT = re.compile(
    r"\[\s*(?:photo|image|picture)?\s*credits?\s*:[^\]]*\]"
    r"|\((?:[^()]{0,40}\bphoto\b[^()]{0,60}|[A-Z][A-Za-z.&]{1,12}(?:\s[A-Z][A-Za-z.&]{1,12})?)\)"
    r"|\b(?:photo|image|picture|file photo|credit)s?\s*(?:credit)?\s*:\s*[^.\n]{0,60}"
    r"|[—–-]{1,2}\s*[A-Z][A-Za-z.]{1,12}(?:\s[A-Z][A-Za-z.]{1,12})?\s*$",
    re.IGNORECASE | re.MULTILINE)
# The leading stamp some archives put before the text (" date 2025-05-07 ").
_STAMP = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b\s*", re.IGNORECASE)
# A dateline opening a story: "ISLAMABAD:", "NEW DELHI, May 7:", "Baku, September 19, AZERTAC", "RAWALPINDI (WNP) -".
_DATELINE = re.compile(r"^[A-Z][A-Za-z./ -]{1,40}(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
                       r"(?:\s*\([^)]{1,30}\))?\s*(?:[:—–-]|,\s*[A-Z]{2,})\s*")
_SENT_END = re.compile(r"[.!?…\"”’)]\s*$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_furniture(line: str) -> bool:
    """A line that is page furniture rather than reporting: too short to be a sentence and not one."""
    s = line.strip()
    if not s:
        return True
    words = _WORD.findall(s)
    if len(words) <= 3:
        return True
    # A headline-length line without sentence punctuation may be a headline (kept) or a menu/credit (dropped):
    # keep it when most of its words are lower-case prose or capitalised title words, drop it when it is mostly
    # symbols or digits.
    letters = sum(len(w) for w in words)
    return letters < 0.5 * len(s)


def evidence_text(text: str) -> str:
    """The text with furniture lines, credit fragments and archive stamps taken out (for matching, not display)."""
    out = []
    for line in (text or "").split("\n"):
        line = _STAMP.sub("", line)
        line = _CREDIT.sub(" ", line)
        if is_furniture(line):
            continue
        out.append(line.strip())
    return "\n".join(out)


def is_credit_or_dateline(line: str) -> bool:
    """True for a line that only credits, datelines or captions (never a title for people)."""
    s = _STAMP.sub("", line or "").strip()
    if not s:
        return True
    bare = _CREDIT.sub(" ", s).strip()
    if len(_WORD.findall(bare)) <= 3:
        return True
    m = _DATELINE.match(s)
    if m and len(_WORD.findall(s[m.end():])) <= 2:
        return True
    return False


# ---- event dates -----------------------------------------------------------------------------------------------
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
       r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MD = re.compile(r"\b" + _MON + r"\s+(\d{1,2})(?:\s*[-–]\s*\d{1,2})?(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I)
_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?\s+(?:of\s+)?" + _MON + r"\b(?:,?\s+(\d{4}))?", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WD = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _mk(y: int | None, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat() if y else f"{m:02d}-{d:02d}"
    except ValueError:
        return None


def event_dates(text: str, published: date | None = None, weekdays: bool = False) -> list[str]:
    """Days the text names, as ISO dates when a year is known (from the text, else the publication), else "MM-DD".

    Weekday names count only with a publication date: "on Tuesday" in a Wednesday paper is the day before (news
    reports the past week, so a weekday resolves to the latest such day on or before publication).
    """
    years = [int(y) for y in _YEAR.findall(text)]
    default_year = published.year if published else (max(set(years), key=years.count) if years else None)
    out: list[str] = []
    for rx, order in ((_MD, "md"), (_DM, "dm")):
        for m in rx.finditer(text):
            if order == "md":
                mon, day, year = m.group(1), m.group(2), m.group(3)
            else:
                day, mon, year = m.group(1), m.group(2), m.group(3)
            mo = _MONTHS.get(mon.lower().rstrip(".")[:3])
            if mo is None or not day.isdigit():
                continue
            y = int(year) if year else default_year
            if published and not year and y and date(y, mo, min(int(day), 28)) > published + timedelta(days=31):
                y -= 1  # "December 30" in a January paper is last year's
            iso = _mk(y, mo, int(day))
            if iso:
                out.append(iso)
    for m in _ISO.finditer(text):
        iso = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            out.append(iso)
    for m in _WD.finditer(text):
        wd = m.group(1).lower()
        if published:
            back = (published.weekday() - _WEEKDAYS.index(wd)) % 7
            out.append((published - timedelta(days=back)).isoformat())
        elif weekdays:
            out.append(wd[:3])  # unresolved weekday (off by default: it split stories more than it told events apart)
    return out
