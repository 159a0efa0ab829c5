"""Site-wide web pieces, one module each: the home pages (`home`), who is logged in
(`users`), the headers of every response (`headers`), the language of a page
(`locale`), the error pages (`errors`), the limits on a request's headers
(`limits`) and the footer's information pages with the commission's emblem (`pages`)."""
from ovote import formats
from ovote.web import errors, headers, limits, locale, pages, users
from ovote.web.home import bp


def init_app(app):
    app.register_blueprint(bp)
    for part in (headers, users, errors, locale, formats, limits, pages):
        part.init_app(app)
