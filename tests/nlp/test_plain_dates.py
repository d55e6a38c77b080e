"""The date phrases ``claims._plain_date`` works out itself must get dateparser's answers, whatever the base date."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from newsprism.nlp import claims

_MONTH_ONLY = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", re.I)


def _dateparser_answer(phrase: str, base: datetime, future: bool) -> str | None:
    """What ``_resolve_date`` made of dateparser's reading before the shortcut (its last lines)."""
    d = claims._parse_date.__wrapped__(phrase, base, future)
    if d is None:
        return None
    if _MONTH_ONLY.fullmatch(phrase):
        return d.strftime("%Y-%m")
    if re.fullmatch(r"\d{4}", phrase):
        return phrase
    return d.date().isoformat()


PHRASES = (["Monday", "tuesday", "WEDNESDAY", "Thursday.", "Friday", "Saturday", "Sunday"]
           + ["January", "Feb", "March.", "april", "May", "June", "Jul", "Aug.", "Sept", "September", "Oct", "Nov.",
              "December"]
           + ["today", "Yesterday", "tomorrow", "1066", "1999", "2016", "2999"])

# month ends, a leap day, the turn of a year, and every weekday, at several hours
BASES = [datetime(2015, 12, 31, 23, 50), datetime(2016, 1, 1, 0, 5), datetime(2016, 2, 28, 12), datetime(2016, 2, 29, 6),
         datetime(2016, 3, 31, 18, 30), datetime(2016, 4, 30, 9), datetime(2017, 1, 31, 14), datetime(2017, 5, 15, 3)]
BASES += [datetime(2018, 6, 4, 11) + timedelta(days=k, hours=5 * k) for k in range(7)]


@pytest.mark.parametrize("future", [False, True])
@pytest.mark.parametrize("base", BASES, ids=lambda b: b.strftime("%Y-%m-%dT%H"))
def test_plain_dates_are_dateparsers(base, future):
    for phrase in PHRASES:
        quick = claims._plain_date(phrase, base, future)
        if quick is None:  # left to dateparser (February after the 28th): nothing to compare
            assert phrase.lower().startswith("feb") and base.day > 28
            continue
        assert quick == _dateparser_answer(phrase, base, future), (phrase, base, future)


def test_other_phrases_are_left_to_dateparser():
    base = datetime(2016, 3, 9, 10)
    for phrase in ["next Tuesday", "Tue", "June 24", "early November", "1990s", "999", "3000", "Wednesday night",
                   "mid-January", "last year"]:
        assert claims._plain_date(phrase, base, False) is None
    assert claims._plain_date("February", datetime(2016, 1, 30), False) is None  # dateparser's leap-year search


def test_resolve_date_uses_the_same_answers():
    # through the whole function: a prefix stripped, the publication's own weekday, a month, a year
    assert claims._resolve_date("last Tuesday", "2016-03-09") == "2016-03-08"
    assert claims._resolve_date("Wednesday", "2016-03-09") == "2016-03-09"
    assert claims._resolve_date("in November", "2016-03-09") == "2015-11"
    assert claims._resolve_date("through November", "2016-03-09", future=True) == "2016-11"
    assert claims._resolve_date("2008", "2016-03-09") == "2008"
