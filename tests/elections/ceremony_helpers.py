"""A key ceremony played through the server's pages by trustees who run the real
trustee code (`ovote.crypto.ceremony`, which `ovote trustee` runs on files)."""
import io
import re

from nacl.signing import SigningKey

from ovote.accounts.models import Role
from ovote.crypto import ceremony as trustee_side
from ovote.crypto.canonical import parse_json
from ovote.crypto.ceremony_files import dump_document, sign_document
from ovote.elections.models import Election, ElectionState, ElectionTrustee
from tests.conftest import log_in


def make_election(factory, *, slug="ceremony-2026", trustees=3, threshold=2,
                  state=ElectionState.CEREMONY):
    """An election in its key ceremony with `trustees` staff trustees (1..n)."""
    session = factory.session
    election = Election(slug=slug, title={"en": "Ceremony test"}, timezone="Europe/Paris",
                        threshold=threshold, state=state)
    for index in range(1, trustees + 1):
        election.trustees.append(ElectionTrustee(index=index, user=factory.user(Role.TRUSTEE)))
    session.add(election)
    session.commit()
    return election


def resign(secrets, document):
    """What a trustee can always do: sign any content with its own ceremony key."""
    return sign_document(document["kind"], election=document["election"],
                         attempt=document["attempt"], trustee=document["trustee"],
                         body=document["body"],
                         signing_key=SigningKey(bytes.fromhex(secrets["signing_key"])))


class Trustees:
    """The election's trustees, each with its own key file's secrets, using one client."""

    def __init__(self, app, client, election):
        self.app, self.client, self.election = app, client, election
        self.users = {t.index: t.user for t in election.trustees}
        self.secrets, self.made = {}, {}

    def login(self, index):
        log_in(self.app, self.client, self.users[index])

    def download(self, index, kind):
        self.login(index)
        response = self.client.get(f"/elections/{self.election.slug}/ceremony/files/{kind}.json")
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        return parse_json(response.data)

    def upload(self, index, document, *, expect=303):
        self.login(index)
        page = self.client.get(f"/elections/{self.election.slug}/ceremony/trustee")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
        data = document if isinstance(document, bytes) else dump_document(document)
        response = self.client.post(
            f"/elections/{self.election.slug}/ceremony/upload",
            data={"csrf_token": token.group(1), "file": (io.BytesIO(data), "upload.json")},
            content_type="multipart/form-data")
        assert response.status_code == expect, response.get_data(as_text=True)[:3000]
        return response

    def init(self, indices=None):
        for i in indices or self.users:
            self.secrets[i], self.made[(i, "init")] = trustee_side.start(self.download(i, "invitation"))
            self.upload(i, self.made[(i, "init")])

    def deal(self, indices=None, *, upload=True):
        for i in indices or self.users:
            self.made[(i, "deal")] = trustee_side.deal(self.secrets[i], self.download(i, "deal-request"))
            if upload:
                self.upload(i, self.made[(i, "deal")])

    def receive(self, indices=None, kind="receive-request"):
        for i in indices or self.users:
            self.made[(i, "receive")] = trustee_side.receive(self.secrets[i], self.download(i, kind))
            self.upload(i, self.made[(i, "receive")])

    def answer(self, index):
        self.made[(index, "answer")] = trustee_side.answer(
            self.secrets[index], self.download(index, "answer-request"))
        return self.made[(index, "answer")]
