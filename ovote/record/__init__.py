"""The election record (DESIGN.md §3.10, §3.11, §8), pure like `ovote.crypto`:
it imports only the standard library and `ovote.crypto` (and its
dependencies), never the web app, so that an observer's verifier and the
tally service share one implementation of every rule.

* `files`: the six files' names, `write_record`, `RecordSource` (reader of
  a folder or zip).
* `documents`: builders of each file's objects, field for field.
* `board`: chain steps, the counted set, the close statement.
* `grouping`: the privacy-floor grouping, `privacy_groups`.
* `aggregate`: streaming homomorphic sums, `SumAccumulator`,
  `aggregate_parallel`.
* `results`: in-person rules and the results document.
* `verify`: `ovote verify` (`verify_record`, `main`); `checks` names its
  checks and exit codes.
"""
