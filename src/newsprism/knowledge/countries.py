"""A country gazetteer built from the data inside the ``countryinfo`` package (names, alternative spellings,
demonyms, capitals for every country), plus the handful of international bodies that take sides in the news.

Three questions are kept apart because they mean different things in a text:
- ``country_of``: a country's name, short form or demonym ("Pakistan", "the U.S.", "Indian", "Pakistanis");
- ``capital_of``: a capital or seat of government ("Islamabad", "the Kremlin"); a capital stands for its country only
  when it acts ("Beijing said"), never as the place where something happened, so callers decide;
- ``body_of``: an international organisation ("the United Nations", "U.N.").
Names are returned in one canonical short form (``canonical``): "US", "UK", "UAE", otherwise the country's common
English name.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# English news writes these three countries by their initials far more often than by name.
_SHORT = {"United States": "US", "United Kingdom": "UK", "United Arab Emirates": "UAE"}
# Common English forms missing from the package's alternative spellings.
_EXTRA_NAMES = {"US": ["U.S.", "U.S.A.", "America", "the States"], "UK": ["U.K.", "Britain"],
                "Myanmar": ["Burma"], "Czech Republic": ["Czechia"], "Turkey": ["Türkiye"],
                "UAE": ["U.A.E.", "Emirates"]}
_EXTRA_DEMONYMS = {"UK": ["Briton", "Britons"], "Myanmar": ["Myanmarese"], "US": ["Americans"]}
# Seats of government that stand for their country the way capitals do.
_SEATS = {"White House": "US", "Pentagon": "US", "Kremlin": "Russia", "Downing Street": "UK",
          "Elysee": "France", "Élysée": "France", "Zhongnanhai": "China"}
# International bodies: canonical short name -> the forms texts use.
_BODIES = {
    "UN": ["United Nations", "U.N.", "UN", "UN Security Council", "United Nations Security Council",
           "UN General Assembly", "UN Secretary-General", "UNSC"],
    "EU": ["European Union", "E.U.", "EU", "European Commission", "European Council"],
    "NATO": ["NATO", "North Atlantic Treaty Organization", "Nato"],
    "African Union": ["African Union", "AU"],
    "ASEAN": ["ASEAN", "Association of Southeast Asian Nations"],
    "OIC": ["OIC", "Organisation of Islamic Cooperation", "Organization of Islamic Cooperation"],
    "SCO": ["SCO", "Shanghai Cooperation Organisation", "Shanghai Cooperation Organization"],
    "IMF": ["IMF", "International Monetary Fund"],
    "World Bank": ["World Bank"],
    "WTO": ["WTO", "World Trade Organization"],
    "WHO": ["World Health Organization", "World Health Organisation"],
    "IAEA": ["IAEA", "International Atomic Energy Agency"],
    "ICRC": ["ICRC", "International Committee of the Red Cross", "Red Cross"],
    "G7": ["G7", "G-7", "Group of Seven"],
    "G20": ["G20", "G-20", "Group of 20"],
    "Gulf Cooperation Council": ["GCC", "Gulf Cooperation Council"],
    "Arab League": ["Arab League", "League of Arab States"],
}
# ISO codes under which the package holds two entries, and the name news uses today.
_PREFERRED = {"MMR": "Myanmar", "GBR": "United Kingdom", "PSE": "Palestine", "VAT": "Vatican City State"}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@lru_cache(maxsize=65_536)  # the comparison asks about the same few thousand words hundreds of thousands of times
def _key(text: str) -> str:
    """Lookup key: NFKC, straight apostrophes, no possessive, no leading 'the', single spaces, lower case."""
    t = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).strip()
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"(?:'s|s')$", lambda m: "s" if m.group(0) == "s'" else "", t)
    t = re.sub(r"^the ", "", t, flags=re.I)
    return t.lower().strip(" .,;:")


def _population(group: list[dict], name: str) -> int:
    return next((i.get("population") or 0 for i in group if i["name"] == name), 0)


def _plural(demonym: str) -> list[str]:
    d = demonym.strip()
    if re.search(r"(?:an|i|er|o|ite)$", d):
        return [d + "s"]
    return []


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from countryinfo import CountryInfo

    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    # The package holds a few countries twice under one ISO code (Myanmar/Burma, the UK/Wales, two Palestines):
    # one canonical name per code.
    by_code: dict[str, list[dict]] = {}
    for info in CountryInfo.all().values():
        if info.get("name"):
            code = (info.get("ISO") or {}).get("alpha3") or info["name"]
            by_code.setdefault(code, []).append(info)
    canon_of_code = {code: _PREFERRED.get(code) or min(
        (i["name"] for i in group), key=lambda n: ("," in n or "(" in n, -_population(group, n), n))
        for code, group in by_code.items()}
    # Where two countries claim one form ("Indian": India and British Indian Ocean Territory; "American": the US
    # and American Samoa), the most populous keeps it: that is the reading news means.
    entries = sorted(((code, i) for code, group in by_code.items() for i in group),
                     key=lambda ci: (-(ci[1].get("population") or 0), ci[1]["name"]))
    for code, info in entries:
        name = info["name"]
        canon = _SHORT.get(canon_of_code[code], canon_of_code[code])
        forms = [name, canon, *_EXTRA_NAMES.get(canon, [])]
        # Alternative spellings hold ISO codes too: keep three-letter-plus forms and the initials news uses
        # (two-letter codes such as IN, IT, NO are ordinary words).
        for alt in info.get("altSpellings") or []:
            if len(alt) > 3 or (alt.isupper() and alt in ("US", "UK", "UAE", "USA", "PRC", "DRC")):
                forms.append(alt)
        demonym = info.get("demonym") or ""
        for d in re.split(r",|/| or ", demonym):
            if d.strip():
                forms += [d.strip(), *_plural(d)]
        forms += _EXTRA_DEMONYMS.get(canon, [])
        for f in forms:
            names.setdefault(_key(f), canon)
        caps = info.get("capital") or []
        for cap in [caps] if isinstance(caps, str) else caps:  # a few countries list several capitals
            if cap and cap.strip():
                capitals.setdefault(_key(cap), canon)
                capitals.setdefault(_key(re.sub(r"\s+D\.?C\.?$", "", cap.strip())), canon)
    for seat, canon in _SEATS.items():
        capitals.setdefault(_key(seat), canon)
    bodies = {_key(f): canon for canon, forms in _BODIES.items() for f in forms}
    # "Chinese", "Korean" and the like are never capitals; a capital that is also a country name (Singapore,
    # Kuwait, Djibouti) is the country.
    for k in list(capitals):
        if k in names:
            del capitals[k]
    return names, capitals, bodies


def country_of(text: str | None) -> str | None:
    """The canonical country a name, short form or demonym denotes ("the U.S." -> "US", "Pakistani" ->
    "Pakistan"), else None. Capitals are not countries here: see ``capital_of``."""
    if not text:
        return None
    return _tables()[0].get(_key(text))


def capital_of(text: str | None) -> str | None:
    """The country whose capital or seat of government this is ("Islamabad" -> "Pakistan"), else None."""
    if not text:
        return None
    return _tables()[1].get(_key(text))


def body_of(text: str | None) -> str | None:
    """The canonical short name of an international body ("United Nations" -> "UN"), else None."""
    if not text:
        return None
    return _tables()[2].get(_key(text))


def canonical(side: str | None) -> str | None:
    """One spelling per side: a country or body name in any known form, in its canonical form; else unchanged."""
    if not side:
        return side
    return country_of(side) or body_of(side) or side


def is_place_name(text: str | None) -> bool:
    """True for a country or a capital (a place that can never be a person's surname in the gazetteer's eyes)."""
    return bool(text) and (country_of(text) is not None or capital_of(text) is not None)


@lru_cache(maxsize=1)
def _by_alpha2() -> dict[str, str]:
    from countryinfo import CountryInfo

    out: dict[str, str] = {}
    for info in CountryInfo.all().values():
        code = ((info.get("ISO") or {}).get("alpha2") or "").upper()
        if code and info.get("name"):
            out.setdefault(code, country_of(info["name"]) or info["name"])
    return out


def country_of_code(alpha2: str | None) -> str | None:
    """The canonical country for an ISO 3166 two-letter code ("PK" -> "Pakistan")."""
    return _by_alpha2().get((alpha2 or "").upper()) if alpha2 else None
