"""The count: all public spending in a place for a year, each pound once, every number traceable."""

from .compare import compare_places
from .drill import DrillError, drill
from .export import ExportError, export_count
from .area import DriverError
from .method import CountError, count_place
from .result import Cell, Count
from .year import FinancialYear, YearError

__all__ = ["count_place", "compare_places", "drill", "export_count", "Count", "Cell", "FinancialYear",
           "CountError", "DrillError", "ExportError", "DriverError", "YearError"]
