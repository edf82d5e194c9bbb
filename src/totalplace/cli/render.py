"""Output for people (Rich tables) and for scripts (JSON, CSV), and friendly errors."""

from __future__ import annotations

import csv
import functools
import json
import sys
from typing import Any, Callable, Iterable, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..classify.decisions import DecisionFileError
from ..classify.rules import RuleFileError
from ..count import CountError, DrillError, DriverError, ExportError, YearError
from ..engine import EngineError
from ..estate import EstateError
from ..ingest import USER_ERRORS
from ..ledger import LedgerError
from ..places import PlaceError
from ..money import format_pounds
from ..reference.register import RegisterError
from ..store.ledger import StoreBusy
from ..workspace import WorkspaceError

console = Console()
errors = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])
EXPECTED = (WorkspaceError, StoreBusy, RegisterError, LedgerError, PlaceError, RuleFileError, DecisionFileError, FileNotFoundError,
            CountError, DrillError, DriverError, ExportError, YearError, EstateError, *USER_ERRORS)


def friendly_errors(func: F) -> F:
    """Turn the errors a user can act on into a one-line message and exit code 2 — no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EXPECTED as exc:
            errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None
        except EngineError as exc:
            errors.print(f"[bold red]Error in the data engine:[/] {escape(str(exc).splitlines()[0])}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in row.items()})


def pounds(pence: int | None) -> str:
    return format_pounds(pence)


def table(title: str | None, columns: list[tuple[str, str]]) -> Table:
    """A Rich table; columns are (header, justify). Right-justified (number) columns never wrap or shrink;
    text columns fold onto more lines rather than lose their ends. Cells are data: pass them through `esc`."""
    t = Table(title=escape(title) if title else None, title_justify="left", header_style="bold", show_lines=False)
    for header, justify in columns:
        if justify == "right":
            t.add_column(header, justify="right", no_wrap=True, min_width=len(header))
        else:
            t.add_column(header, justify=justify, overflow="fold", min_width=min(max(len(header), 8), 16))  # type: ignore[arg-type]
    return t


def esc(value: object) -> str:
    """Data shown as text: square brackets in a supplier's name are not formatting."""
    return escape("" if value is None else str(value))


def note(text: str) -> None:
    """A line of data for people (no formatting taken from the data)."""
    console.print(escape(text), highlight=False)


def reasons_text(reasons: dict[str, int]) -> str:
    return escape(", ".join(f"{reason} {count:,}" for reason, count in reasons.items()))
