"""How often the text classifier agrees with star ratings: real rated sets, real saved pages, our written reviews.

    python -m bench.classifier_agreement [--rated DIR] [--json]
    taskset -c 0 python -m bench.classifier_agreement --cost-only   # the model's cost on one core

--rated DIR (default $REPSCAN_RATED_SETS, else ../data/rated): <set>.jsonl files of real rated reviews,
one {"set", "language", "text", "rating", "rating_max", "label", "source"} a line. They stay outside
the repository; none of their text is copied into it, and the head is never trained on them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

from bench._common import machine

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REAL = ROOT.parent / "shared" / "fixtures" / "real"
RATED = ROOT.parent / "data" / "rated"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.classifier_agreement", description=__doc__)
    real = os.environ.get("REPSCAN_REAL_PAGES") or os.environ.get("REPSCAN_REAL_FIXTURES") or REAL
    parser.add_argument("--real", type=Path, default=Path(real),
                        help="folder of the real saved pages (default: $REPSCAN_REAL_PAGES, else ../shared/fixtures/real)")
    parser.add_argument("--rated", type=Path, default=Path(os.environ.get("REPSCAN_RATED_SETS") or RATED),
                        help="folder of real rated sets, <set>.jsonl (default: $REPSCAN_RATED_SETS, else ../data/rated)")
    parser.add_argument("--cost-only", action="store_true", help="only the model's load time, latency and memory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    args = parser.parse_args(argv)
    if args.cost_only:
        cost = measure_model()
        print(json.dumps(cost, indent=2) if args.json else render_cost(cost))
        return 0

    detector = measure_detector()  # first, so its memory is not hidden by what loads later
    cost = measure_model()  # likewise: before anything else loads the model
    from repscan.core.classify import TEXT_NEGATIVE_BELOW, text_sentiment
    from repscan.core.language import detect
    from repscan.core.rules import negative

    reviews = load_written() + load_real(args.real)
    rows = []
    for review in reviews:
        text = review["text"]
        language = detect(text)
        score = text_sentiment(text, language)
        vader = text_sentiment(text, "en")
        rows.append({
            **review,
            "detected": language,
            "truth": negative(review["rating"], review["rating_max"]),  # the rated rule, default threshold
            "scored": score is not None,
            "predicted": score is not None and score <= TEXT_NEGATIVE_BELOW,
            "vader_predicted": vader is not None and vader <= TEXT_NEGATIVE_BELOW,
        })
    from bench.text_judges import Embedded
    from repscan.core import text_model

    embedded = Embedded(text_model.embed, [r["text"] for r in rows])
    head = text_model.head()
    for row, logit in zip(rows, embedded.head(head.weights, head.bias)):
        row["model_predicted"] = bool(logit >= 0)
    report = {
        "machine": machine(),
        "detector": detector,
        "model": cost,
        "rated": rated_sets(args.rated),
        "by_language": group(rows, lambda r: (r["dataset"], r["detected"] or "undetected")),
        "by_source": group(rows, lambda r: (r["dataset"], r["source"])),
        "parsers": sorted({(r["source"], r["parser"]) for r in rows}),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=list))
    else:
        print(render(report))
    return 0


def measure_detector() -> dict:
    """Load time and resident memory of the language detector, and its accuracy on our samples."""
    before = _rss_mb()
    started = time.perf_counter()
    from repscan.core.language import detect

    detect("Ein kurzer Satz zum Laden des Modells.")
    load_s = time.perf_counter() - started
    memory_mb = _rss_mb() - before
    samples = [json.loads(line) for line in (DATA / "language_samples.jsonl").read_text("utf-8").splitlines() if line]
    results = {}
    started = time.perf_counter()
    for sample in samples:
        kind = results.setdefault(sample["kind"], {"n": 0, "correct": 0, "undecided": 0, "wrong": []})
        got = detect(sample["text"])
        kind["n"] += 1
        if got == sample["language"]:
            kind["correct"] += 1
        elif got is None:
            kind["undecided"] += 1
        else:
            kind["wrong"].append(f"{sample['language']}->{got}: {sample['text']}")
    per_text_ms = (time.perf_counter() - started) / max(len(samples), 1) * 1000
    return {"load_s": round(load_s, 2), "memory_mb": round(memory_mb), "ms_per_text": round(per_text_ms, 3),
            "languages": len({s["language"] for s in samples}), "samples": results}


def load_written() -> list[dict]:
    rows = []
    for line in (DATA / "rated_reviews.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append({"dataset": "written", "source": f"written-{item['language']}", "parser": "jsonl",
                         "expected": item["language"], "rating": float(item["rating"]),
                         "rating_max": float(item["rating_max"]), "text": item["text"]})
    return rows


# site key, file, URL the page was saved from, expected language, fallback parser
REAL_PAGES = [
    ("app-store", "app-store/apple-store-app-jp-customerreviews-2015.json",
     "https://itunes.apple.com/jp/rss/customerreviews/id=375380948/sortby=mostrecent/json", "ja", "_app_store"),
    ("google-play", "google-play/igtv-app-details-page-2019.html",
     "https://play.google.com/store/apps/details?id=com.instagram.igtv", "en", "_google_play"),
    ("trustpilot", "trustpilot/eventnet-de-review-page-prettified-2024.html",
     "https://www.trustpilot.com/review/eventnet.de", "de", None),
    ("yelp", "yelp/biz-aaron-gordon-construction-sf-2022.html",
     "https://www.yelp.com/biz/aaron-gordon-construction-san-francisco-4", "en", "_yelp"),
    ("yelp", "yelp/user-oriole-m-reviews-2019.html",
     "https://www.yelp.com/user_details?userid=bMpE9cdUirpSBPzDJubIrg", "en", "_yelp"),
    ("consumeraffairs", "consumeraffairs/autonation-reviews-rendered-2025.html",
     "https://www.consumeraffairs.com/automotive/autonation.htm", "en", "_consumeraffairs"),
    ("tripadvisor", "tripadvisor/kranj-house-attraction-reviews-2019.html",
     "https://www.tripadvisor.com/Attraction_Review-g274873-d7104166-Reviews-Kranj_House.html", "en", "_tripadvisor"),
    ("jsonld", "jsonld-reviews/chefjeanpierre-beef-bourguignon-2024.html",
     "https://chefjeanpierre.com/recipes/beef-bourguignon-recipe/", "en", None),
    ("google-places", "google-places/legacy-place-details-docs-example-google-sydney-2022.json",
     "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJN1t_tDeuEmsRUsoyG83frY4", "en",
     "_google_places"),
]


def load_real(folder: Path) -> list[dict]:
    """Rated reviews from the saved pages: repscan's extractor where one exists, else a minimal parser."""
    if not folder.is_dir():
        print(f"note: {folder} not found, real pages skipped", file=sys.stderr)
        return []
    rows = []
    for site, name, url, expected, fallback in REAL_PAGES:
        path = folder / name
        if not path.is_file():
            print(f"note: {path} not found, skipped", file=sys.stderr)
            continue
        body = path.read_bytes()
        pairs, parser = _with_extractor(site, url, body), f"repscan.spiders.pages.{site}"
        if not pairs and fallback:
            pairs, parser = globals()[fallback](body), "bench fallback"
        for rating, rating_max, text in pairs:
            rows.append({"dataset": "real", "source": site, "parser": parser, "expected": expected,
                         "rating": rating, "rating_max": rating_max, "text": text})
    return rows


