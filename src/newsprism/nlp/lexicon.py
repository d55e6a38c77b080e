"""Small word lists the rules share: titles, pronouns, organisation head nouns, months; countries come from the gazetteer."""
from __future__ import annotations

from newsprism.knowledge import countries as _countries

# Words that, written before a capitalised name, make it a person's name ("Vice-Premier He", "Sen. Warren").
TITLE_WORDS = frozenset("""
president vice premier secretary minister senator sen sen. rep rep. representative congressman congresswoman
governor gov gov. mayor mr mr. mrs mrs. ms ms. dr dr. miss chairman chairwoman chair director spokesman spokeswoman
spokesperson judge justice general gen gen. chancellor ambassador speaker leader ceo chief professor prof prof.
commissioner attorney sheriff coach king queen prince princess pope rev rev. sgt sgt. lt lt. col col. capt capt.
adm adm. gen. lieutenant colonel captain admiral sergeant officer detective inspector superintendent candidate
nominee founder chairperson deputy envoy negotiator representative economist analyst dean professor lawmaker
councilman councilwoman councillor delegate diplomat executive manager president-elect governor-elect senator-elect
sir lady lord dame emperor sultan ayatollah sheikh rabbi bishop cardinal father pastor imam trustee treasurer
""".split())

# Titles that say "person" so strongly that even a pronoun-looking word after them is a name ("Vice-Premier He").
STRONG_TITLES = frozenset("""
president premier vice-premier secretary minister senator sen sen. rep rep. governor gov gov. mayor mr mr. mrs mrs.
ms ms. dr dr. chairman chancellor ambassador professor prof prof. judge justice general gen gen. pope king queen
""".split())

PRONOUNS = frozenset("he she him her his hers they them their it its we us our i me my you your".split())
PERSON_PRONOUNS = frozenset("he she him her".split())
PLURAL_PRONOUNS = frozenset("they them".split())

# Lower-case head nouns by which a text refers back to an organisation it named before ("the ministry warned").
ORG_HEADS = frozenset("""
ministry department agency commission committee company firm bank government administration office council court
party campaign group organization organisation union association institute university board bureau embassy
newspaper paper network agency service fund foundation authority regulator court army police
""".split())

MONTHS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def country_of(text: str) -> str | None:
    """The canonical country for a name, short form, nationality word or capital (the gazetteer in
    ``newsprism.knowledge.countries``), or the international body a name denotes; else None."""
    return _countries.country_of(text) or _countries.capital_of(text) or _countries.body_of(text)
