"""Decide one label's function and themes: a person's decision, else the body, the rules, the learned model.

A *label* is what a publisher says about a payment: its service ('Adults and Health / Services For Older
People Under 65 P/Dis') and its expense ('Third Party Payments / Residential Care'), for one body. The
decision is a COFOG division and group (or *unclassified*, with the reason), zero or more themes, a method and
a confidence — and a reason a person can check.

How the evidence is weighed (docs/classification.md says it in words):
1. A single-purpose body (police, fire, NHS, ...) keeps its function; rules may only say which group.
2. Otherwise the strongest rule found decides: by weight (3 names the function, 2 usually does, 1 a hint),
   then the service over the expense over the row's description, then the later part of a label (the
   service area) over the earlier (the directorate), then the longer match.
3. Where the strongest evidence in one piece of text names two functions ('Children's Social Care &
   Lifelong Learning'), that text cannot decide; other fields may.
4. No rule: a body's own default (the Government Property Agency: 01.3), else the learned model when it is
   confident, else unclassified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from .reference import describe
from .rules import NOT_A_FUNCTION, Hit, RuleSet

FIELD_RANK = {"service": 3, "expense": 2, "purpose": 1, "supplier": 0, "payee": 0}
CONFIDENCE_BY_WEIGHT = {3: 0.9, 2: 0.75, 1: 0.55}
FIELD_PENALTY = {"service": 0.0, "expense": 0.05, "purpose": 0.1, "supplier": 0.15, "payee": 0.15}
CONFLICT_PENALTY = 0.15
METHODS = ("person", "rule", "body", "learned", "unclassified")


@dataclass(frozen=True)
class Label:
    """What is known of a payment, as the classifier sees it."""
    body_id: str | None
    body_kind: str | None
    service: str = ""
    expense: str = ""
    purpose: str = ""
    supplier: str = ""
    payee: str = ""  # the supplier's counterparty type, as matching decided it

    def text(self) -> str:
        return " / ".join(t for t in (self.service, self.expense) if t)


@dataclass
class Decision:
    cofog: str | None  # the division, '10'; None: unclassified
    cofog_group: str | None  # '10.2', or None where only the division can be told
    themes: tuple[str, ...] = ()
    method: str = "unclassified"
    confidence: float = 0.0
    reason: str = ""
    trainable: bool = field(default=False, compare=False)  # decided from the label's own words
    hint: bool = field(default=False, compare=False)  # decided by a hint only (weight 1): a confident model may overrule

    def to_dict(self) -> dict[str, object]:
        return {"cofog": self.cofog, "cofog_group": self.cofog_group, "themes": "; ".join(self.themes),
                "method": self.method, "confidence": round(self.confidence, 3), "reason": self.reason}


class TextModel(Protocol):
    def predict(self, labels: list[Label]) -> list[tuple[str | None, str | None, float]]: ...


def _rank(hit: Hit) -> tuple[int, int, int, int, int]:
    """Weight first; at equal weight a function beats 'no function', the service beats the expense beats the
    description, a label's later part beats its earlier, a longer match a shorter."""
    return (hit.rule.weight, int(hit.rule.cofog != NOT_A_FUNCTION), FIELD_RANK[hit.field], hit.part, hit.end - hit.start)


def _quote(hit: Hit) -> str:
    return f"{hit.field} '{hit.text}' → {hit.rule.cofog or 'themes'} ({hit.rule.rule})"


