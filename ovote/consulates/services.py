"""Consulate rules: codes, served countries (ISO 3166) and time zones."""
import zoneinfo
from contextlib import contextmanager

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ovote.audit.services import record
from ovote.codes import code_or_none, parse_code, refuse_confusable_code, refuse_confusable_name
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry
from ovote.countries import is_country_code
from ovote.errors import Refused
from ovote.text import visible_text


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


@contextmanager
def _refused_on(field, error=ConsulateError):
    """A refusal of the shared rules (`ovote.codes`, `ovote.text`), with its own code and
    parameters, as `error` on the form's `field` (which the views put the message on)."""
    try:
        yield
    except Refused as exc:
        raise error(exc.code, field=field, **exc.params) from None


def _visible(value, field, error=ConsulateError):
    with _refused_on(field, error):
        return visible_text(value)


def _code(value, error, *, min_length, max_length):
    with _refused_on("code", error):
        return parse_code(value, min_length=min_length, max_length=max_length)


def _one_writer_at_a_time(session, model):
    """Hold off other requests adding or changing rows of `model` until this one commits.

    A new code is compared with every code in use, which only holds while no other request
    adds one meanwhile: two commissioners creating NORTH and N0RTH at once would each find the
    other's missing. On PostgreSQL the table is locked in SHARE ROW EXCLUSIVE mode (which
    conflicts with itself and with writes, not with reads) until the commit; SQLite's
    BEGIN IMMEDIATE already serialises writers. Consulates and constituencies are created
    rarely, by commissioners, so the wait costs nothing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {model.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))


def _no_look_alike(session, model, error, *, code, name, existing):
    """Refuse (`error`) a code or name that can be mistaken for another row's of `model`
    (`ovote.codes`); an exact duplicate of the code is the caller's, with its own message."""
    others = [row for row in session.scalars(select(model)) if row is not existing]
    with _refused_on("code", error):
        refuse_confusable_code(code, [row.code for row in others if row.code != code])
    with _refused_on("name", error):
        refuse_confusable_name(name, [row.name for row in others])


MAX_NAME = 200


def other_names(names, *, settings, error=ConsulateError):
    """The names in the languages offered other than the default one, {"fr": ..., "ar": ...}:
    blank ones dropped, each visible text of at most 200 characters, in the order of
    `settings.languages`; a language not offered is refused. Raises `error` on the field
    `name_<language>`."""
    offered = [code for code in settings.languages if code != settings.default_locale]
    cleaned = {}
    for language, text in (names or {}).items():
        if language not in offered:
            raise error("names.language", field="name", language=str(language)[:16])
        text = (text or "").strip()
        if not text:
            continue
        if len(text) > MAX_NAME:
            raise error("names.length", field=f"name_{language}")
        cleaned[language] = _visible(text, f"name_{language}", error)
    return {language: cleaned[language] for language in offered if language in cleaned}


def _validate(session, *, code, name, city, host_country, timezone, served, existing=None):
    for field, value in (("name", name), ("city", city)):
        _visible(value, field)
    code = _code(code, ConsulateError, min_length=2, max_length=8)
    _one_writer_at_a_time(session, Consulate)
    other = consulate_by_code(session, code)
    if other is not None and other is not existing:
        raise ConsulateError("consulate.code_taken", field="code", code=code)
    _no_look_alike(session, Consulate, ConsulateError, code=code, name=name, existing=existing)
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


def create_consulate(session, *, actor, code, name, city, host_country, timezone, served,
                     names=None, settings=None):
    """Create a consulate serving the given countries of residence; `names` are its name in
    the other languages offered (`settings.languages`), if the commission gives them."""
    names = other_names(names, settings=settings) if names else {}
    code, host, served = _validate(session, code=code, name=name, city=city,
                                   host_country=host_country, timezone=timezone, served=served)
    consulate = Consulate(code=code, name=name.strip(), names=names, city=city.strip(),
                          host_country=host, timezone=timezone,
                          served=[ConsulateCountry(country_code=c) for c in served])
    with _code_taken_is_refused(session, code):
        session.add(consulate)
    record(session, actor=actor, action="consulate.create", target=f"consulate:{code}",
           details={"served": served, "host_country": host, "names": sorted(names)})
    return consulate


def update_consulate(session, consulate, *, actor, code, name, city, host_country, timezone,
                     served, active=True, names=None, settings=None):
    """Change a consulate; `names` (None: unchanged) replace its names in other languages."""
    names = other_names(names, settings=settings) if names is not None else consulate.names
    code, host, served = _validate(session, code=code, name=name, city=city,
                                   host_country=host_country, timezone=timezone, served=served,
                                   existing=consulate)
    with _code_taken_is_refused(session, code):
        consulate.code, consulate.name, consulate.city = code, name.strip(), city.strip()
        consulate.names = dict(names)
        consulate.host_country, consulate.timezone, consulate.active = host, timezone, active
        keep = {row.country_code: row for row in consulate.served}
        consulate.served = [keep.get(c) or ConsulateCountry(country_code=c) for c in served]
    record(session, actor=actor, action="consulate.update", target=f"consulate:{code}",
           details={"served": served, "host_country": host, "active": active,
                    "names": sorted(names)})
    return consulate


def consulate_by_code(session, code):
    """The consulate with this code (any case), or None. A code no consulate can have
    (too long, not ASCII letters and digits) finds nothing before reaching the database,
    which would refuse a NUL byte."""
    code = code_or_none(code, max_length=8)
    if code is None:
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
    """The constituency with this code (any case), or None; a string no code can be finds none."""
    code = code_or_none(code)
    if code is None:
        return None
    return session.scalar(select(Constituency).where(Constituency.code == code))


def create_constituency(session, *, actor, code, name, names=None, settings=None):
    """Add a home constituency; raises ConstituencyError on a bad or taken code or name, or one
    that can be mistaken for another constituency's (`ovote.codes`). `names` are its name in
    the other languages offered (`settings.languages`), if the commission gives them."""
    names = other_names(names, settings=settings, error=ConstituencyError) if names else {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ConstituencyError("constituency.name", field="name")
    _visible(name, "name", ConstituencyError)
    code = _code(code, ConstituencyError, min_length=1, max_length=16)
    _one_writer_at_a_time(session, Constituency)
    if constituency_by_code(session, code) is not None:
        raise ConstituencyError("constituency.code_taken", field="code", code=code)
    _no_look_alike(session, Constituency, ConstituencyError, code=code, name=name, existing=None)
    constituency = Constituency(code=code, name=name, names=names)
    try:
        with session.begin_nested():
            session.add(constituency)
    except IntegrityError:  # taken a moment ago by a concurrent request
        raise ConstituencyError("constituency.code_taken", field="code", code=code) from None
    record(session, actor=actor, action="constituency.create", target=f"constituency:{code}",
           details={"names": sorted(names)} if names else None)
    return constituency


def rename_constituency(session, constituency, *, actor, names, settings):
    """Replace a constituency's names in the other languages offered (its code and default
    name, which the civil registry and the elections refer to, stay)."""
    names = other_names(names, settings=settings, error=ConstituencyError)
    constituency.names = names
    record(session, actor=actor, action="constituency.names",
           target=f"constituency:{constituency.code}", details={"names": sorted(names)})
    return constituency
