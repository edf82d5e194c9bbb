"""What the money is for: every ledger row's COFOG function and Total Place themes (see docs/classification.md)."""
