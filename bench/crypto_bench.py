"""Timings of the ovote.crypto hot paths on this machine.

Run: ``python bench/crypto_bench.py [--repeat N] [--no-plot]``. Prints the
median time per operation (single thread) and, if matplotlib is
installed, writes bench/out/crypto_bench.png. The target is validating a
ballot with one 1-of-10 contest in under 12 ms on one core.
"""

import argparse
import hashlib
import statistics
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import build_ballot, voting_key_bytes
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.elgamal import decode_small, encrypt
from ovote.crypto.group import Scalar, base_mul
from ovote.crypto.proofs import SELECTION_TAG, SELECTION_VALUES, prove_range, verify_range
from ovote.crypto.threshold import partial_decrypt, verify_partial_decryption

OUT = Path(__file__).resolve().parent / "out"


def median_seconds(fn, repeat: int, number: int = 1) -> float:
    """Median over `repeat` runs of the mean time of `number` calls."""
    fn()  # warm caches (lru caches, BSGS tables, first-call imports)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def setup():
    unit_key = blindrsa.generate_key(3072)
    fingerprint = hashlib.sha256(b"benchmark election").digest()
    secret = Scalar.random()
    joint_key = base_mul(secret)
    voting_key = Ed25519PrivateKey.generate()
    request = tokens.request_token(unit_key.public_key(), fingerprint, voting_key_bytes(voting_key))
    token = tokens.finish_token(
        unit_key.public_key(), request, tokens.issue_token(unit_key, request.blinded_msg)
    )
    style = {
        "id": "bench",
        "contests": [
            {"id": "president", "options": [f"candidate-{i}" for i in range(10)], "min": 1, "max": 1}
        ],
    }
    return dict(
        unit_key=unit_key, fingerprint=fingerprint, secret=secret, joint_key=joint_key,
        voting_key=voting_key, token=token, style=style,
    )


def run(repeat: int) -> dict[str, float]:
    s = setup()
    K, fp = s["joint_key"], s["fingerprint"]
    context = dict(tag=SELECTION_TAG, fingerprint=fp, voting_key=voting_key_bytes(s["voting_key"]),
                   contest_id="president", index=3)

    def encrypt_and_prove():
        ciphertext, nonce = encrypt(K, 1)
        prove_range(ciphertext, nonce, 1, SELECTION_VALUES, K, **context)

    ciphertext, nonce = encrypt(K, 1)
    proof = prove_range(ciphertext, nonce, 1, SELECTION_VALUES, K, **context)
    other, _ = encrypt(K, 0)

    def build():
        return build_ballot(
            fingerprint=fp, unit_id="unit", ballot_style=s["style"], joint_key=K,
            voting_key=s["voting_key"], token=s["token"], choices={"president": ["candidate-3"]},
        )

    ballot = build()
    check = dict(fingerprint=fp, unit_id="unit", ballot_style=s["style"],
                 unit_key=s["unit_key"].public_key(), joint_key=K)
    partial = partial_decrypt(fp, 1, s["secret"], ciphertext.alpha)
    blinded = tokens.request_token(s["unit_key"].public_key(), fp, bytes(32)).blinded_msg
    big = base_mul(Scalar.from_int(7_654_321))

    return {
        "encrypt + prove, per selection": median_seconds(encrypt_and_prove, repeat, 20),
        "verify, per selection": median_seconds(
            lambda: verify_range(proof, ciphertext, SELECTION_VALUES, K, **context), repeat, 20),
        "homomorphic add": median_seconds(lambda: ciphertext + other, repeat, 200),
        "build 1-of-10 ballot": median_seconds(build, repeat, 3),
        "validate 1-of-10 ballot": median_seconds(lambda: validate_ballot(ballot, **check), repeat, 5),
        "partial decryption + proof": median_seconds(
            lambda: partial_decrypt(fp, 1, s["secret"], ciphertext.alpha), repeat, 20),
        "verify partial decryption": median_seconds(
            lambda: verify_partial_decryption(fp, partial, ciphertext.alpha, K), repeat, 20),
        "blind sign (3072-bit)": median_seconds(
            lambda: tokens.issue_token(s["unit_key"], blinded), repeat, 5),
        "decode m < 10^7 (table cached)": median_seconds(
            lambda: decode_small(big, 10_000_000), repeat, 3),
    }


def plot(results: dict[str, float]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    OUT.mkdir(exist_ok=True)
    names = list(results)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh(names, [results[n] * 1000 for n in names])
    ax.axvline(12, color="red", linestyle="--", label="12 ms validation target")
    ax.set_xlabel("milliseconds (median, one core)")
    ax.invert_yaxis()
    ax.legend()
    fig.tight_layout()
    path = OUT / "crypto_bench.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    results = run(args.repeat)
    width = max(len(name) for name in results)
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds * 1000:9.3f} ms")
    if not args.no_plot:
        path = plot(results)
        if path is not None:
            print(f"plot: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
