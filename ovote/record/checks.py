"""The verifier's checks: stable names, in the order they run, and the
exit code each gives when it is the first to fail."""

#: (name, exit code, what it covers), in the order `ovote verify` runs them.
CHECKS = (
    ("files", 10, "the six files are present and parse as JSON"),
    ("definition", 11, "election.json and the definition are well formed (§3.9)"),
    ("fingerprint", 12, "the fingerprint is SHA-256 of the definition's canonical JSON"),
    ("ceremony", 13, "the trustees' Schnorr proofs and the joint key (§3.5)"),
    ("tracking_code", 14, "each row's tracking code is SHA-256 of its ballot"),
    ("chain", 15, "rows in seq order 1..n, no gap, and the hash chain (§3.8)"),
    ("close", 16, "the close statement is signed and matches the board (§3.11)"),
    ("duplicate", 17, "no identical ballot twice on the board"),
    ("revotes", 18, "at most 1 + max_revotes rows per voting key"),
    ("superseded", 19, "superseded flags: every row but the latest of its voting key"),
    ("ballot_structure", 20, "each ballot's fields and encodings against its unit's style"),
    ("ballot_token", 21, "each ballot's token under its unit key (RFC 9474, §3.6)"),
    ("ballot_signature", 22, "each ballot's signature by its voting key"),
    ("ballot_proof", 23, "each ballot's selection and contest proofs (§3.4)"),
    ("grouping", 24, "the groups are the privacy-floor grouping of the board (§3.10)"),
    ("sums", 25, "each group's sums are the sums of its counted ballots"),
    ("decryption_share", 26, "every decryption share's proof under its trustee's key"),
    ("combination", 27, "k trustees per group; decoded counts within 0..counted"),
    ("in_person", 28, "in-person returns: two people, carried contests, one each (§8)"),
    ("results", 29, "results.json: the groups' counts, in-person returns and national totals"),
    ("publication", 30, "publication.json, when present: the receipt key signed in_person.json "
     "and results.json"),
)
CHECK_NAMES = tuple(name for name, _, _ in CHECKS)
EXIT_CODES = {name: code for name, code, _ in CHECKS}
#: Exit code for a record that could not be examined at all (an I/O error).
EXIT_UNREADABLE = 3

#: InvalidBallot codes of `ovote.crypto.ballot_validation` -> check name.
BALLOT_CHECK = {
    "bad_structure": "ballot_structure",
    "bad_encoding": "ballot_structure",
    "bad_point": "ballot_structure",
    "bad_scalar": "ballot_structure",
    "bad_token": "ballot_token",
    "bad_signature": "ballot_signature",
    "bad_proof": "ballot_proof",
}


class CheckFailed(Exception):
    """A check failed; `check` is its stable name."""

    def __init__(self, check: str, message: str):
        if check not in EXIT_CODES:
            raise ValueError(f"unknown check {check!r}")
        super().__init__(f"{check}: {message}")
        self.check = check
        self.message = message
