"""Every bad item becomes an article with a clear error naming the file or URL; the batch goes on."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import httpx
import pytest

from newsprism.ingest import decode, read_inputs
from newsprism.ingest.fetch import Fetcher


def read(inputs, **kw):
    return list(read_inputs([str(i) for i in inputs], **kw))


def only_error(art, *needles):
    assert not art.ok, "expected an error"
    msg = " ".join(art.errors)
    for n in needles:
        assert n in msg, msg
    return msg


def test_batch_goes_on_past_bad_files(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("A fine article.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    undecodable = tmp_path / "utf16.txt"
    undecodable.write_bytes(b"\xff\xfe\x00\xd8\x41")  # UTF-16 BOM then a lone surrogate
    missing = tmp_path / "missing.txt"
    arts = read([missing, empty, binary, undecodable, good])
    assert [a.id for a in arts] == ["missing", "empty", "blob", "utf16", "good"]
    only_error(arts[0], str(missing), "no such file")
    only_error(arts[1], str(empty), "empty")
    only_error(arts[2], str(binary), "binary")
    only_error(arts[3], str(undecodable), "utf-16")
    assert arts[4].ok


def test_wrong_or_missing_charset_is_decoded(tmp_path: Path):
    p = tmp_path / "latin.html"
    p.write_bytes('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 in M\u00fcnchen.</p></body>'
                  '</html>'.encode("latin-1"))
    q = tmp_path / "nocharset.txt"
    q.write_bytes("Stra\u00dfe und Gr\u00fc\u00dfe aus K\u00f6ln, sch\u00f6ne Gr\u00fc\u00dfe.".encode("cp1252"))
    a, b = read([p, q])
    assert a.ok and "Caf\u00e9 in M\u00fcnchen" in a.raw
    assert b.ok and "K\u00f6ln" in b.raw


def test_too_big_file_and_50_mb_page(tmp_path: Path, monkeypatch):
    big = tmp_path / "huge.html"
    with open(big, "wb") as fh:  # a sparse 50 MB page: refused from its size, never read
        fh.truncate(50 * 1024 * 1024)
    only_error(read([big])[0], str(big), "exceeds")
    monkeypatch.setattr(decode, "MAX_BYTES", 1000)
    p = tmp_path / "long.txt"
    p.write_text("word " * 1000, encoding="utf-8")
    only_error(read([p])[0], str(p), "1,000-byte limit")


def test_gzip_bomb(tmp_path: Path):
    p = tmp_path / "bomb.html.gz"
    p.write_bytes(gzip.compress(b"\0" * (decode.MAX_BYTES + 1024 * 1024), compresslevel=9))
    assert p.stat().st_size < 100_000
    only_error(read([p])[0], str(p), "gzip bomb")


def test_truncated_gzip(tmp_path: Path):
    p = tmp_path / "cut.html.gz"
    p.write_bytes(gzip.compress(b"<html><body><p>text</p></body></html>" * 50)[:-20])
    only_error(read([p])[0], str(p), "gzip")


def test_xml_entity_bomb_feed(tmp_path: Path):
    p = tmp_path / "laughs.xml"
    ents = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{ents}]>'
                 '<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title></item></channel></rss>',
                 encoding="utf-8")
    only_error(read([p])[0], str(p), "entity")


def test_malformed_feed_and_json(tmp_path: Path):
    f = tmp_path / "broken.rss"
    f.write_text("<rss><channel><title>oops", encoding="utf-8")
    j = tmp_path / "broken.json"
    j.write_text('{"id": "x", "text": ', encoding="utf-8")
    a, b = read([f, j])
    only_error(a, str(f))
    only_error(b, str(j), "malformed JSON")


def test_broken_warc_record_keeps_earlier_records(tmp_path: Path, article_html):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    p = tmp_path / "damaged.warc"
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("https://gazette.example/a", "response",
                                        payload=io.BytesIO(article_html.encode()), http_headers=http))
    p.write_bytes(buf.getvalue() + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ngarbage")
    arts = read([p])
    assert arts[0].ok and arts[0].url == "https://gazette.example/a"
    assert len(arts) == 2
    only_error(arts[1], str(p), "broken WARC record")
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a warc at all")
    only_error(read([junk])[0], str(junk))


def test_truncated_html_still_reads(tmp_path: Path, article_html):
    p = tmp_path / "cut.html"
    p.write_text(article_html[: len(article_html) // 2], encoding="utf-8")
    a = read([p])[0]
    assert a.ok and a.raw_kind == "html"


def test_timeout(server):
    u = server.add("/slow", "<html><body>late</body></html>", delay=1.5)
    f = Fetcher(allow_private=True, delay=0, retries=0, timeout=0.3)
    only_error(read([u], client=f)[0], u, "timed out")


def test_private_addresses_refused_by_default(server):
    u = server.add("/page", "<html><body><p>x</p></body></html>")
    only_error(read([u])[0], u, "private or local address")
    for bad in ("http://10.0.0.5/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x",
                "http://0.0.0.0/", "http://100.64.1.1/"):
        only_error(read([bad])[0], bad, "refused")


def test_redirect_to_private_address_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example" and request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"Location": "http://internal.example/admin"})
        return httpx.Response(200, text="<html><body><p>secret</p></body></html>")

    addrs = {"news.example": ["93.184.216.34"], "internal.example": ["192.168.1.10"]}
    f = Fetcher(transport=httpx.MockTransport(handler), resolver=lambda h: addrs[h], delay=0, retries=0)
    msg = only_error(read(["https://news.example/story"], client=f)[0], "internal.example", "refused")
    assert "192.168.1.10" in msg


@pytest.mark.parametrize("path", ["/missing", "/error"])
def test_http_errors(server, fetcher, path):
    server.add("/error", b"", status=500)
    u = server.url(path)
    only_error(read([u], client=fetcher)[0], u, "HTTP")


def test_non_http_url_in_list(tmp_path: Path):
    p = tmp_path / "list.urls"
    p.write_text("ftp://example.com/file\n", encoding="utf-8")
    only_error(read([p])[0], "not an http(s) URL")
