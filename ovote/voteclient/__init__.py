"""The command-line voter client behind `ovote vote` (DESIGN.md §6).

It speaks only the JSON API of §7 and computes everything with
`ovote.crypto`; nothing here imports Flask or SQLAlchemy, so it runs on a
voter's machine with the package alone.

* `api`: the HTTP calls (a logged-in session for the token, an anonymous
  one for everything else: a ballot is cast with no cookie);
* `kit`: the voting kit file (voting key, token, receipts), kept 0600;
* `flow`: getting a token, building and casting a ballot, checking a
  receipt on the board.
"""
