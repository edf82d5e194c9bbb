"""The learned fallback: a text model of labels, trained on what the rules decided and what people decided.

Used only for labels no rule speaks to. Character n-grams (2–5, within words) and words of the body's kind,
service and expense, into a logistic regression: it learns a publisher's own vocabulary ('Nstrg(T)' under a
directorate the rules know) and misspellings ('Enviroment') without anyone writing a rule for them. It says
how sure it is; the classifier uses it only above a threshold, and says so in the decision's reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .classifier import Label
from .rules import NOT_A_FUNCTION, normalise_label

MIN_EXAMPLES = 40
MAX_EXAMPLES = 20_000  # more adds little and costs time: a larger set is sampled (deterministically)


def label_text(label: Label) -> str:
    """The text the model reads: the body's kind, then the service, then the expense."""
    return f"{label.body_kind or 'unknown'} | {normalise_label(label.service)} | {normalise_label(label.expense)}"


@dataclass
class Example:
    label: Label
    division: str  # a division, or 'none' (no function can be told)
    group: str | None


class LearnedModel:
    """A division model and, where examples give groups, a group model, over one set of text features."""

    def __init__(self, features, division_model, group_model, examples: int):
        self.features = features
        self.division_model = division_model
        self.group_model = group_model
        self.examples = examples

    @classmethod
    def fit(cls, examples: list[Example]) -> "LearnedModel | None":
        """Train on examples; None when there are too few, or of one kind only, to learn from."""
        if len(examples) < MIN_EXAMPLES or len({e.division for e in examples}) < 2:
            return None
        if len(examples) > MAX_EXAMPLES:
            examples = random.Random(len(examples)).sample(examples, MAX_EXAMPLES)
        features = _features()
        matrix = features.fit_transform([label_text(e.label) for e in examples])
        division_model = _classifier().fit(matrix, [e.division for e in examples])
        grouped = [i for i, e in enumerate(examples) if e.group]
        group_model = None
        if len(grouped) >= MIN_EXAMPLES and len({examples[i].group for i in grouped}) >= 2:
            group_model = _classifier().fit(matrix[grouped], [examples[i].group for i in grouped])
        return cls(features, division_model, group_model, len(examples))

    def predict(self, labels: list[Label]) -> list[tuple[str | None, str | None, float]]:
        """(division or None, group or None, probability of the division) for each label."""
        if not labels:
            return []
        matrix = self.features.transform([label_text(label) for label in labels])
        probabilities = self.division_model.predict_proba(matrix)
        classes = list(self.division_model.classes_)
        group_probabilities = self.group_model.predict_proba(matrix) if self.group_model is not None else None
        group_classes = list(self.group_model.classes_) if self.group_model is not None else []
        results: list[tuple[str | None, str | None, float]] = []
        for i, row in enumerate(probabilities):
            best = int(row.argmax())
            division = classes[best]
            if division == NOT_A_FUNCTION:
                results.append((None, None, float(row[best])))
                continue
            group = None
            if group_probabilities is not None:
                g = int(group_probabilities[i].argmax())
                if group_classes[g].split(".")[0] == division and group_probabilities[i][g] >= 0.5:
                    group = group_classes[g]
            results.append((division, group, float(row[best])))
        return results


def _features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=200_000),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9]{2,}"),
    )


def _classifier():
    from sklearn.linear_model import SGDClassifier

    # logistic regression by stochastic gradient descent: as good here as the exact solver and many times
    # faster; seeded, so a workspace's decisions do not change from run to run
    return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=5, tol=None, random_state=0)
