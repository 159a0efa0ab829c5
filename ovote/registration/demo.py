"""Demo data of the register: constituencies, civil-registry rows and two submitted applications.

Called by `ovote demo`; every step is skipped when its data is already there,
so the command can be run again.
"""
from datetime import date

from sqlalchemy import select

from ovote.accounts.models import User
from ovote.consulates.services import constituency_by_code, consulate_by_code, create_constituency
from ovote.registration import services
from ovote.registration.matching import document_index
from ovote.registration.registry_models import Citizenship, RegistryEntry
from ovote.registration.personal import seal

CONSTITUENCIES = [("NORTH", "Northern constituency"), ("CENTRE", "Central constituency"),
                  ("SOUTH", "Southern constituency"), ("ISLANDS", "Islands constituency")]
#: document number, surname, given names, birth date, citizenship, disqualified, constituency
REGISTRY = [
    ("PA1000001", "Haddad", "Amina", date(1988, 4, 12), Citizenship.CITIZEN, False, "NORTH"),
    ("PB2000002", "Costa", "Bruno Miguel", date(1975, 9, 30), Citizenship.CITIZEN, False, "SOUTH"),
    ("ID3000003", "Li", "Chen", date(2001, 2, 14), Citizenship.CITIZEN, False, "CENTRE"),
    ("ID4000004", "Reis", "Duarte", date(1969, 7, 1), Citizenship.CITIZEN, True, "ISLANDS"),
    ("PE5000005", "Martins", "Eva", date(1995, 11, 23), Citizenship.NOT_CITIZEN, False, "NORTH"),
]
# A PDF is enough for a demo scan: its type is read from the "%PDF" header.
DEMO_SCAN = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
             b"trailer << /Root 1 0 R >>\n%%EOF\n")
#: voter e-mail -> what they typed (Bruno chose another constituency than the registry's)
APPLICATIONS = {
    "amina@demo.ovote.example": dict(
        identity=dict(surname="Haddad", given_names="Amina", birth_date=date(1988, 4, 12),
                      birth_place="Lisbon"),
        documents=dict(national_id="", passport_number="PA1000001", passport_state="PT",
                       passport_expiry=date(2032, 4, 30), mrz=""),
        residence=dict(country="FR", address="8 rue de Rivoli\n75004 Paris", phone="01 42 68 53 00"),
        constituency="NORTH", channel="online"),
    "bruno@demo.ovote.example": dict(
        identity=dict(surname="Costa", given_names="Bruno", birth_date=date(1975, 9, 30),
                      birth_place="Faro"),
        documents=dict(national_id="", passport_number="PB2000002", passport_state="PT",
                       passport_expiry=date(2030, 1, 31), mrz=""),
        residence=dict(country="MC", address="2 avenue de la Costa\n98000 Monaco", phone="+377 93 15 80 00"),
        constituency="CENTRE", channel="in_person"),
}


def load_constituencies(session):
    for code, name in CONSTITUENCIES:
        if constituency_by_code(session, code) is None:
            create_constituency(session, actor="cli", code=code, name=name)


def load_registry(session, *, cipher):
    for number, surname, given, born, citizenship, disqualified, constituency in REGISTRY:
        index = document_index(number, cipher=cipher)
        if session.scalar(select(RegistryEntry).where(RegistryEntry.document_index == index)):
            continue
        entry = RegistryEntry(document_index=index, birth_date=born, citizenship=citizenship,
                              disqualified=disqualified,
                              constituency=constituency_by_code(session, constituency))
        seal(entry, "document_number_enc", number, cipher=cipher)
        seal(entry, "surname_enc", surname, cipher=cipher)
        seal(entry, "given_names_enc", given, cipher=cipher)
        session.add(entry)
    session.flush()


def load_applications(session, *, settings, cipher, mailer, documents):
    """Submit the demo applications in Paris (mails go to `mailer`'s backend)."""
    paris = consulate_by_code(session, "PAR")
    for email, answers in APPLICATIONS.items():
        voter = session.scalar(select(User).where(User.email == email))
        if voter is None or services.current_application(session, voter) is not None:
            continue
        application = services.start_application(session, voter=voter)
        services.save_identity(session, application, actor=voter, cipher=cipher, **answers["identity"])
        services.save_documents(session, application, actor=voter, cipher=cipher,
                                **answers["documents"])
        services.save_residence(session, application, actor=voter, cipher=cipher,
                                **answers["residence"])
        services.save_consulate(session, application, actor=voter, consulate_id=paris.id)
        services.save_voting(session, application, actor=voter,
                             constituency_id=constituency_by_code(session, answers["constituency"]).id,
                             channel=answers["channel"])
        services.save_document(session, application, actor=voter, documents=documents, data=DEMO_SCAN)
        services.submit(session, application, actor=voter, settings=settings, cipher=cipher,
                        mailer=mailer)


def load(session, *, settings, cipher, mailer, documents):
    load_constituencies(session)
    load_registry(session, cipher=cipher)
    load_applications(session, settings=settings, cipher=cipher, mailer=mailer, documents=documents)


def describe():
    """Lines for the demo's printout: what a tester can type."""
    lines = ["Registration (consulate PAR has two submitted applications: Amina's passes every "
             "check, Bruno's needs a second official):",
             "  civil registry (use these to apply as chen@demo.ovote.example, who lives in e.g. Canada):"]
    for number, surname, given, born, citizenship, disqualified, constituency in REGISTRY:
        flags = ", ".join(f for f in (citizenship.value, "disqualified" if disqualified else "") if f)
        lines.append(f"    {number:<10} {given} {surname}, born {born.isoformat()}, {constituency} ({flags})")
    return lines
