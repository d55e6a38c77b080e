"""A run keeps what it learned about actors in the store, and a later run starts from it."""
from pathlib import Path

from newsprism.jobs import run_job
from newsprism.knowledge import actors as actor_book
from newsprism.store import open_store

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def test_run_stores_the_actor_book_and_a_new_process_recalls_it(tmp_path):
    store = open_store(str(tmp_path / "np.db"))
    try:
        run_job([str(CORPUS)], store)
        stored = {r["name"]: r for r in store.iter_actors()}
        assert stored, "the run's comparisons resolved actors; the store keeps them"
        bessent = next(r for n, r in stored.items() if n.endswith("Bessent"))
        assert bessent["side"] == "US"
        assert bessent["quotes"], "an actor keeps its quotes across stories"
        actor_book._LEARNED.clear()  # as a fresh process would start
        assert actor_book.recall(store) == len(stored)
    finally:
        store.close()


def test_actor_page_payload_reads_the_actor_book(tmp_path):
    from newsprism.api.views import actor_page

    store = open_store(str(tmp_path / "np.db"))
    try:
        run_job([str(CORPUS)], store)
        rec = next(r for r in store.iter_actors() if r["name"].endswith("Bessent"))
        page = actor_page(store, rec["name"])
        assert page["source"] == "actor book and stories"
        assert page["side"] == "US" and page["quotes_total"] >= 1
        titled = [t for t in page["titles"] if t.get("articles")]
        assert titled, "each title the book learned links the articles that give it"
    finally:
        store.close()
