"""The error for a file that cannot be ingested."""


class IngestError(ValueError):
    """A file that cannot be ingested, with a message saying what is wrong and what to do."""
