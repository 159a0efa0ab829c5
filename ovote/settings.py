"""The configuration the rules need, as one plain frozen object built once per app.

Services, rules and commands take it as an argument (`settings=`); they never read
`current_app.config`. `ovote.runtime` builds it with the other collaborators.
"""
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Settings:
    #: "development", "testing" or "production"
    env_name: str
    #: signs the links mailed for confirmation and password reset
    secret_key: str = field(repr=False)
    #: how long a mailed link stays valid
    token_max_age_hours: int
    #: failed logins (or TOTP codes) in a row that lock an account, and for how long
    lockout_threshold: int
    lockout_minutes: int
    #: largest identity document accepted, in bytes
    document_max_bytes: int
    #: youngest age allowed to register, reached on the reference date
    minimum_age: int
    #: ISO 3166-1 alpha-2 code of the country holding the election
    home_country: str
    #: the day age is assessed on (None: the consulate's today)
    reference_date: date | None
    #: last day to submit an application (None: open)
    deadline: date | None
    #: largest request header field (name and value), in bytes (ovote.web.limits, ovote serve)
    max_header_bytes: int
    #: the languages offered, and the one every election text must have (ovote.elections)
    languages: tuple = ("en",)
    default_locale: str = "en"
    #: the election commission's time zone: the default of a new election's timeline
    commission_timezone: str = "UTC"
    #: days before voting closes that the reminder mail goes out, and mails sent per batch
    reminder_days: int = 3
    outreach_batch: int = 200
    #: processes making unit keys at a freeze (0: one per core), and units per transaction
    freeze_workers: int = 0
    freeze_batch: int = 24

    @classmethod
    def from_config(cls, config):
        return cls(env_name=config["ENV_NAME"], secret_key=config["SECRET_KEY"],
                   token_max_age_hours=int(config["TOKEN_MAX_AGE_HOURS"]),
                   lockout_threshold=int(config["LOCKOUT_THRESHOLD"]),
                   lockout_minutes=int(config["LOCKOUT_MINUTES"]),
                   document_max_bytes=int(config["DOCUMENT_MAX_BYTES"]),
                   minimum_age=int(config["MINIMUM_AGE"]),
                   home_country=(config["HOME_COUNTRY"] or "").upper(),
                   reference_date=config.get("REFERENCE_DATE"),
                   deadline=config.get("REGISTRATION_DEADLINE"),
                   max_header_bytes=int(config["MAX_HEADER_BYTES"]),
                   languages=tuple(config["LANGUAGES"]),
                   default_locale=config["BABEL_DEFAULT_LOCALE"],
                   commission_timezone=config["COMMISSION_TIMEZONE"],
                   reminder_days=int(config["REMINDER_DAYS"]),
                   outreach_batch=int(config["OUTREACH_BATCH"]),
                   freeze_workers=int(config["FREEZE_WORKERS"]),
                   freeze_batch=int(config["FREEZE_BATCH"]))
