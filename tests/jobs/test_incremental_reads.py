"""A chunk reads what it touches: no stage or job step scans the stored articles or stories."""
from __future__ import annotations

import sys
from pathlib import Path

from newsprism.jobs import run_job
from newsprism.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jobs_corpus import corpus, memberships  # noqa: E402,F401 (corpus: a shared fixture)


def test_later_chunks_never_scan_the_archive(corpus, tmp_path, monkeypatch):
    folder, ids = corpus
    files = sorted(folder.glob("*.txt"))
    reference = open_store(tmp_path / "ref.db")
    run_job([str(f) for f in files], reference, chunk_size=4)
    store = open_store(tmp_path / "np.db")
    run_job([str(f) for f in files[:4]], store, chunk_size=4)
    scans = []

    def refuse(name):
        def scan(*args, **kwargs):
            if kwargs.get("story") is None:  # reading one story's members by the indexed column is a keyed read
                scans.append(name)
            return iter(())
        return scan
    # a new process (nothing in memory) goes on with the rest, chunk by chunk
    later = open_store(tmp_path / "np.db")
    monkeypatch.setattr(later, "iter_articles", refuse("iter_articles"))
    monkeypatch.setattr(later, "iter_stories", refuse("iter_stories"))
    result = run_job([str(f) for f in files], later, chunk_size=4)
    assert scans == [], f"full scans: {scans}"
    assert result.new == len(files) - 4 and result.chunks == 2
    monkeypatch.undo()
    # the same stories as one run over everything with the same chunks, and the same copies marked
    assert memberships(store.iter_stories()) == memberships(reference.iter_stories())
    dup = {a.id: (a.duplicate_of, a.duplicate_kind) for a in store.iter_articles()}
    assert dup == {a.id: (a.duplicate_of, a.duplicate_kind) for a in reference.iter_articles()}
    for s in (store, later, reference):
        s.close()
