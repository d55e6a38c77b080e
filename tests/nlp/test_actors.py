SEED_000 = ("Top negotiators from Beijing and Washington, led respectively by Chinese Vice-Premier He Lifeng and US "
            "Treasury Secretary Scott Bessent, conducted \"candid, in-depth and constructive\" communication on economic "
            "and trade issues of common concern starting on Sunday.\n"
            "Vice-Premier He said that China hopes the US will work together with it to quickly remove the relevant "
            "restrictive measures against China.\n"
            "Addressing a news briefing on Monday, Li Chenggang, China's international trade representative with the "
            "Ministry of Commerce, said the two sides \"reached a preliminary framework consensus\".\n"
            "Li, who is also vice-minister of commerce, emphasized that China will \"under no circumstances seek any "
            "agreement at the expense of its principled stance\".")


def _by_name(doc):
    return {e.name: e for e in doc._.actors}


def test_titled_names_the_model_misses(analyse):
    doc = analyse(SEED_000)
    actors = _by_name(doc)
    he = actors["He Lifeng"]
    assert he.type == "PERSON" and he.title == "Vice-Premier" and he.affiliation == "China"
    # "Vice-Premier He" is a second mention of He Lifeng, not the pronoun
    start = SEED_000.index("Vice-Premier He said") + len("Vice-Premier ")
    assert (start, start + 2) in he.mentions
    bessent = actors["Scott Bessent"]
    assert bessent.title == "Treasury Secretary" and bessent.affiliation == "US"


def test_appositive_title_and_side(analyse):
    li = _by_name(analyse(SEED_000))["Li Chenggang"]
    assert li.title == "international trade representative with the Ministry of Commerce"
    assert li.affiliation == "China"
    assert len(li.mentions) == 2  # "Li, who is also ..." joins the full name


def test_mentions_match_text(analyse):
    doc = analyse(SEED_000)
    for e in doc._.actors:
        for s, t in e.mentions:
            assert 0 <= s < t <= len(SEED_000)


def test_org_referred_back_to(analyse):
    text = ("At the same time, China’s Commerce Ministry criticized the recent US-driven economic sanctions.\n"
            "Labeling these demands a \"classic example of unilateral bullying and economic coercion,\" the ministry "
            "warned, \"if any party undermines China's interests, China will take all necessary measures.\"")
    doc = analyse(text)
    ministry = _by_name(doc)["China’s Commerce Ministry"]
    assert ministry.affiliation == "China"
    assert any(text[s:e] == "the ministry" for s, e in ministry.mentions)
