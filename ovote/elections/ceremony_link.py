"""Where the freeze finds the key ceremony's outcome, without depending on how the
ceremony is run.

The ceremony (its tables, the trustees' uploads, the complaints) registers one
function with `provide_ceremony_outcome`; the freeze calls it through
`ceremony_outcome`. The outcome is plain data, per trustee index:

    {1: {"commitments": [A_1,0 hex, ..., A_1,k-1 hex], "proofs": [{"c","z"}, ...]}, ...}

— the commitments and Schnorr proofs of every trustee of the election, once the
ceremony is finished (no complaint left open), or None while it is not.
"""
from collections.abc import Callable, Mapping

_sources: list[Callable] = []


def provide_ceremony_outcome(source):
    """Register `source(session, election) -> Mapping[int, Mapping] | None` (the ceremony's
    finished outcome, or None). The latest registration wins; returns `source`, so that it
    can decorate the function."""
    _sources[:] = [source]
    return source


def ceremony_outcome(session, election) -> Mapping[int, Mapping] | None:
    """The finished ceremony's outcome for `election`, or None (unfinished, or no ceremony
    has been registered)."""
    if not _sources:
        return None
    return _sources[0](session, election)


def ceremony_finished(session, election) -> bool:
    """The predicate the freeze and the commission's pages ask."""
    return ceremony_outcome(session, election) is not None
