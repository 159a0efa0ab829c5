"""Site-wide web pieces, one module each: the home pages (`home`), who is logged in
(`users`), the headers of every response (`headers`), the language of a page
(`locale`), the error pages (`errors`), the limits on a request's headers
(`limits`), the footer's information pages with the commission's emblem (`pages`)
the commission's overview with the diaspora map (`commission`, drawn by `world_map`) and
the public results pages (`results`, from `results_presenter` and `bar_chart`)."""
from ovote import formats
from ovote.web import commission, errors, headers, limits, locale, pages, results, users
from ovote.web.home import bp


def init_app(app):
    app.register_blueprint(bp)
    app.register_blueprint(commission.bp)
    app.register_blueprint(results.bp)
    for part in (headers, users, errors, locale, formats, limits, pages):
        part.init_app(app)
