"""The one clock of the app: naive UTC, the form every DateTime column stores."""
from datetime import datetime, timezone


def utcnow():
    """Naive UTC, the form every DateTime column stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