def _with_extractor(site: str, url: str, body: bytes) -> list[tuple[float, float, str]]:
    try:
        from scrapy.http import HtmlResponse, TextResponse

        from repscan.spiders.pages import get

        response_class = TextResponse if url.split("?")[0].endswith("json") else HtmlResponse
        items = get(site).extract(response_class(url=url, body=body, encoding="utf-8"))
    except Exception as error:  # an extractor still being written, or none for this site
        print(f"note: spiders.pages {site!r} unavailable ({type(error).__name__}), using the bench parser",
              file=sys.stderr)
        return []
    pairs = []
    for item in items:
        item = dict(item)
        text = " ".join(p for p in (item.get("title"), item.get("text")) if p)
        if item.get("rating") is not None and text.strip():
            pairs.append((float(item["rating"]), float(item.get("rating_max") or 5), text))
    return pairs


def _app_store(body: bytes) -> list[tuple[float, float, str]]:
    entries = json.loads(body)["feed"]["entry"]
    return [(float(e["im:rating"]["label"]), 5.0, f"{e['title']['label']} {e['content']['label']}")
            for e in entries if "im:rating" in e]


def _google_play(body: bytes) -> list[tuple[float, float, str]]:
    html = body.decode("utf-8")
    for match in re.finditer(r"AF_initDataCallback\(\{key: 'ds:\d+'.*?data:function\(\)\{return (.*?)\}\}\);</script>",
                             html, re.S):
        try:
            data = json.loads(match.group(1))
        except ValueError:
            continue
        reviews = data[0] if isinstance(data, list) and data and isinstance(data[0], list) else []
        if reviews and all(isinstance(r, list) and r and str(r[0]).startswith("gp:") for r in reviews):
            return [(float(r[2]), 5.0, r[4]) for r in reviews if r[2] and r[4]]
    return []