class Classifier:
    """Decides labels with a rule set, and optionally a learned model for what no rule covers."""

    def __init__(self, rules: RuleSet, model: TextModel | None = None, model_threshold: float = 0.8):
        self.rules = rules
        self.model = model
        self.model_threshold = model_threshold

    def evidence(self, label: Label) -> list[Hit]:
        hits: list[Hit] = []
        for name in ("service", "expense", "purpose", "supplier", "payee"):
            hits += self.rules.hits(name, getattr(label, name).replace("_", " "), label.body_kind, label.body_id)
        return hits

    def decide(self, label: Label) -> Decision:
        """One label's decision from the rules and body defaults alone (None from the model is left to
        `decide_many`)."""
        return self._decide(label, self.evidence(label))

    def decide_many(self, labels: list[Label], progress: Callable[[int], None] | None = None) -> list[Decision]:
        """Every label's decision; labels no rule decides go to the learned model (if any) together."""
        decisions = []
        for n, label in enumerate(labels, start=1):
            decisions.append(self.decide(label))
            if progress and n % 1000 == 0:
                progress(1000)
        if progress:
            progress(len(labels) % 1000)
        self.apply_model(labels, decisions)
        return decisions

    def apply_model(self, labels: list[Label], decisions: list[Decision]) -> None:
        """Give the learned model the labels no rule spoke to (not those a rule found ambiguous or without
        function); it decides those it is confident of."""
        if self.model is None:
            return
        pending = self.pending(labels, decisions)
        if pending:
            predictions = self.model.predict([labels[i] for i in pending])
            for i, (division, group, probability) in zip(pending, predictions):
                if decisions[i].hint:
                    self._overrule_hint(decisions[i], division, group, probability)
                else:
                    self._apply_model(decisions[i], division, group, probability)

    @staticmethod
    def pending(labels: list[Label], decisions: list[Decision]) -> list[int]:
        """The labels the learned model would be asked about: those no rule spoke to, and rules' hints."""
        # a label with no words of its own (only the body) is never guessed
        # nor is one a rule said has no function ('Capital' alone): that is a decision, not a gap
        return [i for i, d in enumerate(decisions) if labels[i].text() and (
            (d.method == "unclassified" and d.reason.startswith("no rule")) or (d.hint and d.method == "rule"))]

    def _overrule_hint(self, decision: Decision, division: str | None, group: str | None, probability: float) -> None:
        if division is None or division == decision.cofog or probability < self.HINT_OVERRULE:
            return
        was = describe(decision.cofog_group or decision.cofog)
        decision.cofog, decision.cofog_group = division, group
        decision.method, decision.confidence, decision.hint = "learned", min(probability, 0.85) * 0.9, False
        decision.reason = (f"learned from labels the rules decided: {describe(group or division)} "
                           f"(probability {probability:.2f}), over the hint {was}: " + decision.reason)

    HINT_OVERRULE = 0.9

    def _apply_model(self, decision: Decision, division: str | None, group: str | None, probability: float) -> None:
        if division is None or division == NOT_A_FUNCTION:
            decision.reason += "; the learned model also finds no function"
            return
        if probability < self.model_threshold:
            decision.reason += f"; the learned model's best guess, {describe(group or division)}, is not confident ({probability:.2f})"
            return
        decision.cofog, decision.cofog_group = division, group
        decision.method, decision.confidence = "learned", min(probability, 0.85) * 0.9
        decision.reason = (f"learned from labels the rules decided: {describe(group or division)} "
                           f"(probability {probability:.2f}); " + decision.reason)

    def _decide(self, label: Label, hits: list[Hit]) -> Decision:
        # themes-only rules, and rules that say no function can be told but name a client group (a children's
        # directorate is children's, whichever of its services it is): their themes hold whatever is decided
        theme_hits = [h for h in hits if not h.rule.cofog or (h.rule.cofog == NOT_A_FUNCTION and h.rule.themes)]
        function_hits = [h for h in hits if h.rule.cofog]
        default = self.rules.default_for(label.body_id, label.body_kind)

        if default is not None and default.fixed:
            return self._fixed(default, function_hits, theme_hits)

        chosen, set_aside = self._strongest(function_hits)
        if chosen is None:
            themes = _themes(theme_hits)
            if default is not None:
                return Decision(default.division, default.group, _merge(default.themes, themes), "body", 0.6,
                                f"the body's default: {default.note}" + _aside(set_aside))
            if set_aside:
                return Decision(None, None, themes, "unclassified", 0.0, "ambiguous: " + _aside(set_aside, lead=""))
            what = label.text() or "(no labels)"
            return Decision(None, None, themes, "unclassified", 0.0, f"no rule matched '{what}'")

        if chosen.rule.cofog == NOT_A_FUNCTION:
            note = f": {chosen.rule.note}" if chosen.rule.note else ""
            return Decision(None, None, _themes(theme_hits), "unclassified", CONFIDENCE_BY_WEIGHT[chosen.rule.weight],
                            f"no function can be told: {_quote(chosen)}{note}", trainable=True, hint=chosen.rule.weight == 1)

        division = chosen.rule.division
        same = sorted((h for h in function_hits if h.rule.division == division), key=_rank, reverse=True)
        group = chosen.rule.group or next((h.rule.group for h in same if h.rule.group), None)
        rivals = {h.rule.division for h in function_hits if h.rule.division not in (division, None) and h.rule.weight >= 2}
        confidence = CONFIDENCE_BY_WEIGHT[chosen.rule.weight] - FIELD_PENALTY[chosen.field]
        if rivals:
            confidence -= CONFLICT_PENALTY
        reason = "; ".join(_quote(h) for h in same[:3])
        if rivals:
            reason += f"; over {', '.join(describe(r) for r in sorted(rivals))}"
        themes = _merge(*(h.rule.themes for h in same), _themes(theme_hits))
        return Decision(division, group, themes, "rule", round(confidence, 3), reason + _aside(set_aside),
                        trainable=chosen.field in ("service", "expense"), hint=chosen.rule.weight == 1)

    def _fixed(self, default, function_hits: list[Hit], theme_hits: list[Hit]) -> Decision:
        inside = sorted((h for h in function_hits if h.rule.division == default.division and h.rule.group),
                        key=_rank, reverse=True)
        group = default.group or (inside[0].rule.group if inside else None)
        reason = f"the body's function: {default.note}"
        if not default.group and inside:
            reason += f"; group from {_quote(inside[0])}"
        themes = _merge(default.themes, *(h.rule.themes for h in inside[:1]), _themes(theme_hits))
        return Decision(default.division, group, themes, "body", 0.95, reason)

    @staticmethod
    def _strongest(hits: list[Hit]) -> tuple[Hit | None, list[Hit]]:
        """The deciding hit, and the hits set aside because their text named two functions at once."""
        set_aside: list[Hit] = []
        by_text: dict[tuple[str, int], list[Hit]] = {}
        for h in hits:
            by_text.setdefault((h.field, h.part), []).append(h)
        for text_hits in by_text.values():
            # one piece of text naming two functions, each at least usually ('Parks & Cemeteries'), cannot decide
            if len({h.rule.division for h in text_hits if h.rule.division and h.rule.weight >= 2}) > 1:
                set_aside += text_hits
        remaining = sorted((h for h in hits if h not in set_aside), key=_rank, reverse=True)
        while remaining:
            top = remaining[0]
            level = _rank(top)[:4]
            peers = [h for h in remaining if _rank(h)[:4] == level]
            divisions = {h.rule.division or NOT_A_FUNCTION for h in peers}
            if len(divisions) == 1:
                return top, set_aside
            # this text names several functions at its strongest: it cannot decide, nor can its weaker words
            set_aside += peers
            remaining = [h for h in remaining if (h.field, h.part) != (top.field, top.part)]
        return None, set_aside


def _themes(hits: list[Hit]) -> tuple[str, ...]:
    return _merge(*(h.rule.themes for h in hits))


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for g in groups:
        for t in g:
            seen.setdefault(t, None)
    return tuple(sorted(seen))


def _aside(hits: list[Hit], lead: str = "; set aside as ambiguous: ") -> str:
    if not hits:
        return ""
    by_text: dict[tuple[str, int], list[Hit]] = {}
    for h in hits:
        by_text.setdefault((h.field, h.part), []).append(h)
    parts = []
    for (name, _), group in by_text.items():
        functions = ", ".join(sorted({describe(h.rule.division) if h.rule.division else "no function" for h in group}))
        words = ", ".join(sorted({f"'{h.text}'" for h in group}))
        parts.append(f"{name} {words} name several functions ({functions})")
    return lead + "; ".join(parts)
