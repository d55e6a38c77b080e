from newsprism.nlp.actors import canonical_key, same_actor


def test_canonical_key_drops_titles_and_articles():
    assert canonical_key("US Treasury Secretary Scott Bessent") == "scott bessent"
    assert canonical_key("Chinese Vice-Premier He Lifeng") == "he lifeng"
    assert canonical_key("the Ministry of Commerce") == "ministry of commerce"


def test_same_actor_across_articles():
    assert same_actor("US Treasury Secretary Scott Bessent", "Bessent")
    assert same_actor("Scott Bessent", "Mr. Bessent")
    assert same_actor("Li Chenggang", "Li")  # surname first
    assert same_actor("Vice-Premier He", "He Lifeng")
    assert not same_actor("Wang Wen", "Wang Jingtao")
    assert not same_actor("He Lifeng", "he")
    assert not same_actor("China", "China Daily")
