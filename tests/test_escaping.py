"""Translated strings are text: whatever outputs them as HTML escapes them once."""
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ovote.registration.models import ApplicationState
from tests.registration.conftest import post, reg, step_data  # noqa: F401 (reg: a fixture)

HINT_START = "The two lines of 44 characters at the bottom of the photo page, e.g. P"


def test_the_passport_strip_hint_is_shown_whole(client, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    page = client.get("/register/step/documents").get_data(as_text=True)
    assert HINT_START + "&lt;UTOERIKSSON&lt;&lt;ANNA&lt;MARIA... They let us check" in page
    assert "<UTO" not in page


class Hostile(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Name <b>bold</b>"), description=_l("Hint <i>x</i> & more"),
                       render_kw={"placeholder": _l('say "<hi>"')},
                       validators=[DataRequired(_l("Enter <em>it</em>"))])
    pick = SelectField(_l("Pick"), choices=[SelectChoice("a", _l("Option <u>a</u>"))])


FIELDS = """{% from "_forms.html" import error_summary, field %}
{{ error_summary(form) }}{{ field(form.name) }}{{ field(form.pick) }}"""


def test_lazy_labels_hints_errors_options_and_attributes_are_escaped(app):
    with app.test_request_context(method="POST", data={"name": "", "pick": "a"}):
        form = Hostile()
        assert not form.validate()
        html = render_template_string(FIELDS, form=form)
    for raw in ("<b>bold", "<i>x", "<em>it", "<u>a", '"<hi>"'):
        assert raw not in html
    assert '<label class="form-label" for="name">Name &lt;b&gt;bold&lt;/b&gt;</label>' in html
    assert "Hint &lt;i&gt;x&lt;/i&gt; &amp; more" in html
    assert html.count("Enter &lt;em&gt;it&lt;/em&gt;") == 2  # beside the field and in the summary
    assert "Option &lt;u&gt;a&lt;/u&gt;" in html
    assert 'placeholder="say &#34;&lt;hi&gt;&#34;"' in html


def test_lazy_strings_are_still_plain_text_as_strings(app):
    with app.test_request_context():
        text = _l("Name <b>bold</b>")
        assert str(text) == "Name <b>bold</b>"  # mail bodies, flashed messages
        assert Markup(text) == "Name &lt;b&gt;bold&lt;/b&gt;" == escape(text)


def test_template_translations_are_escaped_in_html_and_plain_elsewhere(app):
    with app.test_request_context():
        assert render_template_string("{{ _('a <b> & %(x)s', x='<s>') }}") == "a &lt;b&gt; &amp; &lt;s&gt;"
        assert render_template_string(
            "{% autoescape false %}{{ _('a <b> & %(x)s', x='<s>') }}{% endautoescape %}") == "a <b> & <s>"
        assert render_template_string(
            "{{ ngettext('%(num)d <x>', '%(num)d <xs>', 2) }}") == "2 &lt;xs&gt;"

