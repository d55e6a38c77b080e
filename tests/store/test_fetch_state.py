"""Per-URL fetch state (validators and feed backoff) outlives the store object that wrote it."""
from newsprism.store import open_store


def test_fetch_state_round_trips_and_replaces(store_url):
    s = open_store(store_url)
    assert s.get_fetch_state(["https://a.example/feed"]) == {}
    s.put_fetch_state([{"url": "https://a.example/feed", "etag": '"v1"', "last_modified": "Mon, 15 Sep 2025 "
                        "10:00:00 GMT"},
                       {"url": "https://b.example/rss", "failures": 2, "retry_at": 123.5, "last_error": "HTTP 500"}])
    s.close()
    s = open_store(store_url)  # another process would see the same
    got = s.get_fetch_state(["https://a.example/feed", "https://b.example/rss", "https://c.example/"])
    assert got["https://a.example/feed"]["etag"] == '"v1"' and got["https://a.example/feed"]["failures"] == 0
    assert got["https://b.example/rss"] == {"etag": None, "last_modified": None, "failures": 2, "retry_at": 123.5,
                                            "last_error": "HTTP 500"}
    assert "https://c.example/" not in got
    # a row is replaced as a whole: a recovered feed keeps no stale failure count
    s.put_fetch_state([{"url": "https://b.example/rss", "etag": '"x"'}])
    assert s.get_fetch_state(["https://b.example/rss"])["https://b.example/rss"]["failures"] == 0
    s.close()
