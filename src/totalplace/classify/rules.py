"""The classification rules, as data: keyword tables analysts can read and edit, and body-type defaults.

`data/classify/rules.csv` says which words in a payment's labels name which COFOG function and themes;
`data/classify/body_defaults.csv` says what a single-purpose body spends on (a fire authority: 03.2). A
workspace may add its own rules in `rules/classify_rules.csv` and `rules/body_defaults.csv`; they are read
first, and where one of theirs speaks the packaged rules it overlaps are silent. Every mistake in a rules
file is reported with its file, row and column.
"""

from __future__ import annotations

import csv
import re
import unicodedata

import regex
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .reference import cofog_codes, themes

# Where a rule looks. `label` is the publisher's labels (service and expense); `purpose` a row's description;
# `supplier` the payee's name; `payee` the payee's counterparty type ('police', 'tax_statutory', ...).
RULE_FIELDS = {
    "service": ("service",), "expense": ("expense",), "label": ("service", "expense", "purpose"),
    "purpose": ("purpose",), "supplier": ("supplier",), "payee": ("payee",),
}
NOT_A_FUNCTION = "none"
BODY_KINDS = ("council", "combined_authority", "regional_authority", "police", "fire", "nhs_icb", "nhs_ccg", "nhs_trust",
              "nhs", "central_government", "tax", "other_public", "pension_fund")
RULE_COLUMNS = ("rule", "field", "pattern", "cofog", "themes", "weight", "bodies", "note")
DEFAULT_COLUMNS = ("body_kind", "body_id", "cofog", "themes", "fixed", "note")


class RuleFileError(ValueError):
    """A rules file that cannot be used, naming the file, row and column."""


@dataclass(frozen=True)
class Rule:
    rule: str
    field: str
    pattern: str
    cofog: str  # a group ('10.2'), a division ('10'), 'none' (no function can be told) or '' (themes only)
    themes: tuple[str, ...]
    weight: int  # 3 names the function, 2 usually does, 1 a hint
    bodies: tuple[str, ...]  # only for payers of these kinds, or these bodies (register ids); empty: any
    note: str
    source: str  # 'rules.csv row 12'
    own: bool = False  # a workspace's own rule: it overrides the packaged rules where both speak

    @property
    def is_function(self) -> bool:
        """Whether the rule says a function (or that none can be told), not only themes."""
        return bool(self.cofog)

    @property
    def division(self) -> str | None:
        if not self.cofog or self.cofog == NOT_A_FUNCTION:
            return None
        return self.cofog.split(".")[0]

    @property
    def group(self) -> str | None:
        return self.cofog if "." in self.cofog else None


@dataclass(frozen=True)
class BodyDefault:
    body_kind: str
    body_id: str
    cofog: str
    themes: tuple[str, ...]
    fixed: bool  # a single-purpose body: its function holds whatever its labels say
    note: str

    @property
    def division(self) -> str:
        return self.cofog.split(".")[0]

    @property
    def group(self) -> str | None:
        return self.cofog if "." in self.cofog else None


@dataclass(frozen=True)
class Hit:
    """A rule found in one part of a label: where, and how much of the text it covered."""
    rule: Rule
    field: str
    part: int  # 0 the first part ('Adults and Health'), 1 the next ('Services for Older People'), ...
    start: int
    end: int
    text: str


