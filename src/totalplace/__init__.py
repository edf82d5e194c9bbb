"""totalplace: count every pound of public money spent in a place.

The library is the product; the `totalplace` command and (later) the web pages are thin shells over it.

    import totalplace as tp
    ws = tp.init_workspace("my-study")
    tp.load_reference(ws, "../shared/data/real/reference_geography")
    results = tp.ingest(ws, ["spend-2024-09.csv"], body="Trafford")
    tp.ledger_summary(ws)
"""

__version__ = "0.1.0"

from .workspace import Workspace, init_workspace, open_workspace  # noqa: E402
from .ingest import IngestResult, forget, ingest, load_reference  # noqa: E402
from .ledger import export_ledger, ledger_summary, list_rejects, list_sources  # noqa: E402
from .counterparties import export_suppliers, import_suppliers, list_suppliers, match_suppliers  # noqa: E402
from .places import describe_place, list_places, place_children  # noqa: E402
from .classification import (  # noqa: E402
    classification_coverage, classify_ledger, evaluate_labelled, export_classification, import_classification,
    review_labels, spending_by_function, spending_by_theme, write_labelling_sample,
)

from .count import compare_places, count_place, drill, export_count  # noqa: E402

__all__ = [
    "Workspace", "init_workspace", "open_workspace", "ingest", "IngestResult", "forget", "load_reference", "ledger_summary",
    "list_sources", "list_rejects", "export_ledger", "list_suppliers", "export_suppliers", "import_suppliers",
    "match_suppliers", "describe_place", "place_children", "list_places", "classification_coverage", "classify_ledger",
    "export_classification", "import_classification", "review_labels", "spending_by_function", "spending_by_theme",
    "evaluate_labelled", "write_labelling_sample", "count_place", "compare_places", "drill", "export_count", "__version__",
]