def _yelp(body: bytes) -> list[tuple[float, float, str]]:
    from parsel import Selector

    page = Selector(text=body.decode("utf-8"))
    pairs = []
    for block in page.xpath('//li[.//div[contains(@aria-label, "star rating")]]'):
        text = block.css('span[class*="raw__09f24__"]').xpath("string()").get()  # the first: the review
        stars = block.css('div[aria-label*="star rating"]::attr(aria-label)').get()
        if text and stars:
            pairs.append((float(stars.split()[0]), 5.0, text))
    for block in page.css("div.review[data-review-id]") or page.xpath('//*[@data-review-id][.//p[@lang]]'):
        text = block.css("p[lang]").xpath("string()").get()
        stars = block.css(".i-stars::attr(title)").get()
        if text and stars:
            pairs.append((float(stars.split()[0]), 5.0, text))
    return pairs


def _consumeraffairs(body: bytes) -> list[tuple[float, float, str]]:
    from parsel import Selector

    pairs = []
    for block in Selector(text=body.decode("utf-8")).css("div.rvw"):
        stars = block.css('[itemprop="ratingValue"]::attr(content)').get()
        paragraph = block.css(".rvw__all-text p") or block.css(".rvw__top-text p")
        text = " ".join(t.strip() for t in paragraph.xpath("text()").getall() if t.strip())
        if stars and text:
            pairs.append((float(stars), 5.0, text))
    return pairs


def _tripadvisor(body: bytes) -> list[tuple[float, float, str]]:
    from parsel import Selector

    pairs = []
    for block in Selector(text=body.decode("utf-8")).css("div.review-container"):
        bubble = re.search(r"bubble_(\d+)", block.css("span.ui_bubble_rating::attr(class)").get() or "")
        title = block.css("span.noQuotes").xpath("string()").get() or ""
        text = block.css("p.partial_entry").xpath("string()").get() or ""
        if bubble and text:
            pairs.append((int(bubble.group(1)) / 10, 5.0, f"{title} {text}".strip()))
    return pairs


def _google_places(body: bytes) -> list[tuple[float, float, str]]:
    reviews = json.loads(body).get("result", {}).get("reviews", [])
    return [(float(r["rating"]), 5.0, r["text"]) for r in reviews if r.get("text") and r.get("rating")]


def group(rows: list[dict], key) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return [{"dataset": k[0], "group": k[1], **scores(v)} for k, v in sorted(groups.items())]


def scores(rows: list[dict]) -> dict:
    result = {"n": len(rows), "negatives": sum(r["truth"] for r in rows),
              "scored": sum(r["scored"] for r in rows),
              "language_as_expected": sum(r["detected"] == r["expected"] for r in rows)}
    for name, field in (("text", "predicted"), ("vader_only", "vader_predicted"), ("model", "model_predicted")):
        tp = sum(r["truth"] and r[field] for r in rows)
        fp = sum(not r["truth"] and r[field] for r in rows)
        fn = sum(r["truth"] and not r[field] for r in rows)
        tn = len(rows) - tp - fp - fn
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else (
            0.0 if precision is not None and recall is not None else None)
        result[name] = {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall,
                        "f1": f1, "accuracy": (tp + tn) / len(rows) if rows else None}
    return result


def rated_sets(folder: Path) -> list[dict]:
    """Per set: balanced accuracy and recall of negatives of each judge (word lists, model, no head, both)."""
    from bench.text_judges import Embedded, load_rated, no_head_cut, word_list_scores
    from bench.train_head import balanced
    from repscan.core import text_model
    from repscan.core.classify import TEXT_NEGATIVE_BELOW

    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if not files:
        print(f"note: no rated sets in {folder}", file=sys.stderr)
        return []
    head, cut = text_model.head(), no_head_cut(text_model.embed)
    results = []
    for path in files:
        rows = load_rated(path)
        texts, truth = [r["text"] for r in rows], [r["negative"] for r in rows]
        embedded = Embedded(text_model.embed, texts)
        model = embedded.head(head.weights, head.bias) >= 0
        words = np.asarray(word_list_scores(texts))
        judges = {
            "word lists": words <= TEXT_NEGATIVE_BELOW,
            "model": model,
            "no head": embedded.no_head(text_model.embed) >= cut,
            "model or strong word lists": model | (words <= -0.5),
        }
        results.append({"set": rows[0]["set"] if rows else path.stem, "language": rows[0]["language"] if rows else None,
                        "n": len(rows), "negatives": int(sum(truth)), "no_head_cut": round(float(cut), 4),
                        **{name: dict(zip(("balanced_accuracy", "recall"), balanced(p, truth)))
                           for name, p in judges.items()}})
    return results


