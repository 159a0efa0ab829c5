"""Registration factories and helpers: a constituency, registry rows, complete applications,
small real image and PDF files, and a valid passport MRZ."""
import io
from datetime import date

import pytest
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image

from ovote.accounts.models import Role
from ovote.consulates.models import Constituency
from ovote.registration import services
from ovote.registration.matching import document_index
from ovote.registration.models import ApplicationState
from ovote.registration.registry_models import Citizenship, RegistryEntry
from ovote.registration.personal import seal
from ovote.runtime import runtime
from tests.conftest import csrf_token

PERSON = dict(surname="Silva", given_names="Ana Maria", birth_date=date(1990, 1, 15),
              birth_place="Porto, Portugal")
DOCUMENTS = dict(national_id="", passport_number="CA1234567", passport_state="PT",
                 passport_expiry=date(2031, 1, 1), mrz="")
RESIDENCE = dict(country="FR", address="12 rue de la Paix\n75002 Paris", phone="01 42 68 53 00")
#: the answers of an applicant without a valid document
NO_DOCUMENT = dict(reason="confiscated", explanation="Kept by the police at the border in 2024.",
                   documents_held=["birth_certificate", "expired_passport"], document_number="")


def image_bytes(kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def passport_mrz(surname="Silva", given_names="Ana Maria", number="CA1234567", state="PRT",
                 birth="900115", expiry="310101"):
    return str(TD3CodeGenerator("P", state, surname, given_names, number, state, birth, "F", expiry))


class RegistrationFactory:
    def __init__(self, app, factory, session):
        self.app, self.base, self.session = app, factory, session

    def constituency(self, code="NORTH", name="Northern constituency"):
        found = self.session.query(Constituency).filter_by(code=code).one_or_none()
        if found is None:
            found = Constituency(code=code, name=name)
            self.session.add(found)
            self.session.commit()
        return found

    def registry_entry(self, document_number="CA1234567", surname="Silva", given_names="Ana Maria",
                       birth_date=date(1990, 1, 15), citizenship=Citizenship.CITIZEN,
                       disqualified=False, constituency=None):
        cipher = runtime(self.app).cipher
        entry = RegistryEntry(document_index=document_index(document_number, cipher=cipher),
                              birth_date=birth_date, citizenship=citizenship, disqualified=disqualified,
                              constituency=constituency or self.constituency())
        seal(entry, "document_number_enc", document_number, cipher=cipher)
        seal(entry, "surname_enc", surname, cipher=cipher)
        seal(entry, "given_names_enc", given_names, cipher=cipher)
        self.session.add(entry)
        self.session.commit()
        return entry

    def application(self, voter=None, consulate=None, state=ApplicationState.SUBMITTED, *,
                    person=None, documents=None, residence=None, document=None, constituency=None,
                    channel="online", no_document=None):
        """An application filled in through the services, submitted unless state is DRAFT;
        `no_document` (answers as NO_DOCUMENT) for an applicant without a valid document."""
        voter = voter or self.base.user(Role.VOTER)
        residence = {**RESIDENCE, **(residence or {})}
        consulate = consulate or self.base.consulate(served=(residence["country"],))
        rt = runtime(self.app)
        application = services.start_application(self.session, voter=voter)
        services.save_identity(self.session, application, actor=voter, cipher=rt.cipher,
                               **{**PERSON, **(person or {})})
        if no_document is None:
            services.save_documents(self.session, application, actor=voter, cipher=rt.cipher,
                                    **{**DOCUMENTS, **(documents or {})})
        else:
            answers = {**NO_DOCUMENT, **no_document}
            services.save_document_choice(self.session, application, actor=voter, has_document="no")
            services.save_no_document(self.session, application, actor=voter, cipher=rt.cipher,
                                      reason=answers["reason"], explanation=answers["explanation"])
            services.save_documents_held(self.session, application, actor=voter, cipher=rt.cipher,
                                         documents_held=answers["documents_held"],
                                         document_number=answers["document_number"])
        services.save_residence(self.session, application, actor=voter, cipher=rt.cipher, **residence)
        services.save_consulate(self.session, application, actor=voter, consulate_id=consulate.id)
        services.save_voting(self.session, application, actor=voter,
                             constituency_id=(constituency or self.constituency()).id, channel=channel)
        services.save_document(self.session, application, actor=voter, documents=rt.documents,
                               data=document or image_bytes())
        if state is not ApplicationState.DRAFT:
            services.submit(self.session, application, actor=voter, settings=rt.settings,
                            cipher=rt.cipher, mailer=rt.mailer)
        self.session.commit()
        return application


@pytest.fixture
def reg(app, factory, db_session):
    return RegistrationFactory(app, factory, db_session)


def post(client, url, data, form_url=None, **kwargs):
    """POST `data` to `url` with the CSRF token of the form on `form_url` (default: `url`)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url or url)}, **kwargs)


def step_data(step):
    """Form data for one step, with the default applicant's answers."""
    return {
        "identity": {**PERSON, "birth_date": PERSON["birth_date"].isoformat()},
        "documents": {**DOCUMENTS, "passport_expiry": DOCUMENTS["passport_expiry"].isoformat()},
        "residence": RESIDENCE,
    }[step]
