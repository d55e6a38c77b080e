"""Small word lists the rules share: titles, countries and their adjectives, organisation head nouns."""
from __future__ import annotations

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

# Country names, short forms, capitals used as metonyms and nationality words, mapped to one name.
_COUNTRIES = {
    "US": "us u.s. u.s usa u.s.a. america american americans washington united-states",
    "UK": "uk u.k. britain british great-britain united-kingdom london",
    "China": "china chinese beijing prc",
    "Russia": "russia russian russians moscow kremlin",
    "Japan": "japan japanese tokyo",
    "India": "india indian",
    "France": "france french paris",
    "Germany": "germany german berlin",
    "Spain": "spain spanish madrid",
    "Italy": "italy italian rome",
    "Canada": "canada canadian ottawa",
    "Mexico": "mexico mexican",
    "Brazil": "brazil brazilian",
    "Iran": "iran iranian tehran",
    "Iraq": "iraq iraqi baghdad",
    "Israel": "israel israeli",
    "Syria": "syria syrian damascus",
    "Ukraine": "ukraine ukrainian kyiv kiev",
    "Turkey": "turkey turkish ankara",
    "Saudi Arabia": "saudi saudis saudi-arabia riyadh",
    "North Korea": "north-korea pyongyang",
    "South Korea": "south-korea seoul",
    "Taiwan": "taiwan taiwanese taipei",
    "Australia": "australia australian canberra",
    "European Union": "eu e.u. european-union brussels",
    "Palestine": "palestine palestinian palestinians",
    "Egypt": "egypt egyptian cairo",
    "Pakistan": "pakistan pakistani",
    "Afghanistan": "afghanistan afghan",
    "Cuba": "cuba cuban havana",
    "Venezuela": "venezuela venezuelan",
    "Nigeria": "nigeria nigerian",
    "South Africa": "south-africa",
    "Kenya": "kenya kenyan",
    "Greece": "greece greek athens",
    "Poland": "poland polish warsaw",
    "Netherlands": "netherlands dutch",
    "Sweden": "sweden swedish",
    "Norway": "norway norwegian",
    "Switzerland": "switzerland swiss",
    "Ireland": "ireland irish dublin",
    "Vietnam": "vietnam vietnamese hanoi",
    "Indonesia": "indonesia indonesian",
    "Philippines": "philippines filipino",
    "Singapore": "singapore singaporean",
    "Malaysia": "malaysia malaysian",
    "Thailand": "thailand thai",
    "Argentina": "argentina argentine",
    "Colombia": "colombia colombian",
    "Chile": "chile chilean",
    "Peru": "peru peruvian",
    "Belgium": "belgium belgian",
    "Austria": "austria austrian vienna",
    "Hungary": "hungary hungarian",
    "Qatar": "qatar qatari doha",
    "Lebanon": "lebanon lebanese beirut",
    "Jordan": "jordanian amman",
    "Libya": "libya libyan",
    "Yemen": "yemen yemeni",
    "Ethiopia": "ethiopia ethiopian",
    "New Zealand": "new-zealand",
}
COUNTRY_OF: dict[str, str] = {}
for _canon, _words in _COUNTRIES.items():
    for _w in _words.split():
        COUNTRY_OF[_w.replace("-", " ")] = _canon
    COUNTRY_OF[_canon.lower()] = _canon

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
    """The canonical country for a name, short form or nationality word, else None."""
    t = text.strip().lower().replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    t = t.removeprefix("the ").strip()
    return COUNTRY_OF.get(t)
