"""The learned model's own parts: its features (TF-IDF of character n-grams within words, and of words) and its
logistic regression."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np

import totalplace as tp

from totalplace.classify.classifier import Label
from totalplace.classify.learned import Example, LearnedModel, SoftmaxRegression, TextFeatures, char_grams, word_grams


def test_character_grams_stay_within_a_padded_word():
    assert char_grams("ab") == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert char_grams("a") == [" a", "a ", " a "]  # shorter than n: the padded word once, then no longer grams
    assert word_grams("home care | 7x older people") == [
        "home", "care", "7x", "older", "people", "home care", "care 7x", "7x older", "older people"]


def test_each_part_of_a_text_has_unit_length_and_unseen_grams_are_ignored():
    features = TextFeatures()
    matrix = features.fit_transform(["Waste Collection", "waste disposal", "Libraries", ""]).toarray()
    chars, words = matrix[:, :len(features.char_vocabulary)], matrix[:, len(features.char_vocabulary):]
    assert np.allclose(np.linalg.norm(chars, axis=1), [1, 1, 1, 0])
    assert np.allclose(np.linalg.norm(words, axis=1), [1, 1, 1, 0])
    unseen = features.transform(["zzz qqq"]).toarray()
    assert not unseen.any()
    # a gram in every text weighs least: 'waste' in two of four texts outweighs nothing, 'collection' in one
    vocab = features.word_vocabulary
    first = words[0]
    assert first[vocab["collection"]] > first[vocab["waste"]]


def test_weights_are_tf_idf_with_sublinear_counts_and_smoothed_idf():
    """The word part of two texts, worked by hand: tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1, then
    each text's part scaled to unit length."""
    features = TextFeatures()
    matrix = features.fit_transform(["aa bb", "aa aa"]).toarray()
    words = matrix[:, len(features.char_vocabulary):]
    vocab = features.word_vocabulary
    assert set(vocab) == {"aa", "bb", "aa bb", "aa aa"}
    idf_rare = math.log(3 / 2) + 1  # in one text of two; 'aa' is in both: idf 1
    first = np.array([1.0, idf_rare, idf_rare])  # aa, bb, 'aa bb': each once
    second = np.array([1 + math.log(2), idf_rare])  # aa twice, 'aa aa' once
    assert np.allclose(words[0, [vocab["aa"], vocab["bb"], vocab["aa bb"]]], first / np.linalg.norm(first))
    assert np.allclose(words[1, [vocab["aa"], vocab["aa aa"]]], second / np.linalg.norm(second))
    assert words[0, vocab["aa aa"]] == words[1, vocab["bb"]] == 0


def test_a_short_last_batch_takes_a_short_step(monkeypatch):
    """An example alone in a pass's last batch weighs what any example weighs. Here the one example of its
    kind is put where the seeded shuffle leaves it alone at the end of the pass: its class's weights stay
    smaller than those of the kinds with 32 examples each (a full step on a batch of one made them larger)."""
    from totalplace.classify import learned

    monkeypatch.setattr(learned, "EPOCHS", 1)
    alone = int(np.random.default_rng(0).permutation(65)[-1])
    texts = [f"refuse round {i}" if i % 2 else f"library books {i}" for i in range(64)]
    targets = ["05" if i % 2 else "08" for i in range(64)]
    texts.insert(alone, "general civils")
    targets.insert(alone, "04")
    model = SoftmaxRegression.fit(TextFeatures().fit_transform(texts), targets)
    largest = np.abs(model.weights).max(axis=0)
    assert model.classes == ["04", "05", "08"] and largest[0] < min(largest[1], largest[2])


