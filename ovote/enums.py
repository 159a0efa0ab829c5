"""Enums stored by their value, with a translated label: the pattern of every state and kind.

A member is written `NAME = "value", _l("Label")`: the database and the URLs hold
the value, pages show the label in the reader's language, and `in_sentence` is the
label lower-cased for use inside a sentence ("This application is verified: ...").
"""
import enum

from flask_babel import LazyString
from sqlalchemy import Enum


class LabelledEnum(enum.Enum):
    def __new__(cls, value, label):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @property
    def in_sentence(self):
        """The label, lower-cased, translated when it is shown."""
        return LazyString(lambda: str(self.label).lower())


def enum_column(kind, name):
    """The column type of an enum stored by value, with a CHECK constraint named `name`."""
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda members: [m.value for m in members])
