"""The learned fallback: a text model of labels, trained on what the rules decided and what people decided.

Used only for labels no rule speaks to. Character n-grams (2–5, within words) and words (one and two) of the
body's kind, service and expense, weighted by TF-IDF, into a logistic regression: it learns a publisher's own
vocabulary ('Nstrg(T)' under a directorate the rules know) and misspellings ('Enviroment') without anyone
writing a rule for them. It says how sure it is; the classifier uses it only above a threshold, and says so in
the decision's reason.

Written on numpy and scipy's sparse matrices. (It was scikit-learn's TfidfVectorizer and SGDClassifier: the
same features and much the same model, but importing scikit-learn took one to two seconds of every ingest
that needed a model, more than the model itself.)
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .classifier import Label
from .rules import NOT_A_FUNCTION, normalise_label

MIN_EXAMPLES = 40
MAX_EXAMPLES = 20_000  # more adds little and costs time: a larger set is sampled (deterministically)
MAX_CHAR_FEATURES = 200_000
CHAR_SIZES = (2, 3, 4, 5)
WORD_TOKEN = re.compile(r"[a-z0-9]{2,}")

# the logistic regression's training: mini-batch gradient descent on the log loss with a little L2 (chosen on
# the dev publishers: as accurate as scikit-learn's SGDClassifier was, 0.911, and no more labels forced)
EPOCHS = 5
BATCH = 64
LEARNING_RATE = 60.0  # on a batch's mean gradient: about 1 for each example in it, falling as training goes on
L2 = 1e-5
DENSE_UPDATE_LIMIT = 2_000_000  # features x classes above which a batch updates only its own features' weights
BIAS_RATE = 0.01  # the intercept learns slowly (as scikit-learn's SGD does on sparse text): a label of words
# never seen is then not decided by which division was commonest in training


def label_text(label: Label) -> str:
    """The text the model reads: the body's kind, then the service, then the expense."""
    return f"{label.body_kind or 'unknown'} | {normalise_label(label.service)} | {normalise_label(label.expense)}"


@dataclass
class Example:
    label: Label
    division: str  # a division, or 'none' (no function can be told)
    group: str | None


def char_grams(word: str) -> list[str]:
    """A word's character n-grams, the word padded with a space each side; a word shorter than n is one gram."""
    padded = f" {word} "
    grams: list[str] = []
    for n in CHAR_SIZES:
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def word_grams(text: str) -> list[str]:
    """Words of two or more letters or digits, and each pair of neighbours."""
    words = WORD_TOKEN.findall(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class TextFeatures:
    """TF-IDF (sublinear counts, smoothed inverse document frequency) of a text's character n-grams and of its
    words, each part scaled to unit length, side by side in one sparse matrix."""

    def __init__(self) -> None:
        self.char_vocabulary: dict[str, int] = {}
        self.word_vocabulary: dict[str, int] = {}
        self.char_idf = np.zeros(0)
        self.word_idf = np.zeros(0)

    def fit_transform(self, texts: list[str]):
        texts = [t.lower() for t in texts]
        words = [t.split() for t in texts]
        occurrences = Counter(w for ws in words for w in ws)
        totals: Counter[str] = Counter()
        for word, count in occurrences.items():
            for gram, n in Counter(char_grams(word)).items():
                totals[gram] += n * count
        kept = totals.most_common(MAX_CHAR_FEATURES)
        self.char_vocabulary = {gram: i for i, (gram, _) in enumerate(sorted(kept))}
        pairs = [word_grams(text) for text in texts]
        self.word_vocabulary = {}
        for grams in pairs:
            for gram in grams:
                self.word_vocabulary.setdefault(gram, len(self.word_vocabulary))
        char_counts, word_counts = self._counts(words, pairs)
        self.char_idf, self.word_idf = _idf(char_counts), _idf(word_counts)
        return self._weigh(char_counts, word_counts)

    def transform(self, texts: list[str]):
        texts = [t.lower() for t in texts]
        return self._weigh(*self._counts([t.split() for t in texts], [word_grams(t) for t in texts]))

    def _counts(self, words: list[list[str]], word_grams_of: list[list[str]]):
        """(char-gram counts, word-gram counts), documents by features. Char grams never cross a word, so a
        text's counts are the sum of its words': each distinct word is cut into grams once."""
        distinct = {w: i for i, w in enumerate(dict.fromkeys(w for ws in words for w in ws))}
        by_word = _count_matrix(words, distinct)
        grams_of_word = _count_matrix([char_grams(w) for w in distinct], self.char_vocabulary)
        char_counts = (by_word @ grams_of_word).tocsr()
        char_counts.sum_duplicates()
        return char_counts, _count_matrix(word_grams_of, self.word_vocabulary)

    def _weigh(self, char_counts, word_counts):
        from scipy import sparse

        return sparse.hstack([_tfidf(char_counts, self.char_idf), _tfidf(word_counts, self.word_idf)],
                             format="csr", dtype=np.float32)


def _count_matrix(documents: list[list[str]], vocabulary: dict[str, int]):
    """How often each term of the vocabulary is in each document (terms not in it are left out)."""
    from scipy import sparse

    rows, cols = [], []
    for i, terms in enumerate(documents):
        for term in terms:
            k = vocabulary.get(term)
            if k is not None:
                rows.append(i)
                cols.append(k)
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(documents), len(vocabulary)))
    counts.sum_duplicates()
    return counts


