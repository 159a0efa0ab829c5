"""Checks of tally.json, decryption.jsonl and results.json against what
the board and the definition give (DESIGN.md §3.5, §3.10, §8)."""

import json
from collections.abc import Mapping

from ovote.crypto.elgamal import Ciphertext, decode_small
from ovote.crypto.errors import DecodeError
from ovote.crypto.group import Point
from ovote.crypto.proofs import SimpleProof
from ovote.crypto.threshold import PartialDecryption, combine, verify_partial_decryption
from ovote.record.checks import CheckFailed

TALLY_FIELDS = {"contest", "group", "units", "counted", "sums"}
DECRYPTION_FIELDS = {"contest", "group", "trustee", "shares"}
RESULT_FIELDS = {"contest", "groups", "in_person", "national"}


def _json(value) -> str:
    return json.dumps(value, sort_keys=True)


def check_tally(tally, context, groups, unit_sums) -> dict:
    """`grouping` then `sums`: tally.json holds exactly the recomputed
    groups (names, units, counted) and each group's sums are those of its
    counted ballots. Returns `(contest, group) -> [Ciphertext per option]`."""
    if not isinstance(tally, list):
        raise CheckFailed("grouping", "tally.json: expected a list of groups")
    expected = {(g.contest, g.name): g for g in groups}
    entries = {}
    for entry in tally:
        if not isinstance(entry, Mapping) or set(entry) != TALLY_FIELDS:
            raise CheckFailed("grouping", f"tally.json: each group has the fields {sorted(TALLY_FIELDS)}")
        key = (entry["contest"], entry["group"])
        if not all(isinstance(k, str) for k in key) or key in entries:
            raise CheckFailed("grouping", f"tally.json: group {key!r} malformed or listed twice")
        group = expected.get(key)
        if group is None:
            raise CheckFailed("grouping", f"group {key[1]!r} of {key[0]!r} is not the privacy-floor grouping")
        if entry["units"] != list(group.units) or _json(entry["counted"]) != _json(group.counted):
            raise CheckFailed("grouping", f"group {key[1]!r} of {key[0]!r}: units or counted differ "
                              f"(expected {group.counted} counted ballots)")
        entries[key] = entry
    missing = [k for k in expected if k not in entries]
    if missing:
        raise CheckFailed("grouping", f"group {missing[0][1]!r} of {missing[0][0]!r} is missing")

    sums = {}
    for key, group in expected.items():
        width = len(context.options[group.contest])
        recomputed = unit_sums.combined([(u, group.contest) for u in group.units], width)
        listed = entries[key]["sums"]
        if not isinstance(listed, list) or len(listed) != width:
            raise CheckFailed("sums", f"group {key[1]!r} of {key[0]!r}: needs {width} sums")
        for option, (ciphertext, item) in enumerate(zip(recomputed, listed)):
            try:
                if set(item) != {"alpha", "beta"}:
                    raise DecodeError("sum: fields must be alpha, beta")
                decoded = Ciphertext.from_dict(item, allow_identity=True)
            except (DecodeError, TypeError) as exc:
                raise CheckFailed("sums", f"group {key[1]!r} of {key[0]!r} option {option}: {exc}") from None
            if decoded != ciphertext:
                raise CheckFailed("sums", f"group {key[1]!r} of {key[0]!r} option {option}: "
                                  "not the sum of its counted ballots")
        sums[key] = recomputed
    return sums


