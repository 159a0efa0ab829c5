"""Reading and writing the sealed personal-data columns of registration rows.

The sealing context of each column is the one its model lists in
`SEALED_COLUMNS`, so that a value copied into another column does not open.
"""
from dataclasses import dataclass


def sealed(model, column, value, *, cipher):
    """`value` (str, or None/empty) as stored in `model.<column>`: sealed, or None."""
    return cipher.seal(value, context=model.SEALED_COLUMNS[column]) if value else None


def seal(row, column, value, *, cipher):
    """Store `value` (str, or None/empty to clear) sealed in `row.<column>`."""
    setattr(row, column, sealed(type(row), column, value, cipher=cipher))


def unseal(row, column, *, cipher):
    """The plaintext of `row.<column>`, or None when it is empty."""
    value = getattr(row, column)
    if value is None:
        return None
    return cipher.open_text(value, context=type(row).SEALED_COLUMNS[column])


@dataclass(frozen=True)
class ApplicantDetails:
    """The decrypted personal data of an application, for its pages and checks."""

    surname: str | None
    given_names: str | None
    birth_place: str | None
    national_id: str | None
    passport_number: str | None
    mrz: str | None
    address: str | None
    phone: str | None
    no_document_explanation: str | None

    @property
    def full_name(self):
        return " ".join(p for p in (self.given_names, self.surname) if p)


def details(application, *, cipher):
    return ApplicantDetails(**{
        column.removesuffix("_enc"): unseal(application, column, cipher=cipher)
        for column in type(application).SEALED_COLUMNS
    })
