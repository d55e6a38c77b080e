"""A job's committed articles wait in a temporary file and are read back one at a time."""
from newsprism.jobs import JobResult, _Kept, _KeptList
from newsprism.model import Article


def test_kept_articles_read_back_as_their_latest_version():
    kept = _Kept()
    kept["h1"] = Article("a1", text="first text", story="s1")
    kept["h2"] = Article("a2", text="second", errors=["nlp: failed"])
    kept["h1"] = Article("a1", text="first text, moved", story="s2")  # a later chunk moved it
    listed = _KeptList(["h1", "h2"], kept)
    assert len(listed) == 2
    assert [a.text for a in listed] == ["first text, moved", "second"]
    assert listed[0].story == "s2" and kept.story == {"h1": "s2"}
    assert listed[0] is not listed[0], "each read is a fresh copy: nothing is held"
    result = JobResult(articles=listed, stories=[])
    assert [a.id for a in result.failed] == ["a2"]
    kept["h2"] = Article("a2", text="second")  # processed again, now fine
    assert result.failed == [] and kept.failed == set()


def test_held_articles_are_the_objects_themselves_until_flushed():
    kept = _Kept()
    kept["h1"] = Article("a1", text="stored earlier")
    last = Article("a2", text="the last chunk's", story="s1")
    kept.hold("h2", last)
    assert kept["h2"] is last and "h2" in kept and kept.story == {"h2": "s1"}
    assert sorted(kept.keys()) == ["h1", "h2"]
    kept.flush()  # another chunk starts: the held one goes to disk
    assert kept["h2"] is not last and kept["h2"].text == "the last chunk's"
    kept.hold("h1", Article("a1", text="processed again", errors=["nlp: failed"]))
    assert kept["h1"].text == "processed again" and kept.failed == {"h1"}
    kept["h1"] = Article("a1", text="and again")  # a put replaces what is held
    kept.flush()
    assert kept["h1"].text == "and again" and kept.failed == set()
