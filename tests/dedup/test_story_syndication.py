"""Stories list their syndicated copies, origin first, through the default stage list."""
from newsprism.jobs import run_job
from newsprism.store import open_store

WIRE = ("(AP) — A magnitude 6.1 earthquake struck the northern coast on Tuesday morning, damaging roads and "
        "bridges in three towns. Officials said at least twelve people were injured and dozens of homes were "
        "destroyed. Rescue teams from the capital reached the area by evening, the interior ministry said. "
        "Schools will stay closed until Friday while engineers inspect the buildings, the governor told reporters.")


def test_a_wire_copy_is_listed_under_its_origin(tmp_path):
    (tmp_path / "ap.txt").write_text("---\noutlet: AP\npublished: 2024-03-05\n---\n" + WIRE)
    (tmp_path / "copy.txt").write_text("---\noutlet: Daily Gazette\npublished: 2024-03-06\n---\n" + WIRE +
                                       "\nSubscribe to our newsletter for more news.")
    store = open_store(tmp_path / "np.db")
    result = run_job([str(tmp_path / "ap.txt"), str(tmp_path / "copy.txt")], store)
    store.close()
    (story,) = result.stories
    (group,) = story.syndication
    assert group["origin"] == "ap"
    assert [c["article"] for c in group["copies"]] == ["copy"]
    copy = next(a for a in result.articles if a.id == "copy")
    assert copy.duplicate_of == "ap" and copy.duplicate_kind in ("exact", "near", "contained")
