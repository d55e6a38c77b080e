"""The README documents the comparison schema the compare stage produces (keys may be added, never renamed)."""
import re
from pathlib import Path

from newsprism.compare import compare_story
from newsprism.model import Article, Story

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_names_every_top_level_comparison_key():
    text = "Officials met in Madrid on Sunday for two days of talks."
    arts = {i: Article(i, outlet=o, text=text, content_hash=i) for i, o in (("a", "One"), ("b", "Two"))}
    comp = compare_story(Story("s", articles=list(arts)), arts)
    section = README.split("### The comparison of a story", 1)[1].split("\n## ", 1)[0]
    for key in comp:
        assert re.search(rf'"{re.escape(key)}"', section), f"README does not document comparison key {key!r}"
