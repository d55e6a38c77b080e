"""The actor book: the user's file (YAML, CSV) wins over what was learned; the store keeps what was learned."""
from __future__ import annotations

from newsprism.compare.actors import StoryActors
from newsprism.knowledge import actors as book_mod
from newsprism.knowledge.actors import ActorBook, ActorRecord, independent_role, read_user_file, side_of_org
from newsprism.model import Article, Quote, Span


def test_media_and_bodies_have_sides_and_reporting_roles_none():
    assert side_of_org("TASS") == "Russia" and side_of_org("the Xinhua") is None or side_of_org("Xinhua") == "China"
    assert side_of_org("United Nations") == "UN"
    assert side_of_org("Ministry of Magic") is None
    assert independent_role("senior analyst") and independent_role("Al Jazeera")
    assert not independent_role("Defence Minister")


def test_user_file_yaml_and_csv(tmp_path, monkeypatch):
    y = tmp_path / "actors.yaml"
    y.write_text("- name: Jamieson Greer\n  side: U.S.\n  title: Trade Representative\n  variants: [Greer]\n")
    c = tmp_path / "actors.csv"
    c.write_text("name,side,title,type,variants\nHoward Lutnick,United States,Commerce Secretary,PERSON,Lutnick\n")
    recs = read_user_file(y) + read_user_file(c)
    assert [(r.name, r.side, r.pinned) for r in recs] == [("Jamieson Greer", "US", True), ("Howard Lutnick", "US", True)]
    monkeypatch.setenv("NEWSPRISM_ACTORS", str(y))
    text = "Jamison Greer said the round ended."
    art = Article(id="a1", outlet="X", text=text)
    art.quotes.append(Quote(text.index("the round"), len(text) - 1, "the round ended", "indirect",
                            speaker=Span(0, 13, "Jamison Greer"), speaker_name="Jamison Greer",
                            speaker_type="PERSON", speaker_affiliation="Canada"))
    StoryActors().resolve({"a1": art}, ["a1"])
    q = art.quotes[0]
    assert (q.speaker_name, q.speaker_affiliation, q.speaker_title) == ("Jamieson Greer", "US", "Trade Representative")


def test_learned_actors_go_through_the_store(tmp_path):
    from newsprism.store.sql import SqlStore

    # this process's book starts empty: an earlier test's run leaves the book of its own store behind
    book_mod._BOOK = None
    book_mod._LEARNED.clear()
    store = SqlStore(f"sqlite:///{tmp_path / 'np.db'}")
    text = "Scott Bessent, the US Treasury Secretary, said talks went well."
    art = Article(id="a1", outlet="X", text=text)
    art.quotes.append(Quote(text.index("talks"), len(text) - 1, "talks went well", "indirect",
                            speaker=Span(0, 13, "Scott Bessent"), speaker_name="Scott Bessent", speaker_type="PERSON",
                            speaker_title="Treasury Secretary", speaker_affiliation="US"))
    actors = StoryActors(ActorBook()).resolve({"a1": art}, ["a1"])
    try:
        assert book_mod.remember(store, actors) == 1
        rows = list(store.iter_actors())
        assert rows[0]["name"] == "Scott Bessent" and rows[0]["side"] == "US"
        assert rows[0]["titles"] == {"Treasury Secretary": ["a1"]}
        assert rows[0]["quotes"] == [{"article": "a1", "start": text.index("talks"), "end": len(text) - 1}]
        book_mod._LEARNED.clear()
        assert book_mod.recall(store) == 1
        # a later story whose article gives no side still gets one
        other = Article(id="b1", outlet="Y", text="Bessent said no.")
        other.quotes.append(Quote(13, 15, "no", "indirect", speaker=Span(0, 7, "Bessent"), speaker_name="Scott Bessent",
                                  speaker_type="PERSON"))
        StoryActors().resolve({"b1": other}, ["b1"])
        assert other.quotes[0].speaker_affiliation == "US"
    finally:
        book_mod._LEARNED.clear()
        store.close()
    assert ActorRecord.from_dict(rows[0]).variants == []
