"""Control characters and over-long texts, at the clean stage."""
from __future__ import annotations

from newsprism.clean.stage import CleanStage
from newsprism.model import Article

TEXT = "The ferry\x00 resumed service on Friday.\x07 Tickets cost\x0c four euros."


def test_control_characters_are_removed_and_recorded():
    a = CleanStage()(Article("a", source="/in/a.txt", raw=TEXT, title="Ferry\x00 back"))
    assert a.ok and "\x00" not in a.text and "\x07" not in a.text
    assert "The ferry resumed service on Friday." in a.text
    assert a.title == "Ferry back"
    assert "3 control characters" in a.removals[0].what and "U+0000" in a.removals[0].what


def test_verbatim_keeps_offsets_by_turning_controls_into_spaces():
    a = CleanStage(verbatim=True)(Article("a", source="/in/a.txt", raw=TEXT))
    assert len(a.text) == len(TEXT) and "\x00" not in a.text
    assert a.text.index("resumed") == TEXT.index("resumed")


def test_a_text_over_the_limit_is_refused_with_a_clear_error():
    long = "Rain fell on the valley again today. " * 200
    a = CleanStage(max_chars=1000)(Article("a", source="/in/long.txt", raw=long))
    assert not a.ok and "over the limit of 1,000" in a.errors[0] and "/in/long.txt" in a.errors[0]
    towns = ["Arlen", "Bosk", "Carrow", "Dunmere", "Elby", "Fenwick", "Garth", "Holm", "Ivel", "Jessop"]
    pars = "".join(f"<p>In {t}, the river rose {k} centimetres overnight and {k + 3} families left their homes "
                   f"before the bridge at {u} was closed.</p>" for k, (t, u) in enumerate(zip(towns, towns[::-1])))
    html = f"<html><body><article>{pars}</article></body></html>"
    b = CleanStage(max_chars=1000)(Article("b", source="/in/long.html", raw=html, raw_kind="html"))
    assert not b.ok and "over the limit" in b.errors[0] and b.text == ""
    c = CleanStage(max_chars=1000)(Article("c", source="/in/short.txt", raw="Rain fell on the valley again today."))
    assert c.ok
