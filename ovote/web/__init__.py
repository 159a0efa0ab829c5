"""Site-wide web pieces, one module each: the home pages (`home`), who is logged in
(`users`), the headers of every response (`headers`), the language of a page
(`locale`), the error pages (`errors`) and the limits on a request's headers
(`limits`)."""
from ovote.web import errors, headers, limits, locale, users
from ovote.web.home import bp


def init_app(app):
    app.register_blueprint(bp)
    for part in (headers, users, errors, locale, limits):
        part.init_app(app)
