"""One shape for every refusal of a rule.

A service that will not do what it was asked raises `Refused` (or a subclass
named for the rule). The exception carries a stable, machine-readable `code`
(the JSON API's `error`) and the parameters of its message, and nothing about
HTTP or languages: `ovote.refusals` is the one place that maps a code to an
HTTP status and a translated message. `ovote.crypto.errors` works the same
way and stays independent of the app.
"""


class Refused(Exception):
    """A rule refused an action: `code` says which, `params` fill its message."""

    code = "refused"

    def __init__(self, code: str | None = None, /, **params):
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(self.code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, **{self.params!r})"
