"""The text judges the benchmark compares, each a function from texts to negative/not: word lists, model, no head."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.train_head import balanced, written

# The no-head baseline: a text is negative when it sits nearer the complaint descriptions than the others.
NEGATIVE_LABELS = [
    "a complaint about bad service, a problem the business must answer",
    "customer complaint: charged twice, no refund, nobody came, order never arrived",
    "warning to others: avoid this company, scam, fraud, fined, closed by inspectors",
    "Beschwerde: schlechter Service, Geld nicht zurück, niemand meldet sich",
    "plainte d'un client : mauvais service, pas de remboursement, personne ne répond",
    "queja de un cliente: mal servicio, no devuelven el dinero, nadie responde",
    "жалоба клиента: плохой сервис, деньги не вернули, никто не отвечает",
    "скарга клієнта: поганий сервіс, гроші не повернули, ніхто не відповідає",
    "reclamație: serviciu prost, banii nu au fost returnați, nu răspunde nimeni",
    "苦情: サービスが悪い、返金されない、誰も対応しない",
]
OTHER_LABELS = [
    "a happy customer: praise, good service, recommended",
    "a neutral post, question, advertisement or news item, not a complaint",
    "the problem was solved quickly, thank you",
    "zufriedener Kunde: guter Service, sehr empfehlenswert",
    "client satisfait : très bon service, je recommande",
    "cliente satisfecho: buen servicio, lo recomiendo",
    "довольный клиент: отличный сервис, рекомендую",
    "задоволений клієнт: чудовий сервіс, рекомендую",
    "client mulțumit: servicii foarte bune, recomand",
    "満足した客: 良いサービス、おすすめです",
]


def word_lists(texts: list[str]) -> list[bool]:
    """Today's classifier: VADER (English) and our word lists, language detected per text."""
    from repscan.core.classify import TEXT_NEGATIVE_BELOW, text_sentiment
    from repscan.core.language import detect

    scores = [text_sentiment(text, detect(text)) for text in texts]
    return [s is not None and s <= TEXT_NEGATIVE_BELOW for s in scores]


def word_list_scores(texts: list[str]) -> list[float]:
    from repscan.core.classify import text_sentiment
    from repscan.core.language import detect

    return [text_sentiment(text, detect(text)) or 0.0 for text in texts]


class Embedded:
    """The texts' embeddings, computed once and shared by the model's judges."""

    def __init__(self, embed, texts: list[str], batch: int = 64):
        self.texts = texts
        self.vectors = np.vstack([np.asarray(embed(texts[i:i + batch]), dtype=np.float64)
                                  for i in range(0, len(texts), batch)]) if texts else np.zeros((0, 384))

    def head(self, weights, bias) -> np.ndarray:
        """Logit of the linear head (>= 0: negative)."""
        return self.vectors @ np.asarray(weights) + bias

    def no_head(self, embed) -> np.ndarray:
        """Margin of the nearest complaint description over the nearest other one."""
        negative, other = (np.asarray(embed(labels), dtype=np.float64) for labels in (NEGATIVE_LABELS, OTHER_LABELS))
        return (self.vectors @ negative.T).max(axis=1) - (self.vectors @ other.T).max(axis=1)


def no_head_cut(embed) -> float:
    """The no-head margin cut with the best balanced accuracy on our written examples (never an evaluation set)."""
    rows = written()
    margins = Embedded(embed, [r["text"] for r in rows]).no_head(embed)
    truth = [r["negative"] for r in rows]
    return max(np.unique(margins), key=lambda cut: balanced(margins >= cut, truth)[0])


def load_rated(path: Path) -> list[dict]:
    """One set's reviews: negative = 1-2 of 5 (by `label` when it says), 3 of 5 left out."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        label = str(item.get("label", "")).lower()
        if label in ("negative", "neg", "1", "true"):
            negative = True
        elif label in ("positive", "pos", "0", "false"):
            negative = False
        else:
            share = float(item["rating"]) / float(item.get("rating_max") or 5)
            if 0.4 < share < 0.8:
                continue
            negative = share <= 0.4
        rows.append({"set": item.get("set") or path.stem, "language": item.get("language"),
                     "text": item["text"], "negative": negative})
    return rows
