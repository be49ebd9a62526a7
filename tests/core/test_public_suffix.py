"""sites.registrable reads the Public Suffix List as tldextract does: the same registrable domain for every rule."""

from __future__ import annotations

import random

import tldextract

from repscan.core import sites


def test_registrable_domain_agrees_with_tldextract_on_every_kind_of_rule():
    oracle = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
    _, rules = sites._public_suffixes()
    rng = random.Random(5)
    hosts = ["www.yelp.co.uk", "yelp.co.uk", "co.uk", "uk", "localhost", "127.0.0.1", "10.0.0.5", "example.invalidtld",
             "a.b.kawasaki.jp", "city.kawasaki.jp", "www.city.kawasaki.jp", "kawasaki.jp", "www.ck", "shop.www.ck",
             "foo.ck", "ck", "acme.blogspot.com", "blogspot.com", "www.ripoffreport.com", "xn--80ak6aa92e.com",
             "www.xn--80ak6aa92e.xn--p1ai", "news.example.xn--p1ai", "WWW.Trustpilot.COM.", "a..b.com", ""]
    for rule in rng.sample(sorted(rules), 3000):
        base = rule.lstrip("!").replace("*", "any")
        hosts += [base, f"shop.{base}", f"www.shop.{base}"]
    for host in hosts:
        expected = oracle(host.lower().rstrip(".")).top_domain_under_public_suffix or host.lower().rstrip(".")
        assert sites.registrable(host) == expected, host
