"""A UK public-sector financial year: 1 April to 31 March, written '2017-18'."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


class YearError(ValueError):
    """A financial year that cannot be read."""


@dataclass(frozen=True)
class FinancialYear:
    start_year: int

    @classmethod
    def parse(cls, text: str) -> "FinancialYear":
        """'2017-18', '2017/18', '2017-2018' or '2017' (the year it starts)."""
        found = re.fullmatch(r"\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*", str(text))
        if not found:
            raise YearError(f"'{text}' is not a financial year: write it as 2017-18.")
        start = int(found.group(1))
        if found.group(2):
            end = found.group(2)
            if (int(end) if len(end) == 4 else int(end) + (start + 1) // 100 * 100) != start + 1:
                raise YearError(f"'{text}' is not a financial year: the second year must follow the first (2017-18).")
        return cls(start)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def __str__(self) -> str:
        return self.label
