"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""
from ovote.accounts.models import LoginThrottle, User  # noqa: F401
from ovote.audit.models import AuditEvent  # noqa: F401
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry  # noqa: F401
from ovote.registration.models import Application, CheckResult, Decision, VerifiedDocument  # noqa: F401
from ovote.registration.registry_models import RegistryEntry  # noqa: F401
from ovote.elections.models import (BallotStyle, BallotStyleConstituency,  # noqa: F401
                                    BallotStyleContest, Contest, ContestOption, Election,
                                    ElectionNotice, ElectionTrustee, ReportingUnit)
from ovote.voting.models import BoardEntry, BoardHead, TokenIssuance  # noqa: F401
from ovote.mail import UndeliveredMail  # noqa: F401
from ovote.elections.ceremony_models import (CeremonyAttempt, CeremonyComplaint,  # noqa: F401
                                             CeremonyUpload)
from ovote.tally.models import DecryptionShare, ElectionResults, TallyGroup  # noqa: F401
