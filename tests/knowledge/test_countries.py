"""The gazetteer answers for every country the package knows, and keeps names, capitals and bodies apart."""
import pytest

from newsprism.knowledge.countries import body_of, canonical, capital_of, country_of, is_place_name


@pytest.mark.parametrize("text, country", [
    ("the U.S.", "US"), ("America", "US"), ("Americans", "US"), ("British", "UK"), ("Pakistani", "Pakistan"),
    ("Pakistanis", "Pakistan"), ("India’s", "India"), ("Indian", "India"), ("Emirati", "UAE"),
    ("Sri Lankan", "Sri Lanka"), ("Kenyan", "Kenya"), ("Peruvians", "Peru"), ("Burma", "Myanmar"),
])
def test_country_names_and_demonyms(text, country):
    assert country_of(text) == country


def test_capitals_are_not_countries_but_know_their_country():
    assert country_of("Islamabad") is None and capital_of("Islamabad") == "Pakistan"
    assert capital_of("Washington") == "US" and capital_of("the Kremlin") == "Russia"
    assert capital_of("Nairobi") == "Kenya"


def test_two_letter_codes_that_are_words_are_not_countries():
    for word in ("IN", "IT", "NO", "ME", "TO", "AS"):
        assert country_of(word) is None


def test_bodies_and_canonical_forms():
    assert body_of("United Nations") == "UN" and body_of("U.N.") == "UN"
    assert canonical("United States") == "US" and canonical("European Union") == "EU"
    assert canonical("Atlantis") == "Atlantis"
    assert is_place_name("Madrid") and not is_place_name("Bessent")
