"""The `totalplace` command: a thin shell over the library, one module per verb."""

from __future__ import annotations

import typer

from . import classify, demo, estate, ledger, places, reference, suppliers
from .count import compare, count, crosscheck
from .ingest import ingest
from .forget import forget
from .init import init
from .rejects import rejects
from .serve import serve
from .sources import sources

app = typer.Typer(
    name="totalplace",
    help="Count every pound of public money spent in a place. Start with `totalplace init DIR`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(init)
app.command()(ingest)
app.command()(sources)
app.command()(rejects)
app.command()(forget)
app.command()(count)
app.command()(compare)
app.command()(crosscheck)
app.command()(serve)
app.add_typer(ledger.app, name="ledger")
app.add_typer(reference.app, name="reference")
app.add_typer(demo.app, name="demo")
app.add_typer(suppliers.app, name="suppliers")
app.add_typer(places.app, name="places")
app.add_typer(classify.app, name="classify")
app.add_typer(estate.app, name="estate")


def main() -> None:
    app()
