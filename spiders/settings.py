"""Scrapy settings: polite by default (robots.txt, AutoThrottle, one request per domain at a time, one stream per site)."""

from repscan import USER_AGENT as _UA
from repscan.core.node_packages import check as _check_packages

_check_packages()  # on a Scrapyd node (the egg holds the pins): no listing, no crawl, with other packages

BOT_NAME = "repscan"
SPIDER_MODULES = ["repscan.spiders"]
NEWSPIDER_MODULE = "repscan.spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

USER_AGENT = _UA
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "repscan.spiders.robots.RobotParser"  # reads UTF-16 files too
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
# The site gate (politeness.GatedDownloadHandler) spaces a site's requests across crawlers and randomises them (up to
# REPSCAN_SITE_JITTER of the delay more); the slot keeps the plain delay, its own jitter off.
DOWNLOAD_DELAY_JITTER = 0
REPSCAN_SITE_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # review pages are well under 2 MB; Scrapy's default is 1 GiB ([crawl] max_page_mb)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
REPSCAN_MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After ends the crawl as an error
# Error and challenge pages reach the spider, which records them as blocked or
# error instead of letting them vanish as an HttpError.
HTTPERROR_ALLOWED_CODES = [401, 403, 404, 408, 410, 429, 500, 502, 503, 504, 522, 524]

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "repscan.spiders.politeness.SharedRobotsTxt": 100,  # Scrapy's place for it
    "repscan.spiders.middlewares.RetryAfterMiddleware": 550,
    "repscan.spiders.middlewares.SameSiteRedirectMiddleware": 650,  # sees a 3xx before RedirectMiddleware (600)
    "repscan.spiders.politeness.ProxyRotation": 740,  # before HttpProxyMiddleware (750) turns user:password into a header
}
REPSCAN_PROXIES = "[]"  # the config's [[proxies]] as JSON: url, auth (a variable's name), sites
COMMANDS_MODULE = "repscan.spiders.crawl"  # `crawl` that also runs a batch of one site's sources (a Scrapyd job)
# Every request passes the site gate, then the real handler (the browser mode swaps the latter).
DOWNLOAD_HANDLERS = {"http": "repscan.spiders.politeness.GatedDownloadHandler",
                     "https": "repscan.spiders.politeness.GatedDownloadHandler"}
REPSCAN_DOWNLOAD_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
ITEM_PIPELINES = {
    # each normalises and classifies an item, then stores it or sends it to the feed
    "repscan.spiders.pipelines.StorePipeline": 300,  # REPSCAN_STORE = "sqlite"
    "repscan.spiders.pipelines.FeedPipeline": 300,   # REPSCAN_STORE = "feed"
}
# "sqlite": items go to REPSCAN_DATABASE. "feed": a Scrapyd node without a database; items and
# a last crawl-health line go to the FEEDS export, for `repscan ingest` (docs/scale.md).
REPSCAN_STORE = "sqlite"
REPSCAN_DATABASE = "repscan.db"
# Keep copies of the pages negative items and page-one complaints were found on, with their evidence rows, in the
# store (`repscan crawl` turns it on; off keeps none).
REPSCAN_EVIDENCE = False
REPSCAN_BATCH_SIZE = 200
FEED_EXPORT_ENCODING = "utf-8"
