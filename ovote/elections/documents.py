"""An election's rows as the plain documents of DESIGN.md §3.9.

The manifest and the ballot styles are built from the rows here, once, at the
freeze; afterwards everyone reads the stored definition (`definition_of`),
never the rows, so that what voting, the tally and the record use is exactly
what the fingerprint binds.
"""
import json

from ovote.crypto import blindrsa


def contest_document(contest):
    """A manifest contest: ``{"id","labels","options":[{"id","labels"}],"min","max"}``."""
    return {"id": contest.code, "labels": dict(contest.labels),
            "options": [{"id": o.code, "labels": dict(o.labels)} for o in contest.options],
            "min": contest.min_selections, "max": contest.max_selections}


def manifest_of(election):
    """``{"slug","title","contests","min_unit_ballots","max_revotes"}`` in manifest order."""
    return {"slug": election.slug, "title": dict(election.title),
            "contests": [contest_document(c) for c in election.contests],
            "min_unit_ballots": election.min_unit_ballots, "max_revotes": election.max_revotes}


def ballot_style_document(style):
    """``{"id","contests":[{"id","options":[ids],"min","max"}]}``, contests in manifest order."""
    return {"id": style.code,
            "contests": [{"id": c.code, "options": [o.code for o in c.options],
                          "min": c.min_selections, "max": c.max_selections}
                         for c in style.contests]}


def unit_code(consulate_code, style_code):
    """A unit's id: both codes are upper-case letters and digits, so the hyphen between
    them makes the id unambiguous (and unlike a pool name, which holds a colon)."""
    return f"{consulate_code}-{style_code}"


def unit_public_key(unit):
    """The unit's RSA public key, from the stored n and e."""
    return blindrsa.public_key_from_dict({"n": unit.rsa_n, "e": unit.rsa_e})


def definition_of(election):
    """The frozen definition as a dict (parsed from its stored canonical bytes)."""
    if election.definition is None:
        return None
    return json.loads(election.definition)


def published_proofs(commitments):
    """§3.5's published form: sorted by trustee, ``{"trustee": i, "proofs": [{"c","z"}]}``."""
    return [{"trustee": c.trustee, "proofs": [p.to_dict() for p in c.proofs]}
            for c in sorted(commitments, key=lambda c: c.trustee)]


def short_fingerprint(fingerprint, groups=4):
    """The first `groups` groups of four hex digits, for people to compare by eye."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, 4 * groups, 4)) if fingerprint else ""


def grouped_fingerprint(fingerprint):
    """All 64 hex digits in groups of four."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint or ""), 4))
