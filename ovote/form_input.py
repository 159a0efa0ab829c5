"""The base of every form: what a form accepts, whatever the request's body is.

A browser posts a form as url-encoded or multipart text. Flask-WTF also fills a
form from a JSON body, and hands its values to the fields as they are: a number,
an object, a list, or a whole body that is a bare string reach fields written
for text and crash them (a 500), and so does a file part posted under a text
field's name. `Form` reads the request into the shape a browser form has before
any field sees it:

* a JSON body must be a strict JSON object (`ovote.api_input.read_json`: 400
  `bad_json` for what canonical JSON cannot hold, lone surrogates included;
  422 `bad_structure` for a body that is not an object);
* each of its values must be a string, or a list of strings for a field that
  takes several (a multiple select): anything else is 400 `bad_form_value`;
* a file part is accepted only under the name of a file field (400
  `bad_form_value` under a text field's name); text under a file field's name is
  no file and the field says a file is missing, as for a browser that sent none.

Names that are none of the form's fields reach no field and are left alone: a
page may build a second form (a button's) while answering the post of another.

Every form of the app derives from `Form` (a test walks them all), so a form
added later gets this without a check of its own.
"""
from flask import has_request_context, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms import FileField, SelectMultipleField
from wtforms.fields.simple import MultipleFileField

from ovote.api_input import BadInput, read_json

SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_FROM_REQUEST = object()  # "fill the form from the current request", as Flask-WTF's default


class BadFormValue(BadInput):
    """A value that is not text, in the field `field` (its label) names."""

    code = "bad_form_value"


def _takes_several(field):
    return isinstance(field, (SelectMultipleField, MultipleFileField))


def _refuse(field):
    raise BadFormValue(field=str(field.label.text or field.name))


def _from_json(form, body):
    values = []
    for name, value in body.items():
        field = form._fields.get(name)
        if field is None:
            continue
        if isinstance(value, str):
            values.append((name, value))
        elif isinstance(value, list) and _takes_several(field) \
                and all(isinstance(item, str) for item in value):
            values.extend((name, item) for item in value)
        else:
            _refuse(field)
    return ImmutableMultiDict(values)


def request_form_data(form):
    """The current request's form data for `form`, checked as the module says; None
    when the request submits nothing (a GET, or a post with an empty body), as
    Flask-WTF does, so that the fields keep their defaults."""
    if not has_request_context() or request.method not in SUBMIT_METHODS:
        return None
    if request.is_json and not request.form and not request.files:
        return _from_json(form, read_json())
    for name in request.files:
        field = form._fields.get(name)
        if field is not None and not isinstance(field, FileField):
            _refuse(field)
    if request.files:
        return CombinedMultiDict((request.files, request.form))
    return request.form or None


class Form(FlaskForm):
    """FlaskForm filled from the request only through `request_form_data`."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _FROM_REQUEST:
                return request_form_data(form)
            return super().wrap_formdata(form, formdata)

    def __init__(self, formdata=_FROM_REQUEST, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
