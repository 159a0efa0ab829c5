"""Voting: ballot tokens, casting and revoting, the bulletin board, receipts
(DESIGN.md §3.6-§3.8)."""
