"""What text typed by people may hold, the same in every domain."""
import unicodedata


def has_control_characters(text, *, allowed=""):
    """Whether `text` holds a control character other than those in `allowed` (e.g. "\\n\\r").

    NUL cannot be stored in a PostgreSQL text column, and no other control character
    belongs in a name, an address or a note either."""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text or "")
