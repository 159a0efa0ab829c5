"""Consulate rules: codes, served countries (ISO 3166) and time zones."""
import zoneinfo
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ovote.audit.services import record
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry
from ovote.countries import is_country_code
from ovote.errors import Refused
from ovote.text import has_control_characters


class ConsulateError(Refused):
    """A consulate (or constituency) rule refused; `field` names the form field at fault."""

    def __init__(self, code=None, /, *, field=None, **params):
        super().__init__(code, **params)
        self.field = field


class ConstituencyError(ConsulateError):
    pass


def parse_countries(codes):
    """Upper-cased, de-duplicated ISO 3166-1 alpha-2 codes; raises ConsulateError on an unknown one."""
    result = []
    for code in codes:
        code = (code or "").strip().upper()
        if not code:
            continue
        if not is_country_code(code):
            raise ConsulateError("consulate.country_code", field="served", code=code)
        if code not in result:
            result.append(code)
    return result


def _validate(session, *, code, name, city, host_country, timezone, served, existing=None):
    for field, value in (("name", name), ("city", city)):
        if has_control_characters(value):
            raise ConsulateError("text.control_characters", field=field)
    code = (code or "").strip().upper()
    if not (2 <= len(code) <= 8 and code.isalnum()):
        raise ConsulateError("consulate.code", field="code")
    other = consulate_by_code(session, code)
    if other is not None and other is not existing:
        raise ConsulateError("consulate.code_taken", field="code", code=code)
    host = parse_countries([host_country])
    if not host:
        raise ConsulateError("consulate.host_country", field="host_country")
    if timezone not in zoneinfo.available_timezones():
        raise ConsulateError("consulate.timezone", field="timezone", tz=timezone)
    served = parse_countries(served)
    if not served:
        raise ConsulateError("consulate.no_countries", field="served")
    return code, host[0], served


@contextmanager
def _code_taken_is_refused(session, code):
    """Write the changes made in the block in a savepoint; a code taken meanwhile by a
    concurrent request (the unique constraint decides) is refused like a taken one."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        raise ConsulateError("consulate.code_taken", field="code", code=code) from None


def create_consulate(session, *, actor, code, name, city, host_country, timezone, served):
    """Create a consulate serving the given countries of residence."""
    code, host, served = _validate(session, code=code, name=name, city=city,
                                   host_country=host_country, timezone=timezone, served=served)
    consulate = Consulate(code=code, name=name.strip(), city=city.strip(), host_country=host,
                          timezone=timezone,
                          served=[ConsulateCountry(country_code=c) for c in served])
    with _code_taken_is_refused(session, code):
        session.add(consulate)
    record(session, actor=actor, action="consulate.create", target=f"consulate:{code}",
           details={"served": served, "host_country": host})
    return consulate


def update_consulate(session, consulate, *, actor, code, name, city, host_country, timezone,
                     served, active=True):
    code, host, served = _validate(session, code=code, name=name, city=city,
                                   host_country=host_country, timezone=timezone, served=served,
                                   existing=consulate)
    with _code_taken_is_refused(session, code):
        consulate.code, consulate.name, consulate.city = code, name.strip(), city.strip()
        consulate.host_country, consulate.timezone, consulate.active = host, timezone, active
        keep = {row.country_code: row for row in consulate.served}
        consulate.served = [keep.get(c) or ConsulateCountry(country_code=c) for c in served]
    record(session, actor=actor, action="consulate.update", target=f"consulate:{code}",
           details={"served": served, "host_country": host, "active": active})
    return consulate


def consulate_by_code(session, code):
    """The consulate with this code (any case), or None. A code no consulate can have
    (too long, not letters and digits) finds nothing before reaching the database,
    which would refuse a NUL byte."""
    code = (code or "").upper()
    if not (code.isalnum() and len(code) <= 8):
        return None
    return session.scalar(select(Consulate).where(Consulate.code == code))


def list_consulates(session, *, only_active=False):
    query = select(Consulate).order_by(Consulate.code)
    if only_active:
        query = query.where(Consulate.active.is_(True))
    return session.scalars(query).all()


def consulates_serving(session, country_code):
    """Active consulates that serve residents of `country_code`."""
    return session.scalars(
        select(Consulate)
        .join(ConsulateCountry)
        .where(ConsulateCountry.country_code == country_code.upper(), Consulate.active.is_(True))
        .order_by(Consulate.code)
    ).all()


# -- constituencies -------------------------------------------------------------

def list_constituencies(session):
    return session.scalars(select(Constituency).order_by(Constituency.name)).all()


def constituency_by_code(session, code):
    return session.scalar(select(Constituency).where(Constituency.code == (code or "").strip().upper()))


def create_constituency(session, *, actor, code, name):
    """Add a home constituency; raises ConstituencyError on a bad or taken code or name."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not (1 <= len(code) <= 16 and code.replace("-", "").isalnum()):
        raise ConstituencyError("constituency.code", field="code")
    if not name or len(name) > 200:
        raise ConstituencyError("constituency.name", field="name")
    if has_control_characters(name):
        raise ConstituencyError("text.control_characters", field="name")
    if constituency_by_code(session, code) is not None:
        raise ConstituencyError("constituency.code_taken", field="code", code=code)
    constituency = Constituency(code=code, name=name)
    try:
        with session.begin_nested():
            session.add(constituency)
    except IntegrityError:  # taken a moment ago by a concurrent request
        raise ConstituencyError("constituency.code_taken", field="code", code=code) from None
    record(session, actor=actor, action="constituency.create", target=f"constituency:{code}")
    return constituency
