"""The election record's six files (DESIGN.md §8): writer and reader.

A record is a folder, or a `.zip` holding the files at its root or in one
top folder. The writer always writes canonical JSON (§3.7): each JSON
Lines file one canonical object a line, each JSON file one canonical
document and a newline. The reader accepts any UTF-8 JSON that canonical
JSON can hold (no floats, duplicate keys or unsafe integers), because the
record may come from another implementation; hashes and signatures are
always recomputed on canonical JSON, never on the bytes of a line.
"""

import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ovote.crypto.canonical import canonical_json, parse_json
from ovote.crypto.errors import DecodeError

ELECTION = "election.json"
BALLOTS = "ballots.jsonl"
TALLY = "tally.json"
DECRYPTION = "decryption.jsonl"
IN_PERSON = "in_person.json"
RESULTS = "results.json"
#: The six required files, in the order they are written and read.
FILE_NAMES = (ELECTION, BALLOTS, TALLY, DECRYPTION, IN_PERSON, RESULTS)
#: Beyond DESIGN.md §8: the receipt key's signature over in_person.json and results.json,
#: which no other signature binds (`ovote.crypto.board.sign_publication`). Optional, so
#: that a record of the six files alone still reads; checked when present.
PUBLICATION = "publication.json"
OPTIONAL_NAMES = (PUBLICATION,)
JSON_LINES = frozenset({BALLOTS, DECRYPTION})


class RecordError(ValueError):
    """The record cannot be read: a file missing, or not JSON."""


def _canonical_line(obj) -> bytes:
    return canonical_json(obj) + b"\n"


def write_record(
    target,
    *,
    election: dict,
    ballots: Iterable[dict],
    tally: list,
    decryption: Iterable[dict],
    in_person: list,
    results: list,
    publication: dict | None = None,
    as_zip: bool = False,
) -> Path:
    """Write the six files into the folder `target` (created if needed),
    or, with `as_zip`, into the zip file `target` with the files at its
    root. `ballots` and `decryption` are iterables so that a large board
    streams to disk; every object must be canonical-JSON-encodable
    (`DecodeError` otherwise). `publication`, when given, is written as
    publication.json. Returns the path written."""
    target = Path(target)
    documents = {
        ELECTION: election,
        BALLOTS: ballots,
        TALLY: tally,
        DECRYPTION: decryption,
        IN_PERSON: in_person,
        RESULTS: results,
    }
    names = FILE_NAMES
    if publication is not None:
        documents[PUBLICATION] = publication
        names = FILE_NAMES + (PUBLICATION,)
    if as_zip:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                with archive.open(name, "w") as out:
                    _write_document(out, name, documents[name])
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        # Written under a temporary name, then renamed: a crash never
        # leaves a half-written file that looks complete.
        partial = target / f".{name}.partial"
        with open(partial, "wb") as out:
            _write_document(out, name, documents[name])
        os.replace(partial, target / name)
    return target


def _write_document(out, name: str, document) -> None:
    if name in JSON_LINES:
        for obj in document:
            out.write(_canonical_line(obj))
    else:
        out.write(_canonical_line(document))


class RecordSource:
    """Read access to a record folder or zip, by file name.

    `extra_files` lists every other file (relative names), which the
    verifier ignores and names in its report; `missing` lists required
    files that are absent.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._zip = None
        self._prefix = ""
        if self.path.is_dir():
            names = sorted(
                p.relative_to(self.path).as_posix()
                for p in self.path.rglob("*")
                if p.is_file()
            )
        elif zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            names = sorted(n for n in self._zip.namelist() if not n.endswith("/"))
            self._prefix = _top_folder(names)
        else:
            raise RecordError(f"{self.path}: neither a folder nor a zip file")
        self._names = set(names)
        self.missing = [n for n in FILE_NAMES if self._prefix + n not in self._names]
        known = {self._prefix + n for n in FILE_NAMES + OPTIONAL_NAMES}
        self.extra_files = [n for n in names if n not in known]
        #: optional files present in the record
        self.optional = [n for n in OPTIONAL_NAMES if self._prefix + n in self._names]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self, name: str):
        """A binary file object for one of the six files."""
        if name in OPTIONAL_NAMES and name not in self.optional:
            raise RecordError(f"{name}: not in the record")
        if name not in FILE_NAMES + OPTIONAL_NAMES or name in self.missing:
            raise RecordError(f"{name}: missing from the record")
        if self._zip is not None:
            return self._zip.open(self._prefix + name)
        return open(self.path / name, "rb")

    def read_json(self, name: str):
        """Parse a JSON file strictly (`RecordError` naming the file otherwise)."""
        with self.open(name) as handle:
            data = handle.read()
        try:
            return parse_json(data)
        except DecodeError as exc:
            raise RecordError(f"{name}: {exc}") from None

    def lines(self, name: str) -> Iterator[tuple[int, bytes]]:
        """`(line number, raw line)` of a JSON Lines file; the last newline
        is optional, and a blank last line is not a record line."""
        with self.open(name) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip() == b"":
                    continue
                yield number, line

    def read_lines(self, name: str) -> Iterator[tuple[int, object]]:
        """Parsed objects of a JSON Lines file (`RecordError` naming the line)."""
        for number, line in self.lines(name):
            yield number, parse_line(name, number, line)


def parse_line(name: str, number: int, line: bytes):
    try:
        return parse_json(line)
    except DecodeError as exc:
        raise RecordError(f"{name} line {number}: {exc}") from None


def _top_folder(names: list[str]) -> str:
    # Files at the root win; otherwise all six must sit in one top folder.
    if all(n in names for n in FILE_NAMES):
        return ""
    for top in sorted({n.split("/", 1)[0] + "/" for n in names if "/" in n}):
        if all(top + n in names for n in FILE_NAMES):
            return top
    return ""
