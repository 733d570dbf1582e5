#!/usr/bin/env python3
"""Fetch and parse a URL list that spans many hosts with Scrapy, politely, with the settings the
Scrapy docs give for broad crawls ("Broad Crawls": high global concurrency, the
DownloaderAwarePriorityQueue, cookies off, a reduced log level) and one request per host at a
time with a fixed delay between a host's requests. Title, first h1 and links per page, one JSON
line per URL.

    scrapy_polite.py URL_LIST OUT.jsonl --delay SECONDS [--concurrency 64] [--per-host 1]
                     [--robots on|off] [--slow HOST=SECONDS]... [--retries 1] [--timeout 30]

--slow gives one host (its name, e.g. 127.0.0.101) its own delay. Scrapy 2.9 and later read that
from DOWNLOAD_SLOTS; older ones (Debian 12 has 2.8) have no setting for it, so the slot's delay is
set when the host's first request reaches the downloader, as AutoThrottle sets slot delays.
RANDOMIZE_DOWNLOAD_DELAY is off: the delay is exact, as forkline's is. Scrapy does not apply
robots.txt Crawl-delay. Prints "ok failed".
"""
import argparse

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from scrapy_bench import COUNTS, ListSpider, read_urls


def version_at_least(major, minor):
    parts = scrapy.__version__.split(".")
    return (int(parts[0]), int(parts[1])) >= (major, minor)


class PoliteSpider(ListSpider):
    """scrapy_bench's spider (the same requests, fields and counts), with slow hosts."""
    name = "polite"

    def __init__(self, urls, slow, **kw):
        super().__init__(urls, **kw)
        self.slow = slow

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.slow and not version_at_least(2, 9):
            crawler.signals.connect(spider.reached_downloader, signal=signals.request_reached_downloader)
        return spider

    def reached_downloader(self, request, spider):
        # the slot exists by now and its queue has not been processed: the first wait is right
        key = request.meta.get("download_slot")
        if key in self.slow:
            slot = self.crawler.engine.downloader.slots.get(key)
            if slot is not None:
                slot.delay = self.slow[key]
                slot.concurrency = 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("urls")
    ap.add_argument("out")
    ap.add_argument("--delay", type=float, required=True)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--per-host", type=int, default=1)
    ap.add_argument("--robots", choices=["on", "off"], default="on")
    ap.add_argument("--slow", action="append", default=[], metavar="HOST=SECONDS")
    ap.add_argument("--retries", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    slow = {}
    for spec in a.slow:
        host, _, seconds = spec.partition("=")
        slow[host] = float(seconds)
    urls = read_urls(a.urls)
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": a.delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "DOWNLOAD_SLOTS": {h: {"delay": d, "concurrency": 1} for h, d in slow.items()},
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "ROBOTSTXT_OBEY": a.robots == "on",
        "COOKIES_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": a.retries,
        "DOWNLOAD_TIMEOUT": a.timeout,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "FEEDS": {a.out: {"format": "jsonlines", "overwrite": True}},
    })
    process.crawl(PoliteSpider, urls=urls, slow=slow)
    process.start()
    print(COUNTS["ok"], COUNTS["failed"])


if __name__ == "__main__":
    main()
