"""HTTP calls of the voter client (DESIGN.md §7), over httpx.

Two connections with separate cookie jars: `Voter` carries the session
cookie and CSRF token of a logged-in voter and is used for eligibility
and the token only; `Public` never holds a cookie and is used for the
election, the board and casting, so the ballot reaches the server with
nothing that names the voter.
"""

import ssl
import time

import httpx

from ovote.crypto.canonical import canonical_json, parse_json
from ovote.crypto.errors import DecodeError

API = "/api/v1"
#: Connection errors and these statuses are worth another try.
RETRY_STATUSES = {502, 503, 504}


class ApiError(Exception):
    """The server refused (`code`, `message`, `status`) or could not be reached
    (`code` "unreachable", `status` None)."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def _verify(ca_file: str | None):
    return ssl.create_default_context(cafile=ca_file) if ca_file else True


class _Connection:
    def __init__(self, server: str, *, ca_file: str | None = None, timeout: float = 30.0,
                 retries: int = 3):
        self.client = httpx.Client(
            base_url=server.rstrip("/"), verify=_verify(ca_file), timeout=timeout,
            headers={"Accept": "application/json"},
        )
        self.retries = retries

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, *, body=None, headers=None):
        """Send and parse the JSON answer; returns ``(status, document)``.
        Retries connection errors and 502-504 (every call here is safe to
        repeat: the server answers a repeated token request or ballot with
        what it answered the first time)."""
        content = None if body is None else canonical_json(body)
        send_headers = dict(headers or {})
        if content is not None:
            send_headers["Content-Type"] = "application/json"
        for attempt in range(self.retries + 1):
            try:
                response = self.client.request(method, path, content=content, headers=send_headers)
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise ApiError("unreachable", str(exc) or type(exc).__name__) from None
            else:
                if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                    return self._parse(response)
            time.sleep(min(0.5 * 2**attempt, 4))
        raise AssertionError("unreachable")

    @staticmethod
    def _parse(response):
        try:
            document = parse_json(response.content)
        except DecodeError:
            raise ApiError(
                "bad_answer", f"HTTP {response.status_code}: not a JSON answer",
                response.status_code,
            ) from None
        if response.status_code >= 400:
            if not isinstance(document, dict):
                document = {}
            raise ApiError(
                str(document.get("error", "error")), str(document.get("message", "")),
                response.status_code,
            )
        return response.status_code, document


class Public(_Connection):
    """Anonymous calls: no cookie is ever sent or kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A cookie the server might set must not follow the ballot.
        self.client.cookies = httpx.Cookies()

    def request(self, *args, **kwargs):
        self.client.cookies.clear()
        return super().request(*args, **kwargs)

    def election(self, slug: str) -> dict:
        return self.request("GET", f"{API}/elections/{slug}")[1]

    def cast(self, slug: str, ballot: dict) -> tuple[int, dict]:
        return self.request("POST", f"{API}/elections/{slug}/ballots", body=ballot)

    def board(self, slug: str, *, after: int = 0, limit: int = 1000) -> dict:
        return self.request("GET", f"{API}/elections/{slug}/board?after={after}&limit={limit}")[1]

    def board_entry(self, slug: str, tracking_code: str) -> dict:
        return self.request("GET", f"{API}/elections/{slug}/board/{tracking_code}")[1]


class Voter(_Connection):
    """A logged-in voter: session cookie plus the CSRF token of the login."""

    csrf_token = None

    def login(self, email: str, password: str) -> None:
        _, answer = self.request(
            "POST", f"{API}/auth/login", body={"email": email, "password": password}
        )
        self.csrf_token = answer.get("csrf_token")

    def eligibility(self, slug: str) -> dict:
        return self.request("GET", f"{API}/elections/{slug}/eligibility")[1]

    def token(self, slug: str, blinded_msg: bytes) -> tuple[int, dict]:
        return self.request(
            "POST", f"{API}/elections/{slug}/tokens", body={"blinded_msg": blinded_msg.hex()},
            headers={"X-CSRFToken": self.csrf_token or ""},
        )
