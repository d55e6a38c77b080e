"""Story-level actor resolution and voices, on hand-built articles (no spaCy): one actor per person across a story,
sides by majority over its mentions, speech only, anonymous sources apart."""
from __future__ import annotations

from newsprism.compare.actors import StoryActors, same_org, same_person, split_conjoined, _person_words
from newsprism.compare.voices import story_voices, voices
from newsprism.knowledge.actors import ActorBook, ActorRecord
from newsprism.model import Article, Quote, Span


def _art(aid: str, text: str, quotes: list[tuple[str, str, dict]]) -> Article:
    a = Article(id=aid, outlet=aid.upper(), text=text)
    for content, speaker, kw in quotes:
        s = text.index(content)
        sp = text.index(speaker) if speaker in text else None
        a.quotes.append(Quote(s, s + len(content), content, kw.pop("kind", "indirect"),
                              speaker=Span(sp, sp + len(speaker), speaker) if sp is not None else None,
                              speaker_name=kw.pop("name", speaker), **kw))
    return a


def test_full_name_and_surname_are_one_actor_across_articles():
    a = _art("a1", "Donald Trump said tariffs would stay.", [("tariffs would stay", "Donald Trump",
                                                             {"speaker_type": "PERSON", "speaker_affiliation": "US"})])
    b = _art("a2", "Trump said the deal was close.", [("the deal was close", "Trump", {"speaker_type": "PERSON"})])
    sp, share, _ = voices({"a1": a, "a2": b}, {"a1": "One", "a2": "Two"})
    assert sp["Two"][0]["speaker_name"] == "Donald Trump" and sp["Two"][0]["affiliation"] == "US"
    assert b.quotes[0].speaker_name == "Donald Trump" and b.quotes[0].speaker_affiliation == "US"  # written back


def test_title_words_in_front_and_spelling_variants_join_the_person():
    assert same_person(_person_words("Treasury Scott Bessent"), _person_words("Scott Bessent"))
    assert same_person(_person_words("Jamison Greer"), _person_words("Jamieson Greer"))
    assert same_person(_person_words("Ahmad Sharif"), _person_words("Ahmed Sharif Chaudhry"))
    assert not same_person(_person_words("Shehbaz Sharif"), _person_words("Ahmed Sharif Chaudhry"))
    assert not same_person(_person_words("Scott Bessent"), _person_words("Scott Morrison"))


def test_conjoined_speakers_are_split_but_body_names_are_not():
    assert split_conjoined("Bessent, Greer") == ["Bessent", "Greer"]
    assert split_conjoined("Rubio and Vance") == ["Rubio", "Vance"]
    assert split_conjoined("Ministry of Commerce and Industry") == ["Ministry of Commerce and Industry"]


def test_conjoined_mention_credits_both_people():
    text = ("Treasury Secretary Scott Bessent spoke first. Trade envoy Jamieson Greer followed. "
            "Bessent, Greer said talks went well.")
    a = _art("a1", text, [("spoke first", "Scott Bessent", {"speaker_type": "PERSON", "speaker_affiliation": "US"}),
                          ("followed", "Jamieson Greer", {"speaker_type": "PERSON", "speaker_affiliation": "US"}),
                          ("talks went well", "Bessent, Greer", {"speaker_type": "PERSON"})])
    actors = StoryActors(ActorBook()).resolve({"a1": a}, ["a1"])
    names = sorted(x.name for x in actors)
    assert names == ["Jamieson Greer", "Scott Bessent"]
    assert all(len(x.quotes) == 2 for x in actors)


def test_side_by_majority_over_the_story_not_one_article():
    mk = lambda i, side: _art(f"a{i}", "Scott Bessent said the talks were constructive.",  # noqa: E731
                              [("the talks were constructive", "Scott Bessent",
                                {"speaker_type": "PERSON", "speaker_affiliation": side})])
    arts = {"a1": mk(1, "US"), "a2": mk(2, "US"), "a3": mk(3, "Spain")}
    sp, _, _ = voices(arts, {k: k for k in arts})
    assert {r["affiliation"] for o in sp.values() for r in o} == {"US"}


def test_acronym_and_slip_join_an_organisation_and_people_take_its_side():
    assert same_org("ISPR", "Inter-Services Public Relations")
    assert same_org("Internal Services Public Relations", "Inter-Services Public Relations")
    assert not same_org("Foreign Ministry", "Defence Ministry")
    text = "Inter-Services Public Relations said it. ISPR chief Ahmed Khan said more."
    a = _art("a1", text, [("it", "Inter-Services Public Relations", {"speaker_type": "ORG",
                                                                     "speaker_affiliation": "Pakistan"}),
                          ("more", "Ahmed Khan", {"speaker_type": "PERSON", "speaker_title": "ISPR chief"})])
    StoryActors(ActorBook()).resolve({"a1": a}, ["a1"])
    assert a.quotes[1].speaker_affiliation == "Pakistan"


def test_only_speech_counts_and_anonymous_sources_are_apart():
    text = "The minister said prices would fall. She aims to cut costs. Officials said it was late."
    a = _art("a1", text, [("prices would fall", "The minister", {"name": "Mary Poppel", "speaker_type": "PERSON"}),
                          ("to cut costs", "She", {"name": "Mary Poppel", "speaker_type": "PERSON",
                                                  "act": "intention"}),
                          ("it was late", "Officials", {"speaker_type": "anonymous"})])
    sp, share, unattr, anon, _ = story_voices({"a1": a}, {"a1": "X"})
    assert [r["quotes"] for r in sp["X"]] == [1]
    assert anon["X"][0]["description"] == "Officials" and "Officials" not in [r["speaker_name"] for r in sp["X"]]
    assert sum(share["X"].values()) > 0.99


def test_reporter_of_an_outlet_is_independent_and_an_analyst_too():
    text = "Al Jazeera's Kamal Hyder said roads were shut. The analyst Maria Olsen said risks were real."
    a = _art("a1", text, [("roads were shut", "Al Jazeera's Kamal Hyder", {"speaker_type": "ORG"}),
                          ("risks were real", "Maria Olsen", {"speaker_type": "PERSON",
                                                             "speaker_title": "South Asia analyst"})])
    StoryActors(ActorBook()).resolve({"a1": a}, ["a1"])
    assert a.quotes[0].speaker_name == "Kamal Hyder" and a.quotes[0].speaker_affiliation == "independent"
    assert a.quotes[1].speaker_affiliation == "independent"


def test_the_book_fills_a_side_no_article_gives_and_the_users_record_wins():
    a = _art("a1", "Scott Bessent said so.", [("so", "Scott Bessent", {"speaker_type": "PERSON"})])
    learned = ActorRecord("Scott Bessent", "PERSON", "US", "Treasury Secretary", ["Bessent"],
                          {"Treasury Secretary": ["old1"]})
    StoryActors(ActorBook([learned])).resolve({"a1": a}, ["a1"])
    assert a.quotes[0].speaker_affiliation == "US" and a.quotes[0].speaker_title == "Treasury Secretary"
    b = _art("a2", "Scott Bessent said so.", [("so", "Scott Bessent", {"speaker_type": "PERSON",
                                                                     "speaker_affiliation": "UK"})])
    user = ActorRecord("Scott Bessent", "PERSON", "US", None, [], {}, pinned=True)
    StoryActors(ActorBook([user])).resolve({"a2": b}, ["a2"])
    assert b.quotes[0].speaker_affiliation == "US"
