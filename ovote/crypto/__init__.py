"""Pure protocol code of ovote (DESIGN.md §3): no Flask, no SQLAlchemy.

Modules, from the bottom up:

* `errors`: typed errors with stable codes (`DecodeError`, `InvalidBallot`...).
* `canonical`: canonical JSON, strict JSON parsing, hex codecs.
* `group`: `Point` / `Scalar` of edwards25519's prime-order subgroup.
* `elgamal`: exponential ElGamal, homomorphic sums, bounded decoding.
* `proofs`: Fiat-Shamir hash, Schnorr, range and decryption proofs.
* `threshold`, `share_encryption`: the k-of-n key ceremony and decryption.
* `blindrsa`, `tokens`: RFC 9474 blind signatures and ballot tokens.
* `ballot_style`, `ballot`, `ballot_validation`: ballots on the wire.
* `fingerprint`: the election definition and its fingerprint;
  `definition`: checking a downloaded definition before trusting it.
* `board`: the bulletin board's chain, signed receipts, the close statement.

The verifier and the voter client import these modules directly.
"""