def normalise_label(text: str) -> str:
    """Lower case, accents gone, apostrophes dropped, '&' as 'and', other punctuation as spaces: the form rules
    are written against."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[`'\u2019]", "", text).replace("&", " and ").replace("+", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _text(source: Path | str, name: str) -> str:
    if not isinstance(source, Path):
        return source
    try:
        return source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"{name}: not UTF-8 text; save it as 'CSV UTF-8'.") from exc
    except OSError as exc:
        raise RuleFileError(f"{name}: cannot be read ({exc.strerror or exc}).") from exc


def _rows(path_or_text: Path | str, name: str) -> list[tuple[int, dict[str, str]]]:
    text = _text(path_or_text, name)
    reader = csv.DictReader(text.splitlines())
    return [(number, row) for number, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values()) and not (row.get(reader.fieldnames[0]) or "").startswith("#")]


def _check_header(text: Path | str, name: str, columns: tuple[str, ...]) -> None:
    raw = _text(text, name)
    header = next(csv.reader(raw.splitlines()), [])
    missing = [c for c in columns if c not in header]
    if missing:
        raise RuleFileError(f"{name}: the header must have the columns {', '.join(columns)} (missing: {', '.join(missing)}).")


def _check_cofog(value: str, name: str, number: int, allow_none: bool) -> str:
    if value in cofog_codes() or (allow_none and value in ("", NOT_A_FUNCTION)):
        return value
    hint = " or 'none' (no function can be told) or empty (themes only)" if allow_none else ""
    raise RuleFileError(f"{name}, row {number}, column cofog: '{value}' is not a COFOG division or group "
                        f"(write 10 or 10.2{hint}).")


def _check_themes(value: str, name: str, number: int) -> tuple[str, ...]:
    found = tuple(t.strip() for t in value.split(";") if t.strip())
    for theme in found:
        if theme not in themes():
            raise RuleFileError(f"{name}, row {number}, column themes: '{theme}' is not a theme "
                                f"(one of {', '.join(themes())}; separate several with ';').")
    return found


def _wrapped(pattern: str) -> str:
    """A rule's pattern as it is matched: whole words, the longest match at each place (POSIX matching finds
    'housing general fund', not 'housing')."""
    return r"(?p)\b(?:" + pattern + r")\b"


def read_rules(source: Path | str, name: str = "rules.csv", own: bool = False) -> list[Rule]:
    """The rules in a rules file (a path, or the text of one); `own`: a workspace's own rules."""
    _check_header(source, name, RULE_COLUMNS)
    rules = []
    for number, row in _rows(source, name):
        rule_id = (row.get("rule") or "").strip()
        field = (row.get("field") or "").strip()
        pattern = (row.get("pattern") or "").strip()
        if not rule_id:
            raise RuleFileError(f"{name}, row {number}, column rule: empty; give the rule a short name.")
        if field not in RULE_FIELDS:
            raise RuleFileError(f"{name}, row {number}, column field: '{field}' is not one of {', '.join(RULE_FIELDS)}.")
        if not pattern:
            raise RuleFileError(f"{name}, row {number}, column pattern: empty.")
        try:
            regex.compile(_wrapped(pattern))
        except regex.error as exc:
            raise RuleFileError(f"{name}, row {number}, column pattern: '{pattern}' is not a regular expression ({exc}).") from exc
        cofog = _check_cofog((row.get("cofog") or "").strip(), name, number, allow_none=True)
        rule_themes = _check_themes(row.get("themes") or "", name, number)
        if not cofog and not rule_themes:
            raise RuleFileError(f"{name}, row {number}: the rule gives neither a cofog nor themes.")
        weight_text = (row.get("weight") or "").strip() or "2"
        if weight_text not in ("1", "2", "3"):
            raise RuleFileError(f"{name}, row {number}, column weight: '{weight_text}' must be 1, 2 or 3.")
        bodies = tuple(b.strip() for b in (row.get("bodies") or "").split(";") if b.strip())
        for kind in bodies:
            if kind not in BODY_KINDS and not re.fullmatch(r"[A-Z0-9]+", kind):
                raise RuleFileError(f"{name}, row {number}, column bodies: '{kind}' is neither a kind of body "
                                    f"(one of {', '.join(BODY_KINDS)}) nor a body's id in the register (such as E08000021).")
        rules.append(Rule(rule_id, field, pattern, cofog, rule_themes, int(weight_text), bodies,
                          (row.get("note") or "").strip(), f"{name} row {number}", own))
    return rules


def read_body_defaults(source: Path | str, name: str = "body_defaults.csv") -> list[BodyDefault]:
    """The body defaults in a defaults file (a path, or the text of one)."""
    _check_header(source, name, DEFAULT_COLUMNS)
    defaults = []
    for number, row in _rows(source, name):
        kind = (row.get("body_kind") or "").strip()
        body_id = (row.get("body_id") or "").strip()
        if bool(kind) == bool(body_id):
            raise RuleFileError(f"{name}, row {number}: give one of body_kind and body_id.")
        if kind and kind not in BODY_KINDS:
            raise RuleFileError(f"{name}, row {number}, column body_kind: '{kind}' is not one of {', '.join(BODY_KINDS)}.")
        cofog = _check_cofog((row.get("cofog") or "").strip(), name, number, allow_none=False)
        fixed = (row.get("fixed") or "").strip().lower()
        if fixed not in ("yes", "no"):
            raise RuleFileError(f"{name}, row {number}, column fixed: '{fixed}' must be yes or no.")
        defaults.append(BodyDefault(kind, body_id, cofog, _check_themes(row.get("themes") or "", name, number),
                                    fixed == "yes", (row.get("note") or "").strip()))
    return defaults


