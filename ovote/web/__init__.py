"""Site-wide web pieces, one module each: the home pages (`home`), who is logged in
(`users`), the headers of every response (`headers`), the language of a page
(`locale`) and the error pages (`errors`)."""
from ovote.web import errors, headers, locale, users
from ovote.web.home import bp


def init_app(app):
    app.register_blueprint(bp)
    for part in (headers, users, errors, locale):
        part.init_app(app)
