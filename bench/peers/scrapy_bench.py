#!/usr/bin/env python3
"""Fetch and parse a URL list with Scrapy at a given concurrency (all to one host): title, first
h1 and links per page, one JSON line per URL. robots.txt is not fetched (neither do the others).

    scrapy_bench.py URL_LIST OUT.jsonl [CONCURRENCY]

Prints "ok failed".
"""
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

COUNTS = {"ok": 0, "failed": 0}


class ListSpider(scrapy.Spider):
    name = "list"

    def __init__(self, urls, **kw):
        super().__init__(**kw)
        self.urls = urls

    def start_requests(self):
        for u in self.urls:
            yield scrapy.Request(u, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response):
        COUNTS["ok" if response.status == 200 else "failed"] += 1
        yield {
            "url": response.url,
            "status": response.status,
            "bytes": len(response.body),
            "title": response.css("title::text").get(),
            "heading": response.css("h1::text").get(),
            "links": response.css("a::attr(href)").getall(),
        }

    def failed(self, failure):
        COUNTS["failed"] += 1


def read_urls(path):
    """The URLs of a list: one a line, blank lines and '#' comments skipped."""
    return [u.strip() for u in open(path) if u.strip() and not u.startswith("#")]


def main():
    urls = read_urls(sys.argv[1])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": n,
        "CONCURRENT_REQUESTS_PER_DOMAIN": n,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": 1,
        "DOWNLOAD_TIMEOUT": 30,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "FEEDS": {sys.argv[2]: {"format": "jsonlines", "overwrite": True}},
    })
    process.crawl(ListSpider, urls=urls)
    process.start()
    print(COUNTS["ok"], COUNTS["failed"])


if __name__ == "__main__":
    main()
