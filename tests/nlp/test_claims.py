def _claims(analyse, text, published=None):
    return {c.text: c for c in analyse(text, published)._.claims}


def test_percent_range_with_what_it_measures(analyse):
    text = ("The ministry reacted to calls from the US for G7 and NATO countries to impose tariffs of 50% to 100% on "
            "Chinese imports linked to Russian oil purchases.")
    c = _claims(analyse, text)["50% to 100%"]
    assert c.kind == "percent" and c.value == [50, 100] and c.unit == "%"
    assert c.about.startswith("tariffs") and "Chinese imports" in c.about
    assert text[c.sentence[0]:c.sentence[1]].startswith("The ministry")


def test_durations_and_dates_against_publication(analyse):
    text = ("China and the United States reached a consensus after two days of talks in Madrid, starting on Sunday. "
            "The negotiations are scheduled to continue over four days until Wednesday.")
    cs = _claims(analyse, text, "2025-09-15")
    assert cs["two days"].kind == "duration" and cs["two days"].normalized == "P2D"
    assert "talks" in cs["two days"].about
    assert cs["four days"].normalized == "P4D"
    assert cs["Sunday"].kind == "date" and cs["Sunday"].normalized == "2025-09-14"
    assert cs["Madrid"].kind == "place"


def test_commitment(analyse):
    text = ("However, Beijing has made it clear that it will not pursue any deal that compromises China's core "
            "principles. The Chinese government fully respects the will of enterprises.")
    cs = [c for c in analyse(text)._.claims if c.kind == "commitment"]
    assert len(cs) == 1 and cs[0].text.startswith("will not pursue any deal") and cs[0].normalized == "negative"


def test_dates_ahead_and_on_the_day(analyse):
    text = ("US Treasury Secretary Scott Bessent announced Monday that a tariff truce on Chinese imports was extended "
            "through November. The negotiations are scheduled to continue over four days until Wednesday.")
    cs = _claims(analyse, text, "2025-09-15")  # a Monday
    assert cs["Monday"].normalized == "2025-09-15"
    assert cs["November"].normalized == "2025-11"
    assert cs["Wednesday"].normalized == "2025-09-17"


def test_value_slots_from_the_parse(analyse):
    text = ("The rebels said they shot down four army helicopters and one drone on Monday. "
            "Seven miners were killed by a gas explosion, according to the mine operator.")
    cs = _claims(analyse, text)
    heli = cs["four"].slot
    assert heli["predicate"] == "shoot down" and heli["head"] == "helicopter" and heli["attributed_to"] == "The rebels"
    assert cs["four"].unit == "helicopter"  # the counted noun, not the next word ("army")
    assert cs["one"].slot["head"] == "drone" and cs["one"].slot["predicate"] == "shoot down"
    miners = cs["Seven"].slot
    assert miners["predicate"] == "kill" and miners["head"] == "miner"
    assert miners["agent"] == "a gas explosion" and miners["attributed_to"] == "the mine operator"


def test_duration_slot_is_what_it_measures(analyse):
    cs = _claims(analyse, "The negotiations are scheduled to continue over four days until Wednesday.", "2025-09-15")
    assert cs["four days"].slot["head"] == "negotiation"


def test_value_slot_places_and_agent_apart(analyse):
    cs = _claims(analyse, "Four villagers were killed by Ruritanian shelling of the Eastern Valley.")
    slot = cs["Four"].slot
    assert slot["agent"] == "Ruritanian shelling"  # who did it, without where
    assert slot["place"] == ["the Eastern Valley"]
    # a place the tagger takes for a person or an organisation is a place when the gazetteer knows it
    assert _claims(analyse, "Police said 30 protesters were arrested in Lyon on Tuesday.")["30"].slot["place"] == ["Lyon"]
    # dates are not places, and the thing struck is where the toll happened
    cs = _claims(analyse, "A truck bomb hit the Grand Mosque in the city of Kano, killing 15 worshippers.")
    assert "Kano" in cs["15"].slot["place"] and not any("Tuesday" in p for p in cs["15"].slot["place"])
    assert _claims(analyse, "Nine people died due to heavy flooding.")["Nine"].slot["agent"] == "heavy flooding"


def test_the_governing_verb_beats_a_relative_clause(analyse):
    slot = _claims(analyse, "The army struck seven depots that served as supply hubs.")["seven"].slot
    assert slot["predicate"] == "strike" and slot["head"] == "depot"


def test_a_part_of_a_counted_whole_counts_the_whole(analyse):
    text = "The rebels said they downed six helicopters, including two of the army's new gunships."
    assert _claims(analyse, text)["two"].slot["head"] == "gunship"


def test_a_singular_noun_a_verb_acts_on_counts_one(analyse):
    cs = _claims(analyse, "The rocket hit a school in the valley, killing a boy and wounding three others.")
    one = cs["a boy"]
    assert one.kind == "number" and one.value == 1
    assert one.slot["predicate"] == "kill" and one.slot["head"] == "boy" and one.slot["singular"]
    # a noun inside a phrase that counts something else is a part of that count, not a count of its own
    cs = _claims(analyse, "The blast killed 11 villagers including a boy.")
    assert "a boy" not in cs and cs["11"].slot["head"] == "villager"
    # coordinated nouns are no count of one, nor a predicate noun
    assert "a man" not in _claims(analyse, "The crash injured a man and two women.")
    assert not any(c.slot and c.slot.get("singular")
                   for c in analyse("The decision was a mistake, she said.")._.claims)
