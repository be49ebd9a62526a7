"""A config with one client and two competitors, for the competitor tests of the config and the scheduler."""

from __future__ import annotations

CONFIG = """\
[agency]
name = "Northwind Reputation"
sender = "reports@northwind.example"

[[clients]]
id = "acme"
name = "Acme Plumbing"
recipients = ["owner@acme.example"]
timezone = "Europe/Bucharest"
negative_threshold = 0.6

[[clients.sources]]
site = "trustpilot"
url = "https://www.trustpilot.com/review/acme.example"

[[clients.competitors]]
id = "bolt"
name = "Bolt Plumbing"
aliases = ["Bolt"]
domains = ["bolt.example"]
queries = ["Bolt Plumbing"]

[[clients.competitors.sources]]
site = "trustpilot"
url = "https://www.trustpilot.com/review/bolt.example"

[[clients.competitors]]
id = "pipe"
name = "Pipe Pros"
crawl_schedule = "0 5 * * 1"

[[clients.competitors.sources]]
site = "jsonld"
url = "https://pipepros.example/reviews"
"""


def write(tmp_path, text):
    path = tmp_path / "repscan.toml"
    path.write_text(text, encoding="utf-8")
    return path
