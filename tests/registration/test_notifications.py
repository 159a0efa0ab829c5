"""The e-mails about an application point at the site, whatever the request said."""
from ovote.registration import notifications


def test_status_mails_link_to_the_configured_site_not_the_request(app, db_session, reg, outbox,
                                                                 reconfigure):
    application = reg.application()
    mailer = reconfigure(PREFERRED_URL_SCHEME="https").mailer
    with app.test_request_context(base_url="http://evil.example"):  # a hostile Host header
        notifications.notify(db_session, application, mailer=mailer)
        db_session.commit()
    body = outbox[-1].get_content()
    assert "https://ovote.test/register/" in body and "evil.example" not in body
