"""Supplier name -> counterparty: a public body from the register, or a kind of counterparty, with the method
and a confidence, so every decision can be explained.

In order, the first that decides wins:
  1. redacted payees are individuals (rule);
  2. the whole name is a name or code of one body in the register (alias / code, confidence 1.0);
  3. the rules in data/counterparty_rules.csv: hard negatives ('Police Mutual', 'Council Supplies Ltd', 'The
     Wildlife Trust' are not public bodies), tax (HMRC), pension funds, parish councils, academy trusts (rule);
  4. the name says a kind of body (council, police, fire, NHS) and its remaining words are the place or name
     of exactly one body of that kind: 'LONDON BOROUGH HARINGEY', 'Lancashire Constabulary' (alias, 0.97);
  5. a truncated name that begins exactly one body's name ('LONDON BOROUGH OF BARKING AND DAGEN') or a near
     miss among bodies of the named kind that share a word with it (fuzzy, rapidfuzz, the score);
  6. otherwise what the name looks like: a company (Ltd, PLC, LLP…), a charity (trust, foundation, charity,
     association…), a person (Mr, Mrs, Dr…), or unknown (rule, lower confidence).
Names that say a kind of body but match none (e.g. a council the register does not hold) keep that kind,
with no body: they are public, and which body is left for a person to say.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from ..reference.register import Body, Register
from .names import has_legal_form, kind_and_core, normalise, without_legal_form

PUBLIC_TYPES = ("council", "police", "fire", "nhs", "central_government", "other_public", "pension_fund", "tax_statutory")
COUNTERPARTY_TYPES = PUBLIC_TYPES + ("private", "charity", "individual", "unknown")
FUZZY_MIN = 90
NEAR_MIN = 92
PREFIX_MIN = 18

_NATIONAL_KINDS = {"central_government", "other_public", "nhs", "nhs_trust", "nhs_icb", "nhs_ccg", "tax", "pension_fund"}
_NOT_A_BODY = re.compile(r"\b(?:association|society|federation|club|benevolent|memorial|arboretum|charity|charitable|"
                         r"survivors|treatment|college|sports|social club|welfare|fund|lodge|band|choir|museum trust)\b")
_FILLER_WORDS = re.compile(r"\b(?:the|of|for|and)\b")
_KIND_OF_TYPE = {"council": {"council", "combined_authority", "regional_authority"}, "police": {"police"},
                 "fire": {"fire"}, "nhs": {"nhs_icb", "nhs_ccg", "nhs_trust", "nhs"}}
_CHARITY = re.compile(r"\b(?:charity|charitable|benevolent|trust|foundation|association|society|hospice|church|parish church|"
                      r"mosque|temple|club|scouts|guides|mind|age uk|barnardos|shelter|oxfam|samaritans|ymca|ywca)\b")
_PERSON = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|rev|sir|lady|lord|master|mx)\b")
_COMPANY_WORDS = re.compile(r"\b(?:services|solutions|systems|group|holdings|consulting|consultancy|partnership|"
                            r"associates|enterprises|international|uk|t a|trading as|contractors|builders|supplies)\b")


@dataclass
class Decision:
    supplier: str
    counterparty_type: str
    body_id: str | None
    body_name: str | None
    confidence: float
    method: str  # code, alias, fuzzy, rule, person
    reason: str

    @property
    def is_public(self) -> bool:
        return self.counterparty_type in PUBLIC_TYPES

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    counterparty_type: str
    body_id: str | None
    note: str


@lru_cache(maxsize=1)
def packaged_rules() -> tuple[Rule, ...]:
    text = resources.files("totalplace").joinpath("data/counterparty_rules.csv").read_text(encoding="utf-8")
    return tuple(Rule(re.compile(r["pattern"]), r["counterparty_type"], r.get("body_id") or None, r.get("note", ""))
                 for r in csv.DictReader(text.splitlines()))


class Matcher:
    """Decides suppliers against one register. Build it once; `match` is cheap."""

    def __init__(self, register: Register, rules: tuple[Rule, ...] | None = None):
        self.register = register
        self.rules = rules if rules is not None else packaged_rules()
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.cores: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
        for body in register.bodies.values():
            for name in {body.name, *body.names}:
                key = normalise(name)
                if not key:
                    continue
                self.exact[key].add(body.body_id)
                bare = without_legal_form(key)
                if bare != key:
                    self.exact[bare].add(body.body_id)
                kind, core, _ = kind_and_core(key)
                if kind and core and body.kind in _KIND_OF_TYPE[kind]:
                    self.cores[(kind, core)].add(body.body_id)
                    for word in core.split():
                        if len(word) > 3:
                            self.blocks[(kind, word)].add(body.body_id)
        self.codes = {k: v for k, v in register.code_keys().items()}
        self._sorted_keys = sorted(self.exact)
        # Names of national bodies that publishers extend ('NETWORK RAIL PROPERTY DIVISION', 'HOME OFFICE 12511'),
        # and the words that pick out candidates for near misses.
        self.leading: dict[str, set[str]] = defaultdict(set)
        self.word_index: dict[str, set[str]] = defaultdict(set)
        for key, ids in self.exact.items():
            kinds = {self._body(i).kind for i in ids}
            words = key.split()
            national = kinds <= _NATIONAL_KINDS
            if national and (len(words) >= 2 or (len(key) >= 3 and any(self._body(i).source == "public_bodies.csv" for i in ids))):
                self.leading[key] |= ids
            if len(words) >= 3:
                for word in words:
                    if len(word) > 3:
                        self.word_index[word].add(key)
        self._plain = {key: _FILLER_WORDS.sub(" ", key).split() for keys in self.word_index.values() for key in keys}
        self._core_names: dict[str, list[str]] = defaultdict(list)
        for (kind, core), ids in self.cores.items():
            for body_id in ids:
                self._core_names[body_id].append(core)

    # --- helpers ---------------------------------------------------------------------------------------

    def _body(self, body_id: str) -> Body:
        return self.register.bodies[body_id]

    def _one(self, ids: set[str]) -> Body | None:
        """The single body among `ids`, preferring a current one when a name outlived its body."""
        if len(ids) == 1:
            return self._body(next(iter(ids)))
        current = [i for i in ids if not self._body(i).end_date]
        return self._body(current[0]) if len(current) == 1 else None

    def _decide(self, supplier: str, body: Body, confidence: float, method: str, reason: str) -> Decision:
        return Decision(supplier, body.counterparty_type, body.body_id, body.name, confidence, method, reason)

    def _prefix(self, key: str) -> Body | None:
        if len(key) < PREFIX_MIN:
            return None
        i = bisect.bisect_left(self._sorted_keys, key)
        ids: set[str] = set()
        while i < len(self._sorted_keys) and self._sorted_keys[i].startswith(key):
            ids |= self.exact[self._sorted_keys[i]]
            i += 1
        return self._one(ids) if ids else None

    # --- the decision ----------------------------------------------------------------------------------

    def match(self, supplier: str, redacted: bool = False) -> Decision:
        if redacted:
            return Decision(supplier, "individual", None, None, 1.0, "rule", "redacted payee")
        key = normalise(supplier)
        if not key:
            return Decision(supplier, "unknown", None, None, 0.0, "rule", "no name")
        code = re.sub(r"[^A-Za-z0-9]", "", supplier).upper()
        if code in self.codes and re.search(r"\d", code):
            body = self._one(self.codes[code])
            if body:
                return self._decide(supplier, body, 1.0, "code", f"the code {code}")
        for candidate in dict.fromkeys((key, without_legal_form(key))):
            ids = self.exact.get(candidate)
            if ids:
                body = self._one(ids)
                if body:
                    return self._decide(supplier, body, 1.0, "alias", "a name of this body in the register")
        for rule in self.rules:
            if rule.pattern.search(key):
                body = self.register.bodies.get(rule.body_id) if rule.body_id else None
                return Decision(supplier, rule.counterparty_type, body.body_id if body else None, body.name if body else None,
                                0.9, "rule", rule.note or rule.pattern.pattern)
        bare = without_legal_form(key)
        kind, core, strong = kind_and_core(bare)
        if kind and core:
            ids = self.cores.get((kind, core))
            if ids:
                body = self._one(ids)
                if body:
                    return self._decide(supplier, body, 0.97, "alias", f"a {kind} named '{core}'")
            body = self._prefix(key)
            if body:
                return self._decide(supplier, body, 0.9, "fuzzy", "the start of this body's name (the name is cut short)")
            body, score = self._fuzzy(kind, core)
            if body:
                return self._decide(supplier, body, round(score / 100, 3), "fuzzy", f"a {kind} named like '{core}'")
            if strong and not has_legal_form(key) and not _NOT_A_BODY.search(key):
                return Decision(supplier, kind, None, None, 0.7, "rule",
                                f"named as a {kind} body, but not one in the register")
        if not has_legal_form(key) and not _NOT_A_BODY.search(key):
            body = self._prefix(key) or self._leading(key)
            if body:
                return self._decide(supplier, body, 0.9, "fuzzy", "this body's name with more words, or cut short")
            body, score = self._near(key)
            if body:
                return self._decide(supplier, body, round(score / 100, 3), "fuzzy", "a near spelling of this body's name")
        return self._looks_like(supplier, key)

    def _leading(self, key: str) -> Body | None:
        """A national body whose whole name begins this one: 'network rail property division'."""
        words = key.split()
        for n in range(len(words) - 1, 0, -1):
            ids = self.leading.get(" ".join(words[:n]))
            if ids:
                return self._one(ids)
        return None

    def _near(self, key: str) -> tuple[Body | None, float]:
        """A near spelling of a body's full name, among names sharing a word with it."""
        keys: set[str] = set()
        for word in key.split():
            found = self.word_index.get(word)
            if found and len(found) < 60:
                keys |= found
        if not keys:
            return None, 0.0
        plain = " ".join(_FILLER_WORDS.sub(" ", key).split())
        choices = {k: " ".join(self._plain[k]) for k in keys}
        hit = process.extractOne(plain, choices, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_MIN)
        if hit is None:
            return None, 0.0
        body = self._one(self.exact[hit[2]])
        return (body, hit[1]) if body else (None, 0.0)

    def _fuzzy(self, kind: str, core: str) -> tuple[Body | None, float]:
        ids: set[str] = set()
        for word in core.split():
            ids |= self.blocks.get((kind, word), set())
        if not ids:
            return None, 0.0
        choices = {(body_id, c): c for body_id in ids for c in self._core_names[body_id]}
        found = process.extractOne(core, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_MIN)
        if found is None:
            return None, 0.0
        (body_id, _), score = found[2], found[1]
        rivals = [k for k, c in choices.items() if k[0] != body_id and fuzz.token_sort_ratio(core, c) >= score]
        if rivals:
            return None, 0.0  # two bodies as close as each other: not decided
        return self._body(body_id), score

    def _looks_like(self, supplier: str, key: str) -> Decision:
        if _PERSON.search(key):
            return Decision(supplier, "individual", None, None, 0.8, "rule", "a person's title")
        if has_legal_form(key):
            return Decision(supplier, "private", None, None, 0.9, "rule", "a company's legal form (Ltd, PLC, LLP…)")
        if _CHARITY.search(key):
            return Decision(supplier, "charity", None, None, 0.6, "rule", "a charity's or club's words")
        if _COMPANY_WORDS.search(key):
            return Decision(supplier, "private", None, None, 0.6, "rule", "a business's words")
        return Decision(supplier, "unknown", None, None, 0.0, "rule", "nothing says what it is")

    def match_many(self, suppliers: list[tuple[str, bool]]) -> list[Decision]:
        return [self.match(name, redacted) for name, redacted in suppliers]
