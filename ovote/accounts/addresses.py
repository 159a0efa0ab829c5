"""E-mail addresses: the login name of every account, normalised the same way everywhere."""
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ovote.accounts.errors import InvalidEmail
from ovote.accounts.models import User


def normalize_email(email):
    """Lower-cased, syntax-checked address; raises InvalidEmail."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(why=str(exc)) from None


def find_by_email(session, email):
    return session.scalar(select(User).where(User.email == email))