def _partials(line, context, groups, sums, seen):
    if not isinstance(line, Mapping) or set(line) != DECRYPTION_FIELDS:
        raise CheckFailed("decryption_share", f"each line has the fields {sorted(DECRYPTION_FIELDS)}")
    key, trustee = (line["contest"], line["group"]), line["trustee"]
    where = f"trustee {trustee!r}, group {key[1]!r} of {key[0]!r}"
    group = groups.get(key)
    if group is None:
        raise CheckFailed("decryption_share", f"{where}: no such group")
    if not group.decryptable:
        raise CheckFailed("decryption_share", f"{where}: the group is below the floor, "
                          "nothing of it may be decrypted")
    if isinstance(trustee, bool) or trustee not in context.verification_keys:
        raise CheckFailed("decryption_share", f"{where}: no such trustee")
    if (key, trustee) in seen:
        raise CheckFailed("decryption_share", f"{where}: listed twice")
    shares, ciphertexts = line["shares"], sums[key]
    if not isinstance(shares, list) or len(shares) != len(ciphertexts):
        raise CheckFailed("decryption_share", f"{where}: needs one share per option")
    partials = []
    for option, (share, ciphertext) in enumerate(zip(shares, ciphertexts)):
        try:
            if not isinstance(share, Mapping) or set(share) != {"D", "proof"}:
                raise DecodeError('share: fields must be "D","proof"')
            partial = PartialDecryption(
                trustee, Point.from_hex(share["D"], allow_identity=True),
                SimpleProof.from_dict(share["proof"]),
            )
        except DecodeError as exc:
            raise CheckFailed("decryption_share", f"{where} option {option}: {exc}") from None
        if not verify_partial_decryption(
            context.fingerprint, partial, ciphertext.alpha, context.verification_keys[trustee]
        ):
            raise CheckFailed("decryption_share", f"{where} option {option}: "
                              "proof does not verify under the trustee's verification key")
        partials.append(partial)
    return key, trustee, partials


def check_decryption(lines, context, groups, sums) -> dict:
    """`decryption_share` then `combination`. Returns the decoded counts
    `(contest, group) -> [count per option]` of every decryptable group."""
    by_key = {(g.contest, g.name): g for g in groups}
    shares: dict = {}
    for line in lines:
        key, trustee, partials = _partials(line, context, by_key, sums, shares)
        shares[(key, trustee)] = partials
    counts = {}
    for key, group in by_key.items():
        if not group.decryptable:
            continue
        trustees = sorted(t for (k, t) in shares if k == key)
        if len(trustees) < context.threshold:
            raise CheckFailed("combination", f"group {key[1]!r} of {key[0]!r}: {len(trustees)} "
                              f"trustees' shares, {context.threshold} needed")
        decoded = []
        for option, ciphertext in enumerate(sums[key]):
            point = combine(ciphertext, [shares[(key, t)][option] for t in trustees])
            try:
                decoded.append(decode_small(point, group.counted))
            except ValueError:
                raise CheckFailed("combination", f"group {key[1]!r} of {key[0]!r} option {option}: "
                                  f"decrypts to no count in 0..{group.counted}") from None
        counts[key] = decoded
    return counts


def _normalised(document):
    # Groups and in-person returns may come in any order; contests may not.
    out = []
    for entry in document:
        if not isinstance(entry, Mapping) or set(entry) != RESULT_FIELDS:
            raise CheckFailed("results", f"each contest's result has the fields {sorted(RESULT_FIELDS)}")
        try:
            groups = sorted(entry["groups"], key=lambda g: g["group"])
            in_person = sorted(entry["in_person"], key=lambda r: r["consulate"])
        except (TypeError, KeyError):
            raise CheckFailed("results", f"contest {entry['contest']!r}: malformed groups or in_person") from None
        out.append({**entry, "groups": groups, "in_person": in_person})
    return out


def check_results(results, expected) -> None:
    """`results`: results.json equals the recomputed results (groups and
    in-person returns in any order; contests in manifest order)."""
    if not isinstance(results, list) or len(results) != len(expected):
        raise CheckFailed("results", f"expected a list of {len(expected)} contests in manifest order")
    for got, want in zip(_normalised(results), _normalised(expected)):
        if got["contest"] != want["contest"]:
            raise CheckFailed("results", f"contest {got['contest']!r} where {want['contest']!r} is due")
        for name in ("groups", "in_person", "national"):
            # Compared as canonical JSON: Python's True == 1 must not pass.
            if _json(got[name]) != _json(want[name]):
                raise CheckFailed("results", f"contest {want['contest']}: {name} differ from the "
                                  "decrypted counts and in-person returns")
