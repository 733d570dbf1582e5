#!/usr/bin/env python3
"""Fetch and parse a URL list with concurrent.futures.ThreadPoolExecutor + requests, the usual
Python way to scrape in parallel: N threads, one requests.Session per thread (keep-alive), each
page parsed with the standard library's html.parser for its title, first h1 and links, one JSON
line per URL.

    py_threads.py URL_LIST OUT.jsonl [THREADS]

Prints "ok failed".
"""
import concurrent.futures
import html.parser
import json
import sys
import threading

import requests

local = threading.local()


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.h1 = None
        self.links = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            for k, v in attrs:
                if k == "href" and v:
                    self.links.append(v)
        if tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 = (self.h1 or "") + data


def fetch(url):
    session = getattr(local, "session", None)
    if session is None:
        session = local.session = requests.Session()
    try:
        r = session.get(url, timeout=30)
        p = Page()
        p.feed(r.text)
        return {"url": url, "status": r.status_code, "bytes": len(r.content),
                "title": p.title, "heading": p.h1, "links": p.links}
    except Exception as e:  # a failed URL is a row, not the end of the run
        return {"url": url, "error": repr(e)}


def main():
    urls = [u.strip() for u in open(sys.argv[1]) if u.strip() and not u.startswith("#")]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    ok = failed = 0
    with open(sys.argv[2], "w") as out, concurrent.futures.ThreadPoolExecutor(n) as pool:
        for row in pool.map(fetch, urls):
            if row.get("status") == 200:
                ok += 1
            else:
                failed += 1
            out.write(json.dumps(row) + "\n")
    print(ok, failed)


if __name__ == "__main__":
    main()
