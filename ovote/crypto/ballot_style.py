"""Ballot styles as plain data.

A ballot style is what one reporting unit's voters see, in manifest order:

    {"id": <ballot style id, str>,
     "contests": [{"id": <contest id, str>,
                   "options": [<option id, str>, ...],
                   "min": <int>, "max": <int>}, ...]}

`min`/`max` bound how many options a voter selects in the contest
(0 <= min <= max <= number of options). Ids are unique within their list.
"""

from collections.abc import Mapping


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_ballot_style(style) -> None:
    """Raise ValueError naming the first problem with `style`."""
    if not isinstance(style, Mapping) or set(style) != {"id", "contests"}:
        raise ValueError('ballot style: expected {"id","contests"}')
    if not isinstance(style["id"], str):
        raise ValueError("ballot style: id must be a string")
    contests = style["contests"]
    if not isinstance(contests, list) or not contests:
        raise ValueError("ballot style: needs at least one contest")
    seen = set()
    for contest in contests:
        if not isinstance(contest, Mapping) or set(contest) != {"id", "options", "min", "max"}:
            raise ValueError('contest: expected {"id","options","min","max"}')
        cid, options = contest["id"], contest["options"]
        if not isinstance(cid, str) or cid in seen:
            raise ValueError(f"contest {cid!r}: id must be a unique string")
        seen.add(cid)
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) for o in options)
            or len(set(options)) != len(options)
        ):
            raise ValueError(f"contest {cid}: options must be unique strings")
        low, high = contest["min"], contest["max"]
        if not (_is_int(low) and _is_int(high) and 0 <= low <= high <= len(options)):
            raise ValueError(f"contest {cid}: need 0 <= min <= max <= options")


def contest_values(contest: Mapping) -> tuple[int, ...]:
    """Counts a contest's sum proof allows: min..max."""
    return tuple(range(contest["min"], contest["max"] + 1))