def test_updating_only_a_batchs_own_features_gives_the_same_model(monkeypatch):
    from totalplace.classify import learned

    features = TextFeatures()
    texts = [f"refuse round {i}" for i in range(40)] + [f"library books {i}" for i in range(40)]
    matrix = features.fit_transform(texts)
    dense = SoftmaxRegression.fit(matrix, ["05"] * 40 + ["08"] * 40)
    monkeypatch.setattr(learned, "DENSE_UPDATE_LIMIT", 0)
    sparse = SoftmaxRegression.fit(matrix, ["05"] * 40 + ["08"] * 40)
    assert np.allclose(dense.weights, sparse.weights, atol=1e-6) and np.allclose(dense.bias, sparse.bias)


def test_the_regression_learns_a_separable_problem_and_is_deterministic():
    features = TextFeatures()
    texts = [f"refuse round {i}" for i in range(30)] + [f"library books {i}" for i in range(30)]
    targets = ["05"] * 30 + ["08"] * 30
    matrix = features.fit_transform(texts)
    model = SoftmaxRegression.fit(matrix, targets)
    again = SoftmaxRegression.fit(matrix, targets)
    assert np.array_equal(model.weights, again.weights)
    probabilities = model.probabilities(features.transform(["refuse round 99", "library books 99"]))
    assert model.classes == ["05", "08"]
    assert probabilities[0, 0] > 0.9 and probabilities[1, 1] > 0.9


def test_a_model_survives_pickling_with_the_same_answers():
    def council(service: str) -> Label:
        return Label("LBH", "council", service)

    examples = ([Example(council(f"Refuse Round {i}"), "05", "05.1") for i in range(30)]
                + [Example(council(f"Branch Library {i}"), "08", "08.2") for i in range(30)])
    model = LearnedModel.fit(examples)
    labels = [council("Refuse Round 99"), council("Branch Library 99"), council("")]
    copy = pickle.loads(pickle.dumps(model))
    assert copy.predict(labels) == model.predict(labels)
    (refuse, library, empty) = model.predict(labels)
    assert refuse[:2] == ("05", "05.1") and library[:2] == ("08", "08.2")


def _spending_file(path, services: list[str]) -> None:
    lines = ["Supplier,Date,Amount,Service Area,Expense Type"]
    lines += [f"Acme Ltd,01/04/2024,{100 + i},{service},Contractors" for i, service in enumerate(services)]
    path.write_text("\n".join(lines) + "\n")


def test_a_stored_model_learns_again_once_the_ledger_has_grown(tmp_path):
    """Ingest keeps the model it trained and reuses it for later files' new labels; once the ledger has a
    quarter more labels than the model learned from, it learns again, from all of them."""
    from totalplace.classification import MODEL_FILE, RELEARN_GROWTH
    from totalplace.classify.decisions import classify_dir
    from totalplace.demo.place import write_register

    ws = tp.init_workspace(tmp_path / "ws", "test")
    tp.load_reference(ws, Path(write_register(tmp_path / "reference")[0]).parent)

    def ingest(name: str, services: list[str]) -> LearnedModel:
        path = tmp_path / name
        _spending_file(path, services)
        (result,) = tp.ingest(ws, [path], body="Northtown")
        assert result.status == "loaded", result.error
        _, model = pickle.loads((classify_dir(ws.store) / MODEL_FILE).read_bytes())
        return model

    known = [f"Refuse Collection Round {i}" for i in range(30)] + [f"Branch Library {i}" for i in range(30)]
    first = ingest("a.csv", known + ["ZQ Unknown 1"])  # a label no rule speaks to: a model is trained
    assert first.ledger_labels == 61
    small = ingest("b.csv", [f"Branch Library {i}" for i in range(30, 35)] + ["ZQ Unknown 2"])
    assert small.ledger_labels == 61  # 67 labels: not enough growth to learn again; the model is reused
    grown = ingest("c.csv", [f"Refuse Collection Round {i}" for i in range(30, 50)] + ["ZQ Unknown 3"])
    assert 67 <= RELEARN_GROWTH * 61 < 88  # the second ingest is below the line, the third above it
    assert grown.ledger_labels == 88 and grown.examples > first.examples
