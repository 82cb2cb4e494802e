"""The one exception family of alliance-kg; the CLI turns it into ``Error: ...`` and exit 1."""


class AkgError(Exception):
    """Base class of every error alliance-kg reports to a user."""


class InputError(AkgError):
    """A document cannot be read: missing, binary, not UTF-8, empty or of an unknown kind."""


class QueryError(AkgError):
    """A SPARQL query is invalid or cannot be run."""


class StoreError(AkgError):
    """The store cannot be opened or written (locked by another process, corrupt, missing)."""


class GoldError(AkgError):
    """A gold annotation file is missing or not in the expected format."""


class LexiconError(AkgError):
    """A user lexicon file is missing, not valid TOML, or does not fit the package's tables."""
