"""Ingest: turn whatever the user has into ``Article`` records carrying the raw input.

``read_inputs(inputs, allow_private=False, client=None)`` accepts, in any mix:

* **folders**, walked in sorted order (hidden entries and files of unknown type are skipped);
* **plain text** (``.txt``, ``.text``, ``.md``), optionally opening with front matter::

      ---
      title: China, US find basic consensus on TikTok issue
      outlet: China Daily
      published: 2025-09-15
      url: https://example.com/story
      author: Jane Doe
      ---
      The article body...

  Keys are case-insensitive, values may be quoted, and the same aliases as JSON records apply
  (``source``/``publisher`` for outlet, ``date``/``publication_date`` for published). The body after the front matter
  is the article's ``raw`` text. A ``.txt`` whose every non-blank, non-``#`` line is an http(s) URL is a URL list;
* **URL lists** (``.urls``): one URL per line, ``#`` comments allowed;
* **HTML pages** (``.html``, ``.htm``, ``.xhtml``; also gzipped, ``x.html.gz``);
* **JSON records**: ``.jsonl`` / ``.ndjson`` (one object per line) and ``.json`` (an object, a list of objects, or
  ``{"articles": [...]}``) with fields ``id|doc_id, url, outlet|source|publisher, title,
  published|date|publication_date, author, text|html`` (``text`` wins when both are present);
* **RSS / Atom feeds**, as files (``.rss``, ``.atom``, ``.xml``, ``.rdf``) or URLs; an entry without full content
  has its page fetched;
* **web archives** (``.warc``, ``.warc.gz``): HTML response records;
* **http(s) URLs**: pages, feeds or plain text, fetched through :class:`~newsprism.ingest.fetch.Fetcher`.

Ids: the given id for JSON records (else ``<file>-<line>``); the file name up to its first dot for files; a hash of
the URL / entry id / WARC record id, prefixed (``url-…``, ``feed-…``, ``<warc file>-…``), for the rest.
Every bad item (missing, empty, binary, undecodable, malformed, too big, gzip bomb, broken WARC record, XML entity
bomb, timeout, refused address) becomes an Article whose ``errors`` name the file or URL and the problem.
"""
from newsprism.ingest.sources import read_inputs

__all__ = ["read_inputs"]
