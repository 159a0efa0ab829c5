"""Configuration, read from environment variables.

Every setting has a safe default for development. `ProductionConfig.check`
refuses to start without a real secret key and data-encryption key.
README.md lists every variable.
"""
import base64
import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
# 32 zero-ish bytes: fine for a laptop demo, refused in production.
DEV_DATA_KEY = base64.urlsafe_b64encode(b"ovote-development-data-key-0000!").decode()
DEV_INDEX_KEY = base64.urlsafe_b64encode(b"ovote-development-index-key-000!").decode()


def _env(name, default=None):
    return os.environ.get(name, default)


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen mode."""


def _env_date(name):
    """An ISO date (YYYY-MM-DD) from the environment, or None when unset."""
    value = os.environ.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


class Config:
    ENV_NAME = "development"
    SECRET_KEY = _env("OVOTE_SECRET_KEY", DEV_SECRET_KEY)
    #: base64url of 32 bytes; a comma-separated list keeps old keys readable
    #: after a rotation (the first one encrypts).
    DATA_KEYS = _env("OVOTE_DATA_KEYS", DEV_DATA_KEY)
    #: base64url of 32 bytes for HMAC blind indexes (look-ups on encrypted data).
    INDEX_KEY = _env("OVOTE_INDEX_KEY", DEV_INDEX_KEY)

    SQLALCHEMY_DATABASE_URI = _env(
        "OVOTE_DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'ovote.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    MAX_CONTENT_LENGTH = _env_int("OVOTE_MAX_CONTENT_LENGTH", 12 * 1024 * 1024)
    #: largest request header field (name and value, bytes); 431 above (ovote/serving.py)
    MAX_HEADER_BYTES = _env_int("OVOTE_MAX_HEADER_BYTES", 8192)
    UPLOAD_DIR = _env("OVOTE_UPLOAD_DIR", str(ROOT / "instance" / "uploads"))
    #: largest identity document accepted (bytes); keep it below MAX_CONTENT_LENGTH
    DOCUMENT_MAX_BYTES = _env_int("OVOTE_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

    #: ISO 3166-1 alpha-2 code of the country holding the election: its residents
    #: vote at home, not on the overseas register. "PT" is a demo default only;
    #: production refuses to start without an explicit value.
    HOME_COUNTRY = _env("OVOTE_HOME_COUNTRY", "PT")
    #: youngest age allowed to register, reached on the reference date
    MINIMUM_AGE = _env_int("OVOTE_MINIMUM_AGE", 18)
    #: the day on which age is assessed (the next election day); None means today
    REFERENCE_DATE = _env_date("OVOTE_REFERENCE_DATE")
    #: last day (inclusive, in the consulate's time zone) to submit an application; None: open
    REGISTRATION_DEADLINE = _env_date("OVOTE_REGISTRATION_DEADLINE")

    #: IANA time zone of the election commission: election timelines are entered in it
    COMMISSION_TIMEZONE = _env("OVOTE_COMMISSION_TIMEZONE", "UTC")
    #: days before voting closes that the reminder mail goes to voters who have not opted out
    REMINDER_DAYS = _env_int("OVOTE_REMINDER_DAYS", 3)
    #: outreach mails sent per transaction by `ovote election tick`
    OUTREACH_BATCH = _env_int("OVOTE_OUTREACH_BATCH", 200)
    #: processes that make the reporting units' RSA keys at the freeze (0: one per CPU)
    FREEZE_WORKERS = _env_int("OVOTE_FREEZE_WORKERS", 0)
    #: unit keys made and stored per transaction at the freeze
    FREEZE_BATCH = _env_int("OVOTE_FREEZE_BATCH", 24)
    #: the freeze page makes the keys in the request itself (tests) instead of a thread
    FREEZE_IN_REQUEST = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("OVOTE_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = _env_int("OVOTE_SESSION_MINUTES", 30) * 60
    PREFERRED_URL_SCHEME = _env("OVOTE_URL_SCHEME", "http")
    #: public host name (and port, if not the default) for links in e-mails; unset,
    #: a development server names the host the request was sent to
    SERVER_NAME = _env("OVOTE_SERVER_NAME")

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600

    RATELIMIT_ENABLED = _env_bool("OVOTE_RATELIMIT", True)
    RATELIMIT_STORAGE_URI = _env("OVOTE_REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = _env("OVOTE_LOGIN_RATE_LIMIT", "10 per minute")
    SIGNUP_RATE_LIMIT = _env("OVOTE_SIGNUP_RATE_LIMIT", "5 per minute")
    LOCKOUT_THRESHOLD = _env_int("OVOTE_LOCKOUT_THRESHOLD", 5)
    LOCKOUT_MINUTES = _env_int("OVOTE_LOCKOUT_MINUTES", 15)
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto it believes
    #: (0: none, the client's address is the socket's; never more than you run)
    TRUSTED_PROXIES = _env_int("OVOTE_TRUSTED_PROXIES", 0)
    TOKEN_MAX_AGE_HOURS = _env_int("OVOTE_TOKEN_HOURS", 24)

    MAIL_BACKEND = _env("OVOTE_MAIL_BACKEND", "console")  # console | file | smtp
    MAIL_DIR = _env("OVOTE_MAIL_DIR", str(ROOT / "instance" / "mail"))
    MAIL_FROM = _env("OVOTE_MAIL_FROM", "ovote <no-reply@ovote.invalid>")
    SMTP_HOST = _env("OVOTE_SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("OVOTE_SMTP_PORT", 587)
    SMTP_USER = _env("OVOTE_SMTP_USER")
    SMTP_PASSWORD = _env("OVOTE_SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("OVOTE_SMTP_STARTTLS", True)

    #: the body running the election, named in the header, the footer and the privacy notice
    COMMISSION_NAME = _env("OVOTE_COMMISSION_NAME", "Electoral Commission")
    #: an image file (SVG or PNG) of the commission's emblem; unset: a neutral placeholder
    COMMISSION_EMBLEM = _env("OVOTE_COMMISSION_EMBLEM")
    #: where voters write or call for help (help and contact pages)
    CONTACT_EMAIL = _env("OVOTE_CONTACT_EMAIL", "help@ovote.invalid")
    CONTACT_PHONE = _env("OVOTE_CONTACT_PHONE")
    #: working days a consulate takes to decide, as voters are told (help and status pages, mail)
    DECISION_DAYS = _env_int("OVOTE_DECISION_DAYS", 10)
    #: months after the election an application and its document scan are kept (privacy notice)
    RETENTION_MONTHS = _env_int("OVOTE_RETENTION_MONTHS", 12)

    #: the languages offered, in the order the language selector shows them: the one list
    #: of them (tests/test_i18n.py checks each has a complete catalogue in
    #: ovote/translations, and that every catalogue there is listed). The default language
    #: is that of the interface's own strings and needs no catalogue.
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "fr", "es", "pt", "ar")
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "ovote" / "translations")

    #: Argon2id parameters (argon2-cffi defaults are the RFC 9106 low-memory profile).
    ARGON2_TIME_COST = _env_int("OVOTE_ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = _env_int("OVOTE_ARGON2_MEMORY_KIB", 65536)

    @classmethod
    def check(cls, app_config):
        """Refuse settings that are unsafe for this mode, or wrong in any mode."""
        if app_config.get("TRUSTED_PROXIES", 0) < 0:
            # ProxyFix would then believe an address the client wrote itself.
            raise ConfigError("OVOTE_TRUSTED_PROXIES must be 0 or the number of proxies in front of the app")


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    RATELIMIT_ENABLED = False
    MAIL_BACKEND = "memory"
    FREEZE_IN_REQUEST = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 64
    SQLALCHEMY_DATABASE_URI = _env("OVOTE_DATABASE_URL", "sqlite://")


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("OVOTE_SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = _env("OVOTE_URL_SCHEME", "https")
    MAIL_BACKEND = _env("OVOTE_MAIL_BACKEND", "smtp")
    HOME_COUNTRY = _env("OVOTE_HOME_COUNTRY")

    @classmethod
    def check(cls, app_config):
        super().check(app_config)
        problems = []
        secret = app_config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            problems.append("OVOTE_SECRET_KEY must be set to a random value of at least 32 characters")
        keys = [k.strip() for k in (app_config.get("DATA_KEYS") or "").split(",") if k.strip()]
        if not keys or DEV_DATA_KEY in keys or not all(map(_is_key, keys)):
            problems.append("OVOTE_DATA_KEYS must hold a real data-encryption key "
                            "(base64url of 32 random bytes)")
        index_key = (app_config.get("INDEX_KEY") or "").strip()
        if index_key in ("", DEV_INDEX_KEY) or not _is_key(index_key):
            problems.append("OVOTE_INDEX_KEY must hold a real blind-index key (base64url of 32 random bytes)")
        if not app_config.get("SERVER_NAME"):
            # Links in e-mails would otherwise name whatever host a request claims.
            problems.append("OVOTE_SERVER_NAME must be the site's public host name, e.g. vote.example.org")
        if app_config.get("MAIL_BACKEND") not in ("smtp",):
            problems.append("OVOTE_MAIL_BACKEND must be smtp in production")
        if not _is_country_code(app_config.get("HOME_COUNTRY")):
            problems.append("OVOTE_HOME_COUNTRY must be the ISO 3166-1 alpha-2 code of the home country")
        if problems:
            raise ConfigError("refusing to start in production: " + "; ".join(problems))


def _is_key(text):
    """True for base64url of exactly 32 bytes, the form of the data and index keys."""
    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) == 32
    except ValueError:
        return False


def _is_country_code(code):
    import pycountry

    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    """The configuration class for OVOTE_ENV (default: development)."""
    name = name or _env("OVOTE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"OVOTE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
