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
