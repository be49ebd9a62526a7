"""`repscan extract` on hostile small files: a one-line error and exit 1 (or 3), never a traceback, in bounded memory."""

from __future__ import annotations

import gzip
import json
import resource
import subprocess
import sys

import pytest

from helpers import ROOT, run_cli

DEEP_JSON = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize("site, name, body", [
    ("trustpilot", "corrupt.html.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 40),
    ("jsonld", "truncated.gz", gzip.compress(b"<html>" + b"<p>x</p>" * 1000)[:200]),
    ("google-maps", "deep.json", DEEP_JSON),
    ("facebook-graph", "deep.json", b'{"data": ' + DEEP_JSON + b"}"),
    ("trustpilot", "api.json", b'{"reviews": [{"id": 1}]}'),  # a JSON body given to an HTML site
    ("yelp", "binary.html", bytes(range(256)) * 64),
    ("appstore", "empty.json", b""),
])
def test_hostile_inputs_end_in_one_line(tmp_path, site, name, body):
    path = tmp_path / name
    path.write_bytes(body)
    result = run_cli("extract", site, str(path))
    assert result.returncode in (1, 3), result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(("error: ", "blocked: "))


def test_a_gzip_bomb_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.html.gz"
    with gzip.open(path, "wb", compresslevel=9) as bomb:
        chunk = b" " * 2**20
        for _ in range(1024):  # 1 GiB of spaces in about 1 MB
            bomb.write(chunk)
    probe = ("import resource, sys; from repscan.app.cli import main; code = main(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", probe, "extract", "jsonld", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    message, peak_kb = result.stderr.strip().splitlines()
    assert result.returncode == 1 and "decompresses to more than 64 MB" in message
    assert int(peak_kb) < 400 * 1024  # before: the whole GiB was inflated (4.27 GB RSS for a 2 MB file)


def test_a_non_finite_number_prints_as_json_null(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<script type="application/ld+json">{"@type": "LocalBusiness", "name": "Acme", "review": '
                    '[{"@type": "Review", "author": "A", "reviewBody": "Hi", "reviewRating": '
                    '{"ratingValue": -Infinity}}]}</script>')
    result = run_cli("extract", "jsonld", str(page), "--url", "https://acme.example/reviews")
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]  # strict JSON: no -Infinity
    assert [item["rating"] for item in items if item["kind"] == "review"] == [None]
