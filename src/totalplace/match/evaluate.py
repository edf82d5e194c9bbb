"""How well the matcher does against suppliers labelled by hand (tests/match/eval_suppliers.csv).

Two questions, as the count needs them answered: is this supplier a public body (precision and recall), and,
where both the label and the matcher name a body, is it the same one (which-body accuracy). The set is split
for honesty: errors were looked at only in the "dev" part while the rules were written; the "held-out" part
(three names in ten, chosen by a hash of the name) was only ever scored.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..reference.register import Register, code_key
from .matcher import Decision, Matcher


@dataclass
class Labelled:
    file: str
    supplier: str
    is_public: bool
    counterparty_type: str
    body_code: str
    body_name: str
    notes: str

    @property
    def split(self) -> str:
        return "held-out" if int(hashlib.sha1(self.supplier.encode()).hexdigest(), 16) % 10 < 3 else "dev"


@dataclass
class Scores:
    rows: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    body_compared: int = 0
    body_correct: int = 0
    public_with_known_body: int = 0
    public_with_known_body_matched: int = 0
    type_correct: int = 0
    errors: list[tuple[str, Labelled, Decision]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def which_body_accuracy(self) -> float:
        return self.body_correct / self.body_compared if self.body_compared else 1.0

    @property
    def body_coverage(self) -> float:
        return self.public_with_known_body_matched / self.public_with_known_body if self.public_with_known_body else 1.0

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.rows if self.rows else 1.0

    def summary(self) -> dict[str, object]:
        return {"rows": self.rows, "public": self.true_positive + self.false_negative,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "which_body_accuracy": round(self.which_body_accuracy, 4), "bodies_compared": self.body_compared,
                "body_coverage": round(self.body_coverage, 4), "type_accuracy": round(self.type_accuracy, 4)}


def read_labels(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Labelled(r["file"], r["supplier"], r["is_public"].strip() == "1", r["counterparty_type"].strip(),
                         r.get("body_code", "").strip(), r.get("body_name", "").strip(), r.get("notes", ""))
                for r in csv.DictReader(f)]


def labelled_bodies(register: Register, label: Labelled) -> set[str]:
    """The register bodies a label names, by its code or else its name; empty when the register has none."""
    if label.body_code:
        return set(register.code_keys().get(code_key(label.body_code), set()))
    if label.body_name:
        return {b.body_id for b in register.candidates(label.body_name)}
    return set()


def evaluate(register: Register, labels: list[Labelled], matcher: Matcher | None = None) -> dict[str, Scores]:
    """Scores for the dev part, the held-out part and all labels."""
    matcher = matcher or Matcher(register)
    scores = {"dev": Scores(), "held-out": Scores(), "all": Scores()}
    for label in labels:
        decision = matcher.match(label.supplier)
        for part in (label.split, "all"):
            _score(scores[part], register, label, decision)
    return scores


def _score(s: Scores, register: Register, label: Labelled, decision: Decision) -> None:
    s.rows += 1
    predicted = decision.is_public
    if predicted and label.is_public:
        s.true_positive += 1
    elif predicted:
        s.false_positive += 1
        s.errors.append(("not public, matched as public", label, decision))
    elif label.is_public:
        s.false_negative += 1
        s.errors.append(("public, missed", label, decision))
    else:
        s.true_negative += 1
    s.type_correct += decision.counterparty_type == label.counterparty_type
    truth = labelled_bodies(register, label) if label.is_public else set()
    if truth:
        s.public_with_known_body += 1
        if decision.body_id:
            s.public_with_known_body_matched += 1
    if truth and decision.body_id:
        s.body_compared += 1
        if decision.body_id in truth:
            s.body_correct += 1
        else:
            s.errors.append(("wrong body", label, decision))


def type_confusion(register: Register, labels: list[Labelled]) -> Counter[tuple[str, str]]:
    matcher = Matcher(register)
    return Counter((label.counterparty_type, matcher.match(label.supplier).counterparty_type) for label in labels)


def main(argv: list[str] | None = None) -> None:
    """python -m totalplace.match.evaluate REFERENCE_DIR LABELS.csv: the scores, as docs/matching.md reports them."""
    import sys

    from ..reference.register import load_register_files

    args = argv if argv is not None else sys.argv[1:]
    register, _ = load_register_files(Path(args[0]))
    labels = read_labels(Path(args[1]))
    for part, s in evaluate(register, labels).items():
        print(part, s.summary())
    print("type confusion (label -> decision):")
    for (label, decided), n in sorted(type_confusion(register, labels).items()):
        if label != decided:
            print(f"  {label} -> {decided}: {n}")


if __name__ == "__main__":
    main()
