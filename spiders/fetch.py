"""Fetch modes: which download handler a source's crawl uses (plain HTTP, Chromium, a rendering API) and what its requests carry.

- "http": Scrapy's own handler (the default).
- "browser": scrapy-playwright driving the machine's Chromium (Debian's `chromium` package; no browser
  download), for pages that build their reviews with JavaScript. The page is read once the network is idle.
- "api": Zyte API through its Scrapy plugin (scrapy-zyte-api), which renders the page on Zyte's side; the
  key comes from the environment (REPSCAN_ZYTE_API_KEY, or the variable the source names).

A crawl is one source, so the handler is set for that crawl alone (in the spider's from_crawler, before
Scrapy freezes its settings), and each request is marked for it: the robots.txt request stays plain HTTP.
Neither is a way past a captcha: what comes back goes through the same block check as any page.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

from scrapy.settings import Settings

BROWSER_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ZYTE_ADDON = "scrapy_zyte_api.Addon"
CHROMIUM_VARIABLE = "REPSCAN_CHROMIUM"       # a Chromium binary other than chromium on PATH
ZYTE_URL_VARIABLE = "REPSCAN_ZYTE_API_URL"   # another Zyte API endpoint (a compatible gateway; the tests' loopback one)
INSTALL_BROWSER = "run make browser (Debian's chromium and pip install 'repscan[browser]')"


class Unavailable(Exception):
    """The fetch mode cannot run on this machine; str() says what to install."""


def chromium(environ=os.environ) -> str:
    """The Chromium binary the browser mode drives."""
    path = (environ.get(CHROMIUM_VARIABLE) or "").strip() or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.access(path, os.X_OK):
        raise Unavailable(f"chromium not installed: {INSTALL_BROWSER}")
    return path


def check(mode: str, environ=os.environ) -> None:
    """Raise Unavailable when `mode` cannot run here (its plugin or its browser is missing)."""
    if mode == "browser":
        if importlib.util.find_spec("scrapy_playwright") is None:
            raise Unavailable(f"scrapy-playwright not installed: {INSTALL_BROWSER}")
        chromium(environ)
    elif mode == "api" and importlib.util.find_spec("scrapy_zyte_api") is None:
        raise Unavailable("scrapy-zyte-api not installed: pip install 'repscan[api]'")


def configure(settings: Settings, mode: str, *, api_key: str | None = None, environ=os.environ) -> None:
    """Set one crawl's (not yet frozen) settings for `mode`; "http" changes nothing."""
    if mode == "browser":
        settings.set("REPSCAN_DOWNLOAD_HANDLER", BROWSER_HANDLER, priority="spider")  # behind the site gate
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {"executable_path": chromium(environ), "headless": True},
                     priority="spider")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000,
                     priority="spider")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="spider")
    elif mode == "api":
        settings.set("ADDONS", {**settings.getdict("ADDONS"), ZYTE_ADDON: 500}, priority="spider")
        # The add-on sends every request through Zyte API unless told otherwise; only the source's own pages go.
        settings.set("ZYTE_API_TRANSPARENT_MODE", False, priority="spider")
        settings.set("ZYTE_API_KEY", api_key, priority="spider")
        if (environ.get(ZYTE_URL_VARIABLE) or "").strip():
            settings.set("ZYTE_API_URL", environ[ZYTE_URL_VARIABLE].strip(), priority="spider")


def request_meta(mode: str) -> dict:
    """What each of the source's page requests carries for its fetch mode."""
    if mode == "browser":
        from scrapy_playwright.page import PageMethod

        return {"playwright": True,
                "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")]}
    if mode == "api":
        return {"zyte_api_automap": {"browserHtml": True}}
    return {}
