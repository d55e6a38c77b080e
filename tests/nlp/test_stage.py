import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.model import Article
from newsprism.nlp.stage import NlpStage
from newsprism.pipeline import check_order

PIECES = [
    "Vice-Premier He said that China hopes the US will work together with it.",
    "“We made very good progress on the technical details,” Bessent said.",
    "Li, who is also vice-minister of commerce, emphasized that China will \"under no circumstances",
    " seek any agreement\".", "According to the ministry, tariffs of 50% to 100% apply.", "\n", "\n\n", " ",
    "“", "”", "\"", "''", "he added.", "The talks lasted two days until Wednesday.", "Ünïcödé — ", "\t", "said",
    "US Treasury Secretary Scott Bessent", ", ", "'s", "(MENAFN)", "The ministry warned,",
]


def test_interface():
    st_ = NlpStage()
    assert st_.name == "nlp" and st_.scope == "article"
    assert st_.requires == frozenset({"text"})
    assert st_.assigns == frozenset({"entities", "quotes", "claims"})
    check_order([st_], frozenset({"text"}))
    assert isinstance(pickle.loads(pickle.dumps(st_)), NlpStage)


def _check_spans(a: Article) -> None:
    t = a.text
    for e in a.entities:
        for s, end in e.mentions:
            assert 0 <= s < end <= len(t)
    for q in a.quotes:
        assert t[q.start:q.end] == q.text and q.start < q.end
        for sp in (q.cue, q.speaker):
            if sp is not None:
                assert t[sp.start:sp.end] == sp.text
    for c in a.claims:
        assert t[c.start:c.end] == c.text
        if c.sentence:
            assert 0 <= c.sentence[0] <= c.start and c.end <= c.sentence[1] <= len(t)
    ids = [e.id for e in a.entities]
    assert len(ids) == len(set(ids))
    assert all(q.speaker_entity in ids for q in a.quotes if q.speaker_entity)


def test_empty_article():
    a = NlpStage()(Article(id="x", text="   "))
    assert a.entities == [] and a.quotes == [] and a.claims == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14), st.text(max_size=30))
def test_every_span_matches_the_text(analyse, parts, noise):
    text = "".join(parts) + noise
    _check_spans(NlpStage()(Article(id="p", text=text, published="2025-09-15")))


def test_seeds(analyse, seeds_dir, seed_body):
    speakers = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        a = NlpStage()(Article(id=path.stem, text=seed_body(path), published="2025-09-15"))
        _check_spans(a)
        speakers[path.stem[:3]] = {q.speaker_name: q for q in a.quotes if q.speaker_name}
    china_daily = speakers["000"]
    for name in ("He Lifeng", "Li Chenggang", "Wang Jingtao", "Wang Wen", "Chen Wenling"):
        assert name in china_daily, name
        assert china_daily[name].speaker_title and china_daily[name].speaker_affiliation == "China"
    menafn = speakers["003"]
    assert menafn["Scott Bessent"].speaker_title == "Treasury Secretary"
    assert menafn["Scott Bessent"].speaker_affiliation == "US"
    assert menafn["US Treasury Department"].speaker_affiliation == "US"
    assert menafn["China’s Commerce Ministry"].speaker_affiliation == "China"


def test_spacys_inner_batch_size_does_not_change_the_analysis(monkeypatch):
    """process_batch passes docs through spaCy a few at a time (memory), the parser and NER more at a time than the
    rest (CPU); batches of any sizes, equal or not, give the same."""
    import newsprism.nlp.stage as stage

    texts = ["The minister said on Tuesday that the port would reopen. “We are ready,” she added.",
             "Officials in Lagos told reporters that 40 people were hurt when the bridge fell.",
             "A spokesman for the company, Ana Ruiz, said profits rose 12% in March.",
             "Talks will resume next week, according to the foreign ministry."]

    def run(size: int, parse: int | None = None) -> list:
        monkeypatch.setattr(stage, "PIPE_BATCH", size)
        monkeypatch.setattr(stage, "PARSE_BATCH", size if parse is None else parse)
        arts = NlpStage().process_batch([Article(f"a{i}", text=t, published="2024-05-07") for i, t in
                                         enumerate(texts)])
        return [(a.entities, a.quotes, a.claims) for a in arts]

    whole = run(len(texts))
    assert any(q for _, q, _ in whole) and any(e for e, _, _ in whole), "the texts have quotes and entities"
    assert run(1) == whole and run(3) == whole
    # the parser and NER batched apart from the tok2vec they listen to (they read its output from doc.tensor)
    assert run(1, 3) == whole and run(2, 4) == whole


def test_a_worn_pipeline_is_loaded_afresh_with_the_same_results(monkeypatch):
    """After RELOAD_EVERY docs the process loads a new pipeline (its vocabulary starts small again); the analysis is
    the same as the worn pipeline's."""
    from newsprism.nlp import loading

    texts = ["Zorbanian officials said on Monday that Qelvix Ltd had paid 31.7 million drams.",
             "“Nothing was hidden,” Maribel Ostrowska-Quenby told reporters in Varnholt.",
             "Zorbanian officials said on Monday that Qelvix Ltd had paid 31.7 million drams."]

    def run() -> list:
        return [(a.entities, a.quotes, a.claims) for a in
                NlpStage().process_batch([Article(f"a{i}", text=t, published="2024-05-07") for i, t in
                                          enumerate(texts)])]

    monkeypatch.setattr(loading, "RELOAD_EVERY", 10**9)
    worn = run()
    first = loading.load_nlp()
    assert "Qelvix" in first.vocab.strings, "the pipeline kept the new word"
    monkeypatch.setattr(loading, "RELOAD_EVERY", 1)
    fresh = run()  # past the limit: this batch gets a new pipeline
    assert loading.load_nlp() is not first
    assert fresh == worn