def _packaged(name: str) -> str:
    return resources.files("totalplace").joinpath(f"data/classify/{name}").read_text(encoding="utf-8")


class RuleSet:
    """The rules and body defaults in force, compiled; finds every rule in a piece of label text.

    Within one piece of text a rule found inside a longer rule's match is dropped ('residential care' inside
    'residential care dementia'), so the most specific wording speaks.
    """

    def __init__(self, rules: list[Rule], defaults: list[BodyDefault], cache: bool = True):
        self.rules = rules
        self.cache = cache  # remember what each distinct text matched (off only to measure the naive way)
        self.defaults = defaults
        self._by_id = {d.body_id: d for d in reversed(defaults) if d.body_id}
        self._by_kind = {d.body_kind: d for d in reversed(defaults) if d.body_kind}
        self._compiled: dict[str, list[tuple[Rule, regex.Pattern[str]]]] = {}
        for rule in rules:
            compiled = regex.compile(_wrapped(rule.pattern))
            for field in RULE_FIELDS[rule.field]:
                self._compiled.setdefault(field, []).append((rule, compiled))
        self._cache: dict[tuple[str, str], list[tuple[Rule, int, int, str]]] = {}

    @classmethod
    def load(cls, workspace_rules: Path | None = None) -> "RuleSet":
        """The packaged rules, after a workspace's own (`rules/classify_rules.csv`, `rules/body_defaults.csv`)."""
        rules: list[Rule] = []
        defaults: list[BodyDefault] = []
        if workspace_rules is not None:
            own_rules = workspace_rules / "classify_rules.csv"
            own_defaults = workspace_rules / "body_defaults.csv"
            if own_rules.exists():
                rules += read_rules(own_rules, str(own_rules), own=True)
            if own_defaults.exists():
                defaults += read_body_defaults(own_defaults, str(own_defaults))
        rules += read_rules(_packaged("rules.csv"), "rules.csv (packaged)")
        defaults += read_body_defaults(_packaged("body_defaults.csv"), "body_defaults.csv (packaged)")
        return cls(rules, defaults)

    def default_for(self, body_id: str | None, body_kind: str | None) -> BodyDefault | None:
        """The default of this body, or of its kind; a workspace's own and a body's own come first."""
        if body_id and body_id in self._by_id:
            return self._by_id[body_id]
        return self._by_kind.get(body_kind or "")

    def _matches(self, field: str, text: str) -> list[tuple[Rule, int, int, str]]:
        key = (field, text)
        found = self._cache.get(key)
        if found is None:
            found = []
            for rule, pattern in self._compiled.get(field, ()):
                for m in pattern.finditer(text):
                    if m.end() > m.start():
                        found.append((rule, m.start(), m.end(), m.group(0)))
            if self.cache:
                if len(self._cache) > 500_000:
                    self._cache.clear()
                self._cache[key] = found
        return found

    def hits(self, field: str, raw_text: str, body_kind: str | None, body_id: str | None = None) -> list[Hit]:
        """Every rule found in one field's text, part by part (parts are separated by ' / ').

        Only rules for this payer count. Within a part, a rule found inside a longer rule's match gives way —
        but a function rule never to a theme rule ('premises costs residential care' is still residential
        care); and where a workspace's own function rule speaks, the packaged function rules it overlaps are
        silent.
        """
        if not raw_text:
            return []
        parts = raw_text.split(" / ") if field in ("service", "expense") else [raw_text]
        found: list[Hit] = []
        for index, part in enumerate(parts):
            text = normalise_label(part)
            if not text:
                continue
            mine = [Hit(rule, field, index, start, end, matched) for rule, start, end, matched in self._matches(field, text)
                    if not rule.bodies or body_kind in rule.bodies or body_id in rule.bodies]
            mine = [h for h in mine if not any(
                (o.rule.is_function or not h.rule.is_function) and o.start <= h.start and h.end <= o.end
                and (o.end - o.start) > (h.end - h.start) for o in mine)]
            own = [h for h in mine if h.rule.own and h.rule.is_function]
            if own:
                mine = [h for h in mine if h.rule.own or not h.rule.is_function
                        or not any(o.start < h.end and h.start < o.end for o in own)]
            found += mine
        return found
