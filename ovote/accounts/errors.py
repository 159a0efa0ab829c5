"""The account rules' refusals; their codes' messages and statuses are in `ovote.refusals`."""
from ovote.errors import Refused


class AccountError(Refused):
    """Base of the account rules' refusals."""


class InvalidEmail(AccountError):
    code = "account.invalid_email"


class WeakPassword(AccountError):
    pass


class InvalidCredentials(AccountError):
    code = "account.invalid_credentials"


class AccountLocked(AccountError):
    code = "account.locked"

    def __init__(self, until):
        super().__init__(time=until.strftime("%H:%M"))
        self.until = until


class InvalidToken(AccountError):
    pass


class StaffError(AccountError):
    pass


class TotpInvalid(AccountError):
    code = "totp.invalid"


class TotpReplayed(AccountError):
    code = "totp.replayed"


class TotpAlreadyEnrolled(AccountError):
    code = "totp.already_enrolled"
