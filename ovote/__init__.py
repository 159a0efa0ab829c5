"""ovote: out-of-country voting.

`create_app` is imported lazily so that `ovote.crypto` (used by the
verifier and the voter client) can be imported without the web stack.
"""


def create_app(config=None):
    """Build the Flask application (see `ovote.app.create_app`)."""
    from ovote.app import create_app as _create_app  # lazily: see the module's docstring

    return _create_app(config)
