"""The clean stage: contract, metadata, verbatim, errors, and the seed 003 copy coming out clean."""
from __future__ import annotations

import pickle
from pathlib import Path

from newsprism.clean.stage import CleanStage
from newsprism.ingest import read_inputs
from newsprism.model import Article
from newsprism.pipeline import check_order

FIXTURES = Path(__file__).parents[1] / "fixtures"  # shared with tests/ingest


def test_stage_contract_and_pickling():
    st = CleanStage()
    assert (st.name, st.scope) == ("clean", "article")
    assert st.requires == frozenset({"raw", "raw_kind"})
    assert st.assigns == frozenset({"text", "removals", "credit", "language", "title", "outlet", "published",
                                    "author"})
    check_order([st])
    clone = pickle.loads(pickle.dumps(CleanStage(verbatim=True)))
    assert clone.verbatim is True


def test_html_metadata_and_text():
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    a = CleanStage()(Article(id="x", raw=html, raw_kind="html"))
    assert a.ok
    assert a.title == "Harbour council approves new flood wall"
    assert a.outlet == "Coastal Gazette" and a.author == "Maria Lind" and a.language == "en"
    assert a.published == "2024-03-05"  # from the article's markup, not the script or the related widget
    assert "1,200 homes" in a.text and "Storm closes ferry line" not in a.text and "Copyright" not in a.text
    assert "Home" not in a.text.split("\n")


def test_outlet_falls_back_to_domain_and_given_metadata_wins():
    html = "<html><body><article>" + "".join(
        f"<p>Paragraph {i} of a plain page without any site name, long enough to be the main text.</p>"
        for i in range(6)) + "</article></body></html>"
    a = CleanStage()(Article(id="x", raw=html, raw_kind="html", url="https://www.plainnews.example/a/1"))
    assert a.outlet == "plainnews.example"
    b = CleanStage()(Article(id="y", raw=html, raw_kind="html", url="https://www.plainnews.example/a/1",
                             outlet="Given Outlet", title="Given title"))
    assert (b.outlet, b.title) == ("Given Outlet", "Given title")


def test_verbatim_text_is_the_input_exactly():
    raw = "  Title\r\n\r\n(AP) \u2014 Body text.\u00a0 Repeated.\nBody text.\u00a0 Repeated.\n"
    a = CleanStage(verbatim=True)(Article(id="v", raw=raw, raw_kind="text"))
    assert a.text == raw and a.removals == [] and a.verbatim


def test_verbatim_html_is_extracted_but_not_cleaned():
    para = "<p>" + "The same long paragraph of the article body that a scraper captured twice. " * 4 + "</p>"
    html = f"<html><body><article>{para * 3}<p>Legal Disclaimer:</p><p>No responsibility taken.</p></article>" \
           "</body></html>"
    raw = CleanStage(verbatim=True)(Article(id="h", raw=html, raw_kind="html"))
    clean = CleanStage()(Article(id="h", raw=html, raw_kind="html"))
    assert "<p>" not in raw.text and raw.removals == []
    assert len(clean.text) < len(raw.text)


def test_page_without_text_gets_an_error():
    a = CleanStage()(Article(id="e", source="e.html", raw="<html><head><script>var x = 1;</script></head><body></body></html>",
                             raw_kind="html"))
    assert not a.ok and "e.html" in a.errors[0]


def test_seed_003_comes_out_clean(seeds_dir: Path):
    (path,) = sorted(seeds_dir.glob("003_*.txt"))
    (art,) = list(read_inputs([str(path)]))
    a = CleanStage()(art)
    assert a.ok
    assert a.text.count("very aggressive ask") == 1
    for junk in ("Legal Disclaimer", "Most popular stories", "No comment", "(MENAFN)", "Kosher Food"):
        assert junk not in a.text, junk
    assert a.credit == "MENAFN"
    assert a.title == "U.S., China on Verge of Reaching TikTok Deal"
    assert a.text.startswith("China and the United States are reportedly")
    assert a.text.rstrip().endswith("legitimate rights and interests.\"")
    whys = {r.why for r in a.removals}
    assert {"repeated run of paragraphs", "credit line (kept as metadata)"} <= whys
    assert any(w.startswith("page furniture") for w in whys)


def test_seed_000_keeps_its_body(seeds_dir: Path):
    (path,) = sorted(seeds_dir.glob("000_*.txt"))
    (art,) = list(read_inputs([str(path)]))
    a = CleanStage()(art)
    raw_words = len(art.raw.split())
    assert a.ok and len(a.text.split()) >= raw_words - 20 and a.credit is None


def test_candidate_extractions_leave_the_parsed_tree_as_it_was():
    """The candidates share one parsed tree (trafilatura copies a tree it is handed); none may change it."""
    from lxml import etree
    from trafilatura.utils import load_html

    from newsprism.clean.extract import choose_text

    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    tree = load_html(html)
    before = etree.tostring(tree)
    for effort in ("best", "fast"):
        assert choose_text(tree, "https://example.org/a", effort)
        assert etree.tostring(tree) == before