def measure_model(texts: int = 60) -> dict:
    """Load time, per-text latency (one text a call, as the pipeline asks), CPU time and memory of the model."""
    import resource

    from repscan.core import text_model

    sample = [r["text"] for r in load_written()][:texts]
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    text_model.embed(["warm up"])
    load = {"load_s": round(time.perf_counter() - wall, 3), "load_cpu_s": round(time.process_time() - cpu, 3)}
    wall, cpu = time.perf_counter(), time.process_time()
    for text in sample:
        text_model.embed([text])
    per_text = (time.perf_counter() - wall) / len(sample) * 1000
    per_text_cpu = (time.process_time() - cpu) / len(sample) * 1000
    return {**load, "ms_per_text": round(per_text, 1), "cpu_ms_per_text": round(per_text_cpu, 1),
            "texts": len(sample), "mean_chars": round(sum(map(len, sample)) / len(sample)),
            "memory_mb": round(_rss_mb() - before), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "cores": len(os.sched_getaffinity(0)), "threads": int(os.environ.get(text_model.THREADS) or 1),
            "head": text_model.head().model}


def render_cost(cost: dict) -> str:
    return (f"Model ({cost['head']}), {cost['cores']} core(s) allowed, {cost['threads']} thread(s): "
            f"load {cost['load_s']} s (CPU {cost['load_cpu_s']} s), {cost['ms_per_text']} ms per text "
            f"(CPU {cost['cpu_ms_per_text']} ms; {cost['texts']} texts of {cost['mean_chars']} characters on average), "
            f"+{cost['memory_mb']} MB resident, peak {cost['peak_rss_mb']} MB")


def render_rated(results: list[dict]) -> list[str]:
    names = ("word lists", "model", "no head", "model or strong word lists")
    lines = ["Real rated sets (balanced accuracy / recall of negatives)",
             "| set | language | n | neg | " + " | ".join(names) + " |", "|---|---|---:|---:|" + "---:|" * len(names)]
    for r in results:
        lines.append(f"| {r['set']} | {r['language']} | {r['n']} | {r['negatives']} | " + " | ".join(
            f"{_f(r[name]['balanced_accuracy'])} / {_f(r[name]['recall'])}" for name in names) + " |")
    return lines


def render(report: dict) -> str:
    m, d = report["machine"], report["detector"]
    lines = [f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, {m['date']}", "",
             render_cost(report["model"]), "", *render_rated(report["rated"]), "",
             f"Language detector: load {d['load_s']} s, +{d['memory_mb']} MB resident, "
             f"{d['ms_per_text']} ms per text"]
    for kind, r in d["samples"].items():
        lines.append(f"  {kind}: {r['correct']}/{r['n']} correct, {r['undecided']} undecided, "
                     f"{len(r['wrong'])} wrong {r['wrong'] if r['wrong'] else ''}".rstrip())
    for title, key in (("By detected language", "by_language"), ("By source", "by_source")):
        lines += ["", f"{title} (negative = rating <= 2 of 5; text = the word lists; vader = VADER on every text; model = the head)",
                  "| data | group | n | neg | scored | lang ok | precision | recall | F1 | accuracy "
                  "| vader F1 | vader acc | model recall | model acc |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for g in report[key]:
            t, v = g["text"], g["vader_only"]
            lines.append(f"| {g['dataset']} | {g['group']} | {g['n']} | {g['negatives']} | {g['scored']} | "
                         f"{g['language_as_expected']} | {_f(t['precision'])} | {_f(t['recall'])} | {_f(t['f1'])} | "
                         f"{_f(t['accuracy'])} | {_f(v['f1'])} | {_f(v['accuracy'])} | "
                         f"{_f(g['model']['recall'])} | {_f(g['model']['accuracy'])} |")
    lines += ["", "Parsers: " + ", ".join(f"{s} ({p})" for s, p in report["parsers"])]
    return "\n".join(lines)


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    sys.exit(main())
