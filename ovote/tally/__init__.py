"""The tally: homomorphic aggregation per privacy group, the trustees' partial
decryptions, the results and their publication, the election record
(DESIGN.md §3.10, §3.11, §8)."""
