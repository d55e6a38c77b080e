"""``jobs._StoryView.read_ahead``: stories read in one go enter the view (and are remembered as read) only when first
asked for, so a stage that reads ahead leaves the view's order, and what the chunk writes back, as they were."""
from newsprism.jobs import _StoryView
from newsprism.model import Story


class _Stored:
    def __init__(self, ids):
        self.stories = {i: Story(id=i, title=f"title of {i}") for i in ids}
        self.reads: list[list[str]] = []

    def __call__(self, ids):
        self.reads.append(list(ids))
        return {i: Story.from_record(self.stories[i].to_record()) for i in ids if i in self.stories}


def test_read_ahead_hands_out_in_the_order_asked_for():
    stored = _Stored(["a", "b", "c"])
    remembered = []
    view = _StoryView(stored, lambda key, st: remembered.append(key))
    view.read_ahead(["c", "a", "x", "b"])
    assert stored.reads == [["a", "b", "c", "x"]]
    assert list(view) == [] and remembered == []  # nothing handed out yet
    assert view["b"].title == "title of b"
    view["new"] = Story(id="new")
    assert "x" not in view and view.get("a") is not None
    assert list(view) == ["b", "new", "a"] and remembered == ["b", "a"]
    assert stored.reads == [["a", "b", "c", "x"]]  # every one of them came from the read ahead


def test_a_story_set_before_it_is_asked_for_is_not_remembered_as_read():
    stored = _Stored(["a"])
    remembered = []
    view = _StoryView(stored, lambda key, st: remembered.append(key))
    view.read_ahead(["a"])
    view["a"] = Story(id="a", title="rebuilt")
    assert view["a"].title == "rebuilt" and remembered == []
    del view["a"]
    assert "a" not in view and list(view) == []


def test_without_read_ahead_each_story_is_read_when_asked_for():
    stored = _Stored(["a", "b"])
    view = _StoryView(stored)
    assert "b" in view and "a" in view and "z" not in view
    assert stored.reads == [["b"], ["a"], ["z"]]
