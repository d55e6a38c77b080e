"""Web archives (``.warc`` / ``.warc.gz``) through warcio: each HTTP response record carrying HTML is an article.

A record that cannot be read gets an error article naming the file and record; since a broken record leaves the
stream at an unknown position, reading that file stops there (the records before it are kept).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsprism.ingest import decode
from newsprism.ingest.decode import InputError, decode_bytes
from newsprism.ingest.files import file_id
from newsprism.ingest.records import error_article, make_article, stable_id
from newsprism.model import Article

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path) -> Iterator[Article]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    src, stem = str(path), file_id(path.name)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally
    except OSError as exc:
        yield error_article(stem, src, f"{src}: cannot read: {exc.strerror or exc}")
        return
    n = seen = 0
    broken = False
    try:
        it = iter(ArchiveIterator(fh, arc2warc=True))
        while True:
            n += 1
            where = f"{src}#record{n}"
            try:
                rec = next(it)
            except StopIteration:
                break
            except (ArchiveLoadFailed, ValueError, OSError, EOFError, Exception) as exc:  # noqa: BLE001
                yield error_article(f"{stem}-record{n}", where, f"{where}: broken WARC record, stopped reading "
                                                                f"this file ({type(exc).__name__}: {exc})")
                broken = True
                break
            if rec.rec_type != "response":
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
            rid = rec.rec_headers.get_header("WARC-Record-ID") or f"{uri}#{n}"
            aid = stable_id(stem, rid)
            http = rec.http_headers
            if http is None:
                continue
            ctype = (http.get_header("Content-Type") or "").lower()
            if not any(t in ctype for t in HTML_TYPES):
                continue
            seen += 1
            status = http.get_statuscode()
            where = uri or where
            if status and status != "200":
                yield error_article(aid, where, f"{src}: record for {where} is HTTP {status}, not a page", url=uri)
                continue
            try:
                body = rec.content_stream().read(decode.MAX_BYTES + 1)
                if len(body) > decode.MAX_BYTES:
                    raise InputError(f"page exceeds the {decode.MAX_BYTES:,}-byte limit")
                charset = None
                if "charset=" in ctype:
                    charset = ctype.split("charset=", 1)[1].split(";")[0].strip(" \"'")
                html = decode_bytes(body, declared=charset, kind="html")
            except InputError as exc:
                yield error_article(aid, where, f"{src}: record for {where}: {exc}", url=uri)
                continue
            except Exception as exc:  # noqa: BLE001 - a damaged payload (bad chunking, bad gzip)
                yield error_article(aid, where, f"{src}: record for {where} is damaged "
                                                f"({type(exc).__name__}: {exc})", url=uri)
                continue
            yield make_article(aid, where, html, "html", url=uri or None)
    finally:
        fh.close()
    if seen == 0 and not broken:
        yield error_article(stem, src, f"{src}: no HTML response records in this WARC")
