"""groggy's exceptions."""


class GroggyError(Exception):
    """Base class of every error groggy raises on purpose."""


class StoreError(GroggyError):
    """A stored graph is missing, truncated, mismatched or from a newer format.

    The message names the file and what was expected.
    """


class ReadOnlyError(GroggyError):
    """A graph opened from disk was asked to change; use ``g.copy()`` first."""