def _idf(counts) -> np.ndarray:
    documents = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1 + documents) / (1 + frequency)) + 1.0


def _tfidf(counts, idf: np.ndarray):
    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    per_row = np.diff(weighted.indptr)
    lengths = np.sqrt(np.bincount(np.repeat(np.arange(weighted.shape[0]), per_row), weights=weighted.data ** 2,
                                  minlength=weighted.shape[0]))
    weighted.data /= np.repeat(lengths, per_row)  # a row with nothing in it has nothing to scale
    return weighted


class SoftmaxRegression:
    """Multinomial logistic regression, trained by mini-batch gradient descent in a fixed, seeded order (a
    workspace's decisions do not change from run to run)."""

    def __init__(self, classes: list[str], weights: np.ndarray, bias: np.ndarray):
        self.classes = classes
        self.weights = weights
        self.bias = bias

    @classmethod
    def fit(cls, matrix, targets: list[str]) -> "SoftmaxRegression":
        classes = sorted(set(targets))
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[t] for t in targets])
        rows, features = matrix.shape
        weights = np.zeros((features, len(classes)), dtype=np.float32)
        bias = np.zeros(len(classes), dtype=np.float32)
        order = np.random.default_rng(0)
        step = 0
        from scipy import sparse

        sparse_updates = features * len(classes) > DENSE_UPDATE_LIMIT
        for _ in range(EPOCHS):
            decay = 0.0
            shuffled = order.permutation(rows)
            xs, ys = matrix[shuffled], y[shuffled]
            for start in range(0, rows, BATCH):
                x, chosen = xs[start:start + BATCH], ys[start:start + BATCH]
                p = _softmax(x @ weights + bias)
                p[np.arange(len(chosen)), chosen] -= 1.0
                # each example weighs 1/BATCH, so a pass's short last batch takes a short step, not a full one
                p /= BATCH
                rate = LEARNING_RATE / math.sqrt(1 + step / 100)
                decay += rate * len(chosen) / BATCH
                if sparse_updates:  # only the features in the batch have a gradient: update just those rows
                    touched, column = np.unique(x.indices, return_inverse=True)
                    own = sparse.csr_matrix((x.data, column, x.indptr), shape=(x.shape[0], len(touched)))
                    weights[touched] -= rate * (own.T @ p)
                else:
                    weights -= rate * (x.T @ p)
                bias -= rate * BIAS_RATE * p.sum(axis=0)
                step += 1
            weights *= 1 - L2 * decay  # the L2 penalty's shrinking, once an epoch: it is small
        return cls(classes, weights, bias)

    def probabilities(self, matrix) -> np.ndarray:
        return _softmax(matrix @ self.weights + self.bias)


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float32)
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


class LearnedModel:
    """A division model and, where examples give groups, a group model, over one set of text features."""

    def __init__(self, features: TextFeatures, division_model: SoftmaxRegression,
                 group_model: SoftmaxRegression | None, examples: int):
        self.features = features
        self.division_model = division_model
        self.group_model = group_model
        self.examples = examples
        self.ledger_labels = examples  # how many labels the ledger had when it learned (set by whoever trains it)

    @classmethod
    def fit(cls, examples: list[Example]) -> "LearnedModel | None":
        """Train on examples; None when there are too few, or of one kind only, to learn from."""
        if len(examples) < MIN_EXAMPLES or len({e.division for e in examples}) < 2:
            return None
        if len(examples) > MAX_EXAMPLES:
            examples = random.Random(len(examples)).sample(examples, MAX_EXAMPLES)
        features = TextFeatures()
        matrix = features.fit_transform([label_text(e.label) for e in examples])
        division_model = SoftmaxRegression.fit(matrix, [e.division for e in examples])
        grouped = [i for i, e in enumerate(examples) if e.group]
        group_model = None
        if len(grouped) >= MIN_EXAMPLES and len({examples[i].group for i in grouped}) >= 2:
            group_model = SoftmaxRegression.fit(matrix[grouped], [examples[i].group for i in grouped])
        return cls(features, division_model, group_model, len(examples))

    def predict(self, labels: list[Label]) -> list[tuple[str | None, str | None, float]]:
        """(division or None, group or None, probability of the division) for each label."""
        if not labels:
            return []
        matrix = self.features.transform([label_text(label) for label in labels])
        probabilities = self.division_model.probabilities(matrix)
        classes = self.division_model.classes
        group_probabilities = self.group_model.probabilities(matrix) if self.group_model is not None else None
        group_classes = self.group_model.classes if self.group_model is not None else []
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
