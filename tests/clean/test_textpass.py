"""newsprism's text pass: repeats, furniture, credits, normalisation; each removal recorded."""
from __future__ import annotations

from newsprism.clean.textpass import clean_text, normalise

PROSE = [
    "The harbour council voted on Tuesday to build a two-kilometre flood wall along the old quay, ending a debate.",
    "Council leader Anna Berg said the wall would protect about 1,200 homes from storm surges in the lower town.",
    "Opponents argued that the wall would cut the town off from the water and harm the fishing businesses there.",
    "Construction is expected to start in the autumn and to cost 48 million crowns, most of it from the state.",
]


def test_normalise_nfc_and_whitespace():
    assert normalise("Cafe\u0301\u00a0 au\tlait \u200b\r\n\r\n\r\n  Next  line  ") == "Caf\u00e9 au lait\n\nNext line"


def test_repeated_body_is_dropped_once_and_reported():
    text = "\n".join(PROSE + PROSE)
    out = clean_text(text)
    assert out.text == "\n".join(PROSE)
    assert [r.why for r in out.removals] == ["repeated run of paragraphs"]


def test_writing_repeats_are_kept():
    text = "\n".join(["Q: What inspired you?", "A: My grandmother's kitchen and her recipes.",
                      "Q: What inspired you?", "A: Travel, mostly, and the markets of Lisbon.",
                      "1 cup rice", "2 eggs", "1 cup rice", "2 eggs", "1 cup rice", "2 eggs"])
    out = clean_text(text)
    assert out.text == text and out.removals == []


def test_long_single_paragraph_repeat_is_dropped():
    long = " ".join(PROSE)
    out = clean_text("\n".join([long, PROSE[0], long]))
    assert out.text == "\n".join([long, PROSE[0]])
    assert out.removals[0].why == "repeated paragraph"


def test_trailing_furniture_and_boilerplate_lines():
    text = "\n".join(PROSE[:2] + ["Advertisement", "Share on Facebook"] + PROSE[2:] + [
        "Related", "- Storm closes ferry line", "- Quay market reopens", "Comments", "No comment"])
    out = clean_text(text)
    assert out.text == "\n".join(PROSE)
    whys = [r.why for r in out.removals]
    assert whys.count("boilerplate line") == 2 and any(w.startswith("page furniture") for w in whys)


def test_legal_disclaimer_is_cut_even_as_prose():
    text = "\n".join(PROSE + ["Legal Disclaimer:", "We do not accept any responsibility for the accuracy of the "
                                                   "information contained in this article, as provided."])
    assert clean_text(text).text == "\n".join(PROSE)


def test_marker_inside_the_article_is_kept():
    text = "\n".join([PROSE[0], "Related:", PROSE[1], PROSE[2], PROSE[3]])
    assert clean_text(text).text == text


def test_credit_lines_become_metadata():
    out = clean_text("\n".join(["WASHINGTON (AP) \u2014 " + PROSE[0]] + PROSE[1:]))
    assert out.credit == "AP" and out.text.startswith("WASHINGTON \u2014 The harbour council")
    out = clean_text("\n".join(["(MENAFN) " + PROSE[0]] + PROSE[1:]))
    assert out.credit == "MENAFN" and out.text.startswith("The harbour council")
    out = clean_text("\n".join(["Reuters \u2014 " + PROSE[0]] + PROSE[1:] + ["(Reporting by Jo Doe; Editing by "
                                                                            "Al Roe)"]))
    assert out.credit == "Reuters" and "Reporting by" not in out.text and out.text.startswith("The harbour")
    assert all(r.why == "credit line (kept as metadata)" for r in out.removals)


def test_title_line_of_a_text_input():
    out = clean_text("\n".join(["Harbour council approves flood wall"] + PROSE), from_text_input=True)
    assert out.title == "Harbour council approves flood wall" and out.text == "\n".join(PROSE)
    out = clean_text("\n".join(["Harbour council approves flood wall"] + PROSE), title="Harbour Council Approves "
                                                                                     "Flood Wall")
    assert out.text == "\n".join(PROSE) and out.title is None


def test_plain_text_is_left_alone():
    text = "\n\n".join(PROSE)
    out = clean_text(text)
    assert out.text == text and out.removals == [] and out.credit is None


def test_mojibake_is_repaired_only_when_unmistakable():
    from newsprism.clean.textpass import fix_mojibake

    assert fix_mojibake("doesn\u00c3\u00a2\u00c2\u0080\u00c2\u0099t and caf\u00c3\u00a9") == "doesn\u2019t and caf\u00e9"
    assert fix_mojibake("WireGuard\u00c2\u00ae") == "WireGuard\u00ae"
    for fine in ("CAF\u00c9\u00bb", "na\u00efve \u00bfqu\u00e9?", "\u00abd\u00e9j\u00e0 vu\u00bb"):
        assert fix_mojibake(fine) == fine


from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_lines = st.lists(st.one_of(st.sampled_from(PROSE + ["Related", "Comments", "Advertisement", "(AP) \u2014 x", ""]),
                            st.text(max_size=80)), max_size=14)


@settings(max_examples=150, deadline=None)
@given(_lines)
@example(["\u00c2\t0"])  # a tab after "Â" used to become the space that ftfy repairs, but only on a second pass
def test_text_pass_never_raises_and_is_stable(lines):
    text = "\n".join(lines)
    out = clean_text(text)
    assert normalise(out.text) == out.text
    assert normalise(normalise(text)) == normalise(text)
    again = clean_text(out.text)
    assert len(again.text) <= len(out.text)


def test_page_header_metadata_and_form_messages():
    text = "\n".join(["By Maria Lind", "- 4 min read", "Table of Contents"] + PROSE + [
        "Oops! Something went wrong while submitting the form.", "\u00a9 2024 Coastal Gazette. All rights reserved."])
    out = clean_text(text)
    assert out.text == "\n".join(PROSE)
    assert {r.why for r in out.removals} == {"page metadata line", "boilerplate line"}


def test_windows_1252_mojibake_is_repaired_and_other_lines_keep_their_offsets():
    from newsprism.clean.textpass import fix_mojibake

    # UTF-8 read as Windows-1252: curly quotes and apostrophes become "â€™" / "â€œ" (the Latin-1 rule missed these)
    damaged = "Harbour notes\nThe mayor said: \u00e2\u20ac\u0153We won\u00e2\u20ac\u2122t wait.\u00e2\u20ac\u009d\n"
    assert fix_mojibake(damaged) == "Harbour notes\nThe mayor said: \u201cWe won\u2019t wait.\u201d\n"
    mixed = "Ch\u00e2teau d\u00e9j\u00e0 vu\nM\u00c3\u00bcnchen"
    assert fix_mojibake(mixed) == "Ch\u00e2teau d\u00e9j\u00e0 vu\nM\u00fcnchen"
