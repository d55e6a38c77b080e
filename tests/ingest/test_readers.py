"""Every reader on real-shaped inputs."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from newsprism.ingest import read_inputs
from newsprism.ingest.files import parse_front_matter
from newsprism.model import content_hash


def one(inputs, **kw):
    arts = list(read_inputs([str(i) for i in inputs], **kw))
    assert len(arts) == 1, [a.errors for a in arts]
    return arts[0]


def test_txt_with_front_matter(tmp_path: Path):
    p = tmp_path / "story-1.en.txt"
    p.write_text("---\ntitle: \"Flood wall approved\"\nOutlet: Coastal Gazette\ndate: 2024-03-05\n"
                 "url: https://gazette.example/x\nauthor: Maria Lind\n---\nThe council voted.\n", encoding="utf-8")
    a = one([p])
    assert a.ok and a.id == "story-1" and a.source == str(p)
    assert (a.title, a.outlet, a.published, a.url, a.author) == (
        "Flood wall approved", "Coastal Gazette", "2024-03-05", "https://gazette.example/x", "Maria Lind")
    assert a.raw == "The council voted.\n" and a.raw_kind == "text"
    assert a.content_hash == content_hash("story-1\0The council voted.\n")


def test_txt_without_front_matter_is_raw_as_given(tmp_path: Path):
    body = "Headline here\n\nSome text --- with dashes.\nkey: not metadata\n"
    p = tmp_path / "plain.txt"
    p.write_text(body, encoding="utf-8")
    a = one([p])
    assert a.raw == body and a.title is None
    assert parse_front_matter(body) == ({}, body)


def test_html_and_gzipped_html(tmp_path: Path, article_html):
    (tmp_path / "page.html").write_text(article_html, encoding="utf-8")
    with gzip.open(tmp_path / "zipped.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(article_html)
    arts = list(read_inputs([str(tmp_path)]))
    assert [a.id for a in arts] == ["page", "zipped"]
    for a in arts:
        assert a.ok and a.raw_kind == "html" and "flood wall" in a.raw
        assert a.url == "https://gazette.example/news/flood-wall"
        assert a.content_hash == content_hash(a.id + "\0" + a.raw)


def test_jsonl_records_aliases_and_bad_lines(tmp_path: Path):
    p = tmp_path / "batch.jsonl"
    lines = [
        {"id": "a1", "url": "https://x.example/1", "outlet": "X", "title": "T1", "published": "2024-01-01",
         "text": "Body one."},
        {"doc_id": 7, "source": "Y", "date": "2024-01-02", "html": "<html><body><p>Body two.</p></body></html>"},
        {"publisher": "Z", "publication_date": "2024-01-03", "text": "Body three.", "html": "<p>ignored</p>"},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n{not json\n\n{\"id\": \"empty\"}\n[1, 2]\n",
                 encoding="utf-8")
    arts = list(read_inputs([str(p)]))
    assert [a.id for a in arts] == ["a1", "7", "batch-3", "batch-4", "empty", "batch-7"]
    a1, a2, a3, bad, empty, notobj = arts
    assert (a1.outlet, a1.title, a1.published, a1.raw_kind, a1.source) == ("X", "T1", "2024-01-01", "text",
                                                                         f"{p}#1")
    assert (a2.outlet, a2.published, a2.raw_kind) == ("Y", "2024-01-02", "html")
    assert (a3.outlet, a3.published, a3.raw, a3.raw_kind) == ("Z", "2024-01-03", "Body three.", "text")
    assert a1.ok and a2.ok and a3.ok
    assert "malformed JSON" in bad.errors[0] and f"{p}#4" in bad.errors[0]
    assert "no text or html" in empty.errors[0]
    assert "not an object" in notobj.errors[0]


def test_json_list_of_records(tmp_path: Path):
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"articles": [{"id": "j1", "text": "One."}, {"text": "Two."}]}), encoding="utf-8")
    arts = list(read_inputs([str(p)]))
    assert [(a.id, a.raw) for a in arts] == [("j1", "One."), ("export-1", "Two.")]


def test_folder_is_walked_sorted_and_skips_unknown_files(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A text.", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    assert [a.id for a in read_inputs([str(tmp_path)])] == ["a", "z"]


def rss(items: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Gazette feed</title>'
            f'<link>https://gazette.example/</link>{items}</channel></rss>')


def test_feed_file_with_full_content(tmp_path: Path):
    long = "<p>" + " ".join(["The council met and voted on the wall."] * 40) + "</p>"
    p = tmp_path / "news.rss"
    p.write_text(rss(f"<item><title>Wall</title><link>https://gazette.example/wall</link><guid>g1</guid>"
                     f"<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate><description>Short.</description>"
                     f"<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                     f"<![CDATA[{long}]]></content:encoded></item>"), encoding="utf-8")
    a = one([p])
    assert a.ok and a.raw_kind == "html" and a.title == "Wall" and a.url == "https://gazette.example/wall"
    assert a.published == "2024-03-05T09:00:00Z" and a.id.startswith("feed-") and "voted on the wall" in a.raw
    assert one([p]).id == a.id  # stable across reads


def test_feed_url_with_summaries_fetches_pages_and_honours_etag(server, fetcher, article_html):
    page = server.add("/news/wall", article_html, headers={"Content-Type": "text/html; charset=utf-8"})
    feed = server.add("/feed.xml", rss(f"<item><title>Wall</title><link>{page}</link>"
                                       "<description>Council votes.</description></item>"
                                       "<item><title>Gone</title><link>" + server.url("/missing") +
                                       "</link><description>Only a summary survives.</description></item>"),
                      headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})
    arts = list(read_inputs([feed], client=fetcher))
    assert len(arts) == 2
    assert arts[0].ok and "1,200 homes" in arts[0].raw and arts[0].url == page
    assert arts[1].ok and arts[1].raw == "Only a summary survives."  # page 404: the summary is kept
    ua = [h.get("User-Agent", "") for path, h in server.requests if path == "/feed.xml"]
    assert ua and "newsprism" in ua[0]
    # second read: the server answers 304 to the conditional GET, nothing new is yielded
    assert list(read_inputs([feed], client=fetcher)) == []
    assert any(h.get("If-None-Match") == '"v1"' for p, h in server.requests if p == "/feed.xml")


def test_atom_feed_file(tmp_path: Path):
    p = tmp_path / "atom.xml"
    p.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
                 '<entry><id>urn:1</id><title>Entry one</title><updated>2024-03-05T10:00:00Z</updated>'
                 '<summary>Summary only.</summary></entry></feed>', encoding="utf-8")
    a = one([p])
    assert a.ok and a.title == "Entry one" and a.raw == "Summary only." and a.published == "2024-03-05T10:00:00Z"


def write_warc(path: Path, records: list[tuple[str, str, bytes]], gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for uri, ctype, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
        w.write_record(w.create_warc_record("https://gazette.example/req", "request",
                                            payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_warc_plain_and_gzipped(tmp_path: Path, article_html):
    recs = [("https://gazette.example/news/flood-wall", "text/html; charset=utf-8", article_html.encode()),
            ("https://gazette.example/logo.png", "image/png", b"\x89PNG...."),
            ("https://gazette.example/other", "text/html", b"<html><body><p>Other page text.</p></body></html>")]
    for name, gz in (("crawl.warc", False), ("crawl2.warc.gz", True)):
        p = tmp_path / name
        write_warc(p, recs, gz)
        arts = list(read_inputs([str(p)]))
        assert [a.url for a in arts] == [recs[0][0], recs[2][0]]
        assert all(a.ok and a.raw_kind == "html" for a in arts)
        assert "1,200 homes" in arts[0].raw and arts[0].source == recs[0][0]
        assert [a.id for a in read_inputs([str(p)])] == [a.id for a in arts]  # stable ids


def test_url_list_files(server, fetcher, tmp_path: Path, article_html):
    u1 = server.add("/one", article_html, headers={"Content-Type": "text/html"})
    u2 = server.add("/two.txt", "Plain text article.", headers={"Content-Type": "text/plain; charset=utf-8"})
    (tmp_path / "list.urls").write_text(f"# my list\n{u1}\n\n{u2}\n", encoding="utf-8")
    (tmp_path / "list2.txt").write_text(f"{u1}\n{u2}\n", encoding="utf-8")
    for name in ("list.urls", "list2.txt"):
        arts = list(read_inputs([str(tmp_path / name)], client=fetcher))
        assert [(a.raw_kind, a.source) for a in arts] == [("html", u1), ("text", u2)]
        assert arts[0].url == "https://gazette.example/news/flood-wall" and arts[1].raw == "Plain text article."
        assert arts[0].id.startswith("url-") and all(a.ok for a in arts)


def test_direct_url_with_allow_private_and_own_client(server, article_html):
    u = server.add("/page", article_html, headers={"Content-Type": "text/html"})
    a = one([u], allow_private=True)
    assert a.ok and a.source == u and a.id == one([u], allow_private=True).id


def test_injected_httpx_client_with_mock_transport(article_html):
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text=article_html, headers={"Content-Type": "text/html; charset=utf-8"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    a = one(["https://news.example/wall"], client=client, allow_private=True)
    assert a.ok and "1,200 homes" in a.raw and a.source == "https://news.example/wall"


def test_front_matter_is_yaml_with_a_lenient_fallback():
    # YAML: quoted values with escapes, lists, dates; keys any case
    fields, body = parse_front_matter("---\nTitle: 'Port reopens: ships wait'\nauthor: [Ana Ruiz, Tom Berg]\n"
                                      "date: 2024-03-05\n---\nShips queued at dawn.\n")
    assert fields["title"] == "Port reopens: ships wait" and fields["author"] == ["Ana Ruiz", "Tom Berg"]
    assert str(fields["date"]) == "2024-03-05" and body == "Ships queued at dawn.\n"
    # an unquoted colon in a headline is not valid YAML: the block is still read, one key: value line at a time
    fields, body = parse_front_matter("---\ntitle: Analysis: the harbour vote\noutlet: Bay Times\n---\nText.\n")
    assert fields == {"title": "Analysis: the harbour vote", "outlet": "Bay Times"} and body == "Text.\n"


def test_front_matter_body_is_kept_exactly(tmp_path: Path):
    # the body starts right after the closing line's line break: a blank line after it stays (offsets refer to it)
    assert parse_front_matter("---\r\ntitle: A b c\r\n---\r\n\r\nBody.\r\n") == ({"title": "A b c"}, "\r\nBody.\r\n")
    assert parse_front_matter("\ufeff---\ntitle: x y\n---") == ({"title": "x y"}, "")
    # a rule line later in a text is not front matter
    text = "Intro line.\n---\ntitle: no\n---\nMore.\n"
    assert parse_front_matter(text) == ({}, text)
    p = tmp_path / "list-author.txt"
    p.write_text("---\ntitle: Harbour vote delayed\nauthor:\n  - Ana Ruiz\n  - Tom Berg\npublished: 2024-03-05 "
                 "10:30:00+02:00\n---\nThe vote moved to Friday.\n", encoding="utf-8")
    a = one([p])
    assert a.author == "Ana Ruiz, Tom Berg" and a.published.startswith("2024-03-05T10:30:00")


def test_feed_content_fragments_become_extractable_pages(tmp_path: Path):
    # content:encoded holds an HTML fragment; the main-text extractor finds nothing in a lone <p>, so it is read as
    # the article of a page and the cleaned text is the entry's text
    from newsprism.clean.stage import CleanStage

    body = " ".join(["The harbour board approved the new ferry timetable on Monday."] * 12)
    p = tmp_path / "one.rss"
    p.write_text(rss(f"<item><title>Ferry timetable approved</title><guid>t1</guid>"
                     f"<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                     f"<![CDATA[<p>{body}</p>]]></content:encoded></item>"), encoding="utf-8")
    a = CleanStage()(one([p]))
    assert a.ok and a.text.startswith("The harbour board approved") and a.errors == []
