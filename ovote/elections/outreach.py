"""Consular outreach: the mail each eligible voter gets when token issuance opens, and the
reminder a few days (REMINDER_DAYS) before voting closes.

Eligible here means a verified registration at a consulate that has a reporting unit
for the voter's ballot style. Each mail is claimed first: a row (election, voter,
notice) inserted under a unique constraint, in the batch's transaction, and only the
rows this run inserted are mailed once it commits (through `ovote.mail`, whose retry
queue keeps what the mail server refuses). Two runs at once, or one run twice, mail
each voter at most once per notice. Reminders skip voters who opted out on their
account page.
"""
import logging
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from ovote.accounts.models import User, utcnow
from ovote.audit.services import record
from ovote.consulates.models import Consulate
from ovote.elections.models import (BallotStyleConstituency, Election, ElectionNotice, ElectionState,
                                    Notice, ReportingUnit)
from ovote.elections.services import in_zone
from ovote.formats import clock
from ovote.registration.models import Application, ApplicationState

log = logging.getLogger(__name__)
_SENDING = (ElectionState.FROZEN, ElectionState.OPEN)


def due_notices(election, now, reminder_days):
    """The notices `election` is due to send at `now`."""
    if election.state not in _SENDING or election.tokens_open is None or now >= election.voting_closes:
        return []
    due = []
    if now >= election.tokens_open:
        due.append(Notice.OPENING)
    if now >= election.voting_closes - timedelta(days=reminder_days) and now >= election.tokens_open:
        due.append(Notice.REMINDER)
    return due


def _recipients(election, notice, limit):
    """(user id, consulate id) of eligible voters without this notice yet, at most `limit`."""
    unit = exists().where(ReportingUnit.election_id == election.id,
                          ReportingUnit.consulate_id == Application.consulate_id,
                          ReportingUnit.ballot_style_id == BallotStyleConstituency.ballot_style_id)
    noticed = exists().where(ElectionNotice.election_id == election.id,
                             ElectionNotice.user_id == Application.voter_id,
                             ElectionNotice.notice == notice)
    query = (select(Application.voter_id, Application.consulate_id).join(
        BallotStyleConstituency, and_(BallotStyleConstituency.constituency_id == Application.constituency_id,
                                      BallotStyleConstituency.election_id == election.id))
             .join(User, User.id == Application.voter_id)
             .where(Application.state == ApplicationState.VERIFIED, User.active.is_(True), unit, ~noticed)
             .order_by(Application.voter_id).limit(limit))
    if notice is Notice.REMINDER:
        query = query.where(User.election_reminders.is_(True))
    return query


def _claim(session, election, notice, user_ids, today):
    """Insert the notice rows that do not exist yet; return the user ids this run inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"election_id": election.id, "user_id": uid, "notice": notice.value, "sent_on": today}
            for uid in user_ids]
    statement = (insert(ElectionNotice.__table__).values(rows)
                 .on_conflict_do_nothing(index_elements=["election_id", "user_id", "notice"])
                 .returning(ElectionNotice.__table__.c.user_id))
    return set(session.scalars(statement))


def _message(election, notice, consulate, settings, mailer):
    tz = consulate.timezone
    title = election.title_in(_current_language(settings), settings.default_locale)
    when = dict(tokens=clock(in_zone(election.tokens_open, tz)),
                opens=clock(in_zone(election.voting_opens, tz)),
                closes=clock(in_zone(election.voting_closes, tz)), zone=tz,
                consulate=consulate.local_name, title=title,
                link=mailer.link("elections.public_page", slug=election.slug),
                account=mailer.link("web.dashboard"))
    if notice is Notice.OPENING:
        return (_("You can vote from abroad: %(title)s", title=title),
                _("You are on the overseas register of %(consulate)s and can vote online in "
                  "%(title)s.\n\n"
                  "You can ask for your ballot token from %(tokens)s. Voting opens on %(opens)s and "
                  "closes on %(closes)s (times in %(zone)s).\n\n"
                  "How to vote: log in to your account, open the election and follow the steps. "
                  "Your ballot is encrypted on your own device before it is sent; you get a receipt "
                  "to check it on the public bulletin board. You may vote again until voting "
                  "closes: only your last ballot counts.\n\n"
                  "The election, its timeline and how to check it: %(link)s\n\n"
                  "You will get one reminder before voting closes. You can turn reminders off on "
                  "your account page: %(account)s", **when))
    return (_("Reminder: voting in %(title)s closes on %(closes)s", **when),
            _("Voting from abroad in %(title)s closes on %(closes)s (%(zone)s). If you have not "
              "voted yet, log in to your account, open the election and follow the steps. If you "
              "have voted, you need do nothing more.\n\n"
              "The election and how to vote: %(link)s\n\n"
              "To stop these reminders, turn them off on your account page: %(account)s", **when))


def _current_language(settings):
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale else settings.default_locale


def _mail(session, election, notice, user, consulate, settings, mailer):
    with force_locale(user.locale or settings.default_locale):
        subject, body = _message(election, notice, consulate, settings, mailer)
    mailer.send(user.email, subject, body, session=session)


def send_notices(session, *, settings, mailer, now=None, batch_size=None, reminder_days=None):
    """Send every outreach mail due at `now` through `mailer`, in batches of `batch_size`
    (default `settings.outreach_batch`), committing after each; returns
    {"opening": n, "reminder": n} mailed by this run."""
    now = now or utcnow()
    batch_size = batch_size or settings.outreach_batch
    reminder_days = settings.reminder_days if reminder_days is None else reminder_days
    sent = {notice.value: 0 for notice in Notice}
    elections = session.scalars(select(Election).where(Election.state.in_(_SENDING))
                                .order_by(Election.id)).all()
    plan = [(e.id, notice) for e in elections for notice in due_notices(e, now, reminder_days)]
    session.commit()
    for election_id, notice in plan:
        while True:
            election = session.get(Election, election_id)
            candidates = session.execute(_recipients(election, notice, batch_size)).all()
            if not candidates:
                session.commit()
                break
            claimed = _claim(session, election, notice, [uid for uid, _ in candidates], now.date())
            for user_id, consulate_id in candidates:
                if user_id in claimed:
                    _mail(session, election, notice, session.get(User, user_id),
                          session.get(Consulate, consulate_id), settings, mailer)
            session.commit()
            sent[notice.value] += len(claimed)
            log.info("election %s: %s %s notice(s) sent", election.slug, len(claimed), notice.value)
    return sent


def set_reminders(session, user, wanted):
    """The voter's choice, on their account page, to get the reminder mails or not (audited)."""
    wanted = bool(wanted)
    if user.election_reminders != wanted:
        record(session, actor=user, action="account.election_reminders", target=f"user:{user.id}",
               details={"reminders": wanted})
        user.election_reminders = wanted
        session.flush()
