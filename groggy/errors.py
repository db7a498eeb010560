"""groggy's exceptions."""


class GroggyError(Exception):
    """Base class of every error groggy raises on purpose."""


class StoreError(GroggyError):
    """A stored graph is missing, truncated, mismatched or from a newer format.

    The message names the file and what was expected.
    """


class ReadOnlyError(GroggyError):
    """A graph opened from disk was asked to change; use ``g.copy()`` first."""


def require(module: str, feature: str):
    """Import the optional dependency ``module`` that ``feature`` needs, or raise an
    ``ImportError`` that says how to install it.

    Examples
    --------
    >>> require("json", "to_json").__name__
    'json'
    """
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(f"{feature} needs {package}, which is not installed: "
                          f"pip install {package} (or pip install -e '.[interop]' in a "
                          f"groggy checkout)") from exc
