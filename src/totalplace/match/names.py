"""Supplier names normalised for matching, and split into a place "core" and a kind of body.

'LONDON BOROUGH HARINGEY', 'LB Haringey' and 'Haringey Council' all have the core 'haringey' and the kind
'council'; 'Lancashire Constabulary' has the core 'lancashire' and the kind 'police'. Matching on (kind, core)
finds a body however the publisher wrote its name, and never matches a council to a police body of the same
place.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations publishers use, expanded before matching (whole words only).
EXPANSIONS = {
    "mbc": "metropolitan borough council", "bc": "borough council", "dc": "district council",
    "bor": "borough", "boro": "borough", "hosp": "hospital", "hosps": "hospitals", "univ": "university", "uni": "university",
    "lhb": "local health board", "superann": "superannuation", "assoc": "association", "mcr": "manchester",
    "cc": "county council", "lb": "london borough of", "rb": "royal borough of", "rbk": "royal borough of kensington",
    "ft": "foundation trust", "sth": "south", "nth": "north", "csu": "commissioning support unit",
    "frs": "fire and rescue service", "fra": "fire and rescue authority", "hmrc": "hm revenue and customs",
    "dept": "department", "govt": "government", "cllr": "councillor",
}
# Two letters publishers space out: 'L B Hounslow', 'R.B Kensington', 'H M Courts'.
PAIR_EXPANSIONS = {("l", "b"): "london borough of", ("r", "b"): "royal borough of", ("h", "m"): "hm", ("m", "cr"): "manchester"}
# The last word of a name cut short at a column width: 'Lancashire Care NHS Foundation Trus'.
_CUT_ENDINGS = [
    (re.compile(r"\bnhs foundation (?:t|tr|tru|trus)$"), "nhs foundation trust"),
    (re.compile(r"\bnhs (?:foun|found|founda|foundat|foundati|foundatio)$"), "nhs foundation trust"),
    (re.compile(r"\bnhs (?:tr|tru|trus)$"), "nhs trust"),
]
_LEGAL = r"(?:ltd|limited|plc|llp|llc|inc|cic|lp|co|company|incorporated)"

# Words that say what kind of body a name is; longer phrases first.
# (kind, cue, strong): a strong cue is only ever used by that kind of public body ('Borough Council',
# 'Constabulary', 'NHS Foundation Trust'), so a name with one is public even when the register does not hold
# the body; a weak cue ('Council', 'Police', 'NHS' alone) is shared with charities and companies.
KIND_CUES: list[tuple[str, str, bool]] = [
    ("council", r"metropolitan borough council|city and district council|borough council|city council|county council"
                r"|district council|london borough of|london borough|royal borough of|council of the city of"
                r"|metropolitan borough|borough of|corporation of london|city of london corporation|unitary authority"
                r"|combined authority|town council|parish council", True),
    ("council", r"council", False),
    ("police", r"office of the police and crime commissioner for|office of the police and crime commissioner"
               r"|police and crime commissioner for|police and crime commissioner|chief constable of|constabulary"
               r"|police authority|pcc|opcc", True),
    ("police", r"police service|police force|police", False),
    ("fire", r"fire and rescue authority|fire and rescue service|fire rescue service|combined fire authority"
             r"|fire and civil defence authority|fire and civil defence|fire authority", True),
    ("fire", r"fire and rescue|fire service|fire brigade", False),
    ("nhs", r"nhs foundation trust|foundation trust|nhs trust|integrated care board|clinical commissioning group"
            r"|\bicb\b|\bccg\b|university health board|local health board|health board|health and social care trust"
            r"|commissioning support unit|university hospitals?", True),
    ("nhs", r"\bnhs\b", False),
]
_CUE_PATTERNS = [(kind, re.compile(rf"\b(?:{pattern})\b"), strong) for kind, pattern, strong in KIND_CUES]
_FILLER = re.compile(r"\b(?:the|of|for)\b")


def normalise(name: str) -> str:
    """Lower case, accents and punctuation gone, '&' as 'and', bracketed codes and notes dropped, abbreviations
    expanded: the form every name is compared in."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"\([^)]*\)", " ", text)  # '(200398)', '(DD)', '(L84049)'
    text = re.sub(r"\.{2,}.*$", " ", text)  # truncated: 'Department of Levelling Up, Housing & Comm...'
    text = re.sub(r"[`'\u2019]", "", text.lower()).replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = text.split()
    merged: list[str] = []
    for w in words:
        if merged and (merged[-1], w) in PAIR_EXPANSIONS:
            merged[-1] = PAIR_EXPANSIONS[(merged[-1], w)]
        else:
            merged.append(w)
    words = [EXPANSIONS.get(w, w) for w in merged]
    text = " ".join(" ".join(words).split())
    for cut, whole in _CUT_ENDINGS:
        text = cut.sub(whole, text)
    return text


def without_legal_form(key: str) -> str:
    """'nhs property services ltd' -> 'nhs property services'."""
    return re.sub(rf"(?:\s+{_LEGAL})+$", "", key).strip()


def has_legal_form(key: str) -> bool:
    return re.search(rf"\b{_LEGAL}$", key) is not None


def kind_and_core(key: str) -> tuple[str | None, str, bool]:
    """The kind of body a normalised name says it is, the rest of the name (its place, usually), and whether
    the cue was a strong one."""
    for kind, pattern, strong in _CUE_PATTERNS:
        if pattern.search(key):
            core = pattern.sub(" ", key)
            core = _FILLER.sub(" ", core)
            return kind, " ".join(core.split()), strong
    return None, key, False
