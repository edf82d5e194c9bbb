"""How well the classifier does, measured against labels people classified by hand, publisher by publisher.

Leave-one-publisher-out: for each publisher, the learned model is trained without it — on the rules'
decisions for every other publisher's labels in the ledger and on the other publishers' hand labels — and
the publisher's hand-labelled labels are then decided as a new publisher's would be. The rules are the same
in every fold; they were written looking at the labels of the *dev* publishers only, so the *held-out*
publishers' scores are the ones that say how totalplace does on a publisher it has never seen.

Division accuracy is over the labels a person could classify (unclassified there counts as wrong); labels a
person could not classify are scored apart: how many the classifier *forced* a function on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .classifier import Classifier, Decision, Label
from .decisions import training_examples
from .labelled import Labelled, read_labelled
from .learned import Example, LearnedModel
from .rules import NOT_A_FUNCTION, RuleSet


@dataclass
class Scores:
    labels: int = 0
    classified: int = 0  # labels a person gave a function
    division_right: int = 0
    decided: int = 0  # of those, labels the classifier gave a function
    groups_compared: int = 0
    group_right: int = 0
    not_classifiable: int = 0  # labels a person could not classify
    forced: int = 0  # ... that the classifier gave a function anyway
    theme_tp: int = 0
    theme_fp: int = 0
    theme_fn: int = 0
    misses: list[tuple[Labelled, Decision]] = field(default_factory=list, repr=False)

    def add(self, item: Labelled, decision: Decision) -> None:
        self.labels += 1
        if item.cofog:
            self.classified += 1
            if decision.cofog:
                self.decided += 1
            if decision.cofog == item.cofog:
                self.division_right += 1
                if item.cofog_group and decision.cofog_group:
                    self.groups_compared += 1
                    self.group_right += int(item.cofog_group == decision.cofog_group)
            else:
                self.misses.append((item, decision))
        else:
            self.not_classifiable += 1
            if decision.cofog:
                self.forced += 1
                self.misses.append((item, decision))
        gold, got = set(item.themes), set(decision.themes)
        self.theme_tp += len(gold & got)
        self.theme_fp += len(got - gold)
        self.theme_fn += len(gold - got)

    def merge(self, other: "Scores") -> None:
        for name in ("labels", "classified", "division_right", "decided", "groups_compared", "group_right",
                     "not_classifiable", "forced", "theme_tp", "theme_fp", "theme_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @property
    def division_accuracy(self) -> float:
        return self.division_right / self.classified if self.classified else 0.0

    @property
    def accuracy_where_decided(self) -> float:
        return self.division_right / self.decided if self.decided else 0.0

    @property
    def group_accuracy(self) -> float:
        return self.group_right / self.groups_compared if self.groups_compared else 0.0

    @property
    def theme_precision(self) -> float:
        return self.theme_tp / (self.theme_tp + self.theme_fp) if self.theme_tp + self.theme_fp else 0.0

    @property
    def theme_recall(self) -> float:
        return self.theme_tp / (self.theme_tp + self.theme_fn) if self.theme_tp + self.theme_fn else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        """The counts and scores, for scripts (`classify evaluate --json`); a score with nothing to measure it
        on (no label people classified, no group both gave, no theme either gave) is None."""
        def score(value: float, over: int) -> float | None:
            return round(value, 4) if over else None

        return {"labels": self.labels, "classified_by_people": self.classified, "division_right": self.division_right,
                "division_accuracy": score(self.division_accuracy, self.classified), "decided": self.decided,
                "accuracy_where_decided": score(self.accuracy_where_decided, self.decided),
                "groups_compared": self.groups_compared, "group_accuracy": score(self.group_accuracy, self.groups_compared),
                "not_classifiable": self.not_classifiable, "forced": self.forced,
                "theme_precision": score(self.theme_precision, self.theme_tp + self.theme_fp),
                "theme_recall": score(self.theme_recall, self.theme_tp + self.theme_fn)}

    def summary(self) -> str:
        return (f"labels {self.labels}: division accuracy {self.division_accuracy:.3f} ({self.division_right}/{self.classified}), "
                f"where decided {self.accuracy_where_decided:.3f}, group {self.group_accuracy:.3f} ({self.groups_compared}), "
                f"forced {self.forced}/{self.not_classifiable}, themes P {self.theme_precision:.3f} R {self.theme_recall:.3f}")


def leave_one_publisher_out(rules: RuleSet, labelled: list[Labelled], ledger_labels: list[Label],
                            learn: bool = True) -> dict[str, Scores]:
    """Scores for each publisher, its labels decided with a model trained without it (`learn` False: rules only)."""
    classifier = Classifier(rules)
    rule_decisions = classifier.decide_many(ledger_labels)
    results: dict[str, Scores] = {}
    for publisher in sorted({item.publisher for item in labelled}):
        mine = [item for item in labelled if item.publisher == publisher]
        model = None
        if learn:
            # the rules' confident decisions on every label in the ledger, the publisher's own included, as in
            # use (a new publisher's file is ingested, the rules decide what they can, the model learns from
            # that); no person's label of this publisher
            examples = training_examples(ledger_labels, rule_decisions)
            examples += [Example(item.label, item.cofog or NOT_A_FUNCTION, item.cofog_group)
                         for item in labelled if item.publisher != publisher]
            model = LearnedModel.fit(examples)
        fold = Classifier(rules, model)
        decisions = fold.decide_many([item.label for item in mine])
        scores = Scores()
        for item, decision in zip(mine, decisions):
            scores.add(item, decision)
        results[publisher] = scores
    return results


def totals(per_publisher: dict[str, Scores], labelled: list[Labelled], split: str | None = None) -> Scores:
    """Scores summed over the publishers of one split (or all)."""
    splits = {item.publisher: item.split for item in labelled}
    total = Scores()
    for publisher, scores in per_publisher.items():
        if split is None or splits[publisher] == split:
            total.merge(scores)
    return total


def main(argv: list[str] | None = None) -> None:
    """python -m totalplace.classify.evaluate WORKSPACE LABELS.csv: the scores docs/classification.md reports
    (WORKSPACE: a workspace holding the real ledger and register)."""
    import sys

    from ..classification import ledger_labels, rule_set
    from ..workspace import open_workspace

    args = argv if argv is not None else sys.argv[1:]
    workspace = open_workspace(args[0])
    labels = ledger_labels(workspace)
    labelled = read_labelled(Path(args[1]), workspace.register())
    rules = rule_set(workspace)
    for learn in (False, True):
        per = leave_one_publisher_out(rules, labelled, labels, learn=learn)
        print("rules and learned model" if learn else "rules only")
        for publisher, scores in per.items():
            print(f"  {publisher:16} {scores.summary()}")
        for split in ("dev", "held-out", None):
            print(f"  {split or 'all':16} {totals(per, labelled, split).summary()}")
    if "--misses" in args:
        for item, decision in totals(per, labelled, "dev").misses:
            print(f"{item.publisher} | {item.label.service} | {item.label.expense} | gold {item.cofog_group or item.cofog} "
                  f"| got {decision.cofog_group or decision.cofog} {decision.method} | {decision.reason[:150]}")


if __name__ == "__main__":
    main()
