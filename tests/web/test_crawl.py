"""A crawl from / over the served pages: every link answers 200 and every page's JSON twin answers JSON."""
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.twin = [], None

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if tag == "a" and d.get("href"):
            self.links.append(d["href"])
        if tag == "link" and d.get("rel") == "alternate" and d.get("type") == "application/json":
            self.twin = d["href"]


def test_crawl_from_root_finds_no_broken_link_and_every_twin_is_json(server):
    seen, todo, bad, twins, pages = set(), ["/"], [], set(), 0
    with httpx.Client(base_url=server, timeout=30) as c:
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            r = c.get(path)
            if r.status_code != 200:
                bad.append((path, r.status_code))
                continue
            if not r.headers["content-type"].startswith("text/html"):
                continue
            pages += 1
            p = _Links()
            p.feed(r.text)
            assert p.twin, f"{path} names no JSON twin"
            if p.twin not in twins:
                twins.add(p.twin)
                t = c.get(p.twin)
                assert t.status_code == 200 and t.headers["content-type"].startswith("application/json"), p.twin
                t.json()
            for href in p.links:
                url = urlsplit(urljoin(server + path, href))
                if url.netloc != urlsplit(server).netloc:
                    continue  # links to original articles are never followed
                todo.append(url.path + (f"?{url.query}" if url.query else ""))
    assert not bad, bad
    assert pages > 20
