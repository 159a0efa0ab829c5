"""A stand-in for the election server in ceremony tests that need no database.

It issues the server's files and checks the trustees' uploads with the same
`ceremony_checks` functions the server uses, keeping what it learns in
memory (public data only, like the server).
"""

from nacl.signing import SigningKey

from ovote.crypto import ceremony_checks as checks
from ovote.crypto.ceremony_files import public_key_of, read_document


class Relay:
    def __init__(self, election="demo-2026", threshold=2, trustees=(1, 2, 3), attempt=1):
        self.election, self.threshold, self.trustees = election, threshold, list(trustees)
        self.attempt, self.server_key = attempt, SigningKey.generate()
        self.inits, self.roster, self.deals, self.commitments = {}, {}, {}, {}
        self.receives, self.complaints, self.answers, self.verdicts = {}, {}, {}, []
        self.verification_keys = {}

    def _issue(self, kind, trustee, body):
        return checks.issue(kind, election=self.election, attempt=self.attempt, trustee=trustee,
                            body=body, server_key=self.server_key)

    def _bound(self, trustee):
        return {"election": self.election, "attempt": self.attempt, "trustee": trustee}

    def invitation(self, trustee):
        return self._issue("invitation", trustee, {
            "threshold": self.threshold, "trustees": self.trustees,
            "server_key": public_key_of(self.server_key)})

    def upload_init(self, trustee, document):
        document = read_document(document)
        self.roster[trustee] = checks.check_init(document, **self._bound(trustee))
        self.inits[trustee] = document

    def deal_request(self, trustee):
        return self._issue("deal-request", trustee, {
            "threshold": self.threshold, "trustees": self.trustees,
            "inits": [self.inits[i] for i in sorted(self.inits)]})

    def upload_deal(self, trustee, document):
        document = read_document(document)
        commitment, _ = checks.check_deal(document, threshold=self.threshold, roster=self.roster,
                                          **self._bound(trustee))
        self.deals[trustee], self.commitments[trustee] = document, commitment

    def receive_request(self, trustee):
        return self._issue("receive-request", trustee,
                           {"deals": [self.deals[i] for i in sorted(self.deals)]})

    def upload_receive(self, trustee, document):
        document = read_document(document)
        status, value = checks.check_receive(document, roster=self.roster,
                                             commitments=self.commitments, **self._bound(trustee))
        self.receives[trustee] = document
        if status == "accepted":
            self.verification_keys[trustee] = value
        else:
            for complaint in value:
                self.complaints[(complaint.accuser, complaint.accused)] = (complaint, document)
        return status, value

    def answer_request(self, trustee):
        against = [doc for (accuser, accused), (_, doc) in sorted(self.complaints.items())
                   if accused == trustee]
        return self._issue("answer-request", trustee, {"complaints": against})

    def upload_answer(self, trustee, document):
        document = read_document(document)
        pending = [c for (_, accused), (c, _) in sorted(self.complaints.items())
                   if accused == trustee]
        verdicts = checks.check_answer(document, threshold=self.threshold, roster=self.roster,
                                       commitment=self.commitments[trustee], complaints=pending,
                                       **self._bound(trustee))
        self.answers[trustee] = document
        self.verdicts += verdicts
        return verdicts

    def settlement(self, trustee):
        accused = [b for (a, b) in self.complaints if a == trustee]
        return self._issue("settlement", trustee,
                           {"answers": [self.answers[i] for i in sorted(accused)]})

    def decrypt_request(self, trustee, definition, tally):
        return self._issue("decrypt-request", trustee, {"definition": definition, "tally": tally})
