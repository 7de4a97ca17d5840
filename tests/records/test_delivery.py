"""noark send: arkivmelding V1 validates, the folder backend delivers once, failures are retried, Fiks IO
packing/encryption round-trips with a test key pair, and an unavailable backend never pretends."""

import datetime as dt
import json
import zipfile
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from somedesk.records.arkivmelding import XSD, build_arkivmelding
from somedesk.records.delivery import FiksIOBackend, FolderBackend, pack_asice, send_pending
from somedesk.records.models import Delivery, Journalpost
from somedesk.records.services import case_open_from_comment, journal_answer
from tests.conftest import at
from tests.records.conftest import make_comment
from tests.shared import SHARED

pytestmark = pytest.mark.django_db
SHARED_XSD = (
    SHARED / "noark5/arkivmelding/xsd/fiks-arkiv/V1/no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
)


@pytest.fixture
def journalposts(servicetorg, post):
    c1 = case_open_from_comment(
        servicetorg, make_comment(post, "d1", "Hullet i veien ved Kaia er stort."), now=at(3, 10)
    )
    journal_answer(
        c1,
        text="Takk! Vi fyller det i morgen.",
        published_at=at(3, 12),
        user=servicetorg,
        signature=servicetorg.signature,
        reply_id=1,
    )
    case_open_from_comment(servicetorg, make_comment(post, "d2", "Når tømmes glassdunkene?"), now=at(3, 11))
    return list(Journalpost.objects.order_by("journalaar", "journalsekvensnummer"))


def test_arkivmelding_validates_against_official_v1_schema(journalposts):
    schema = etree.XMLSchema(etree.parse(SHARED_XSD))
    for jp in journalposts:
        message = build_arkivmelding(jp)
        doc = etree.fromstring(message.xml)
        assert schema.validate(doc), schema.error_log
        ns = {"a": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"}
        assert int(doc.findtext("a:antallFiler", namespaces=ns)) == len(message.files) == 1
        assert (doc.find("a:mappe", namespaces=ns) is not None) == (jp.journalpostnummer == 1)
        assert len(doc.findall("a:registrering", namespaces=ns)) == 1
    assert XSD.read_bytes() == open(SHARED_XSD, "rb").read()


def test_folder_backend_delivers_each_journalpost_once(org, journalposts, tmp_path):
    backend = FolderBackend(tmp_path / "import")
    first = send_pending(org, backend)
    assert first["delivered"] == 3 and first["failed"] == 0
    files = sorted((tmp_path / "import").glob("*.asice"))
    assert len(files) == 3
    with zipfile.ZipFile(files[0]) as zf:
        assert zf.namelist()[0] == "mimetype" and zf.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        assert zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert "arkivmelding.xml" in zf.namelist() and "META-INF/manifest.xml" in zf.namelist()
        assert any(n.endswith(".pdf") for n in zf.namelist())
    for d in Delivery.objects.all():
        assert d.status == "delivered" and json.loads(d.receipt)["sha256"]
    second = send_pending(org, backend)
    assert second["delivered"] == 0 and second["skipped"] == 3
    assert len(list((tmp_path / "import").glob("*.asice"))) == 3


def test_failures_are_recorded_and_retried(org, journalposts, tmp_path):
    blocked = tmp_path / "import"
    blocked.write_text("not a folder")  # the import folder cannot be created
    summary = send_pending(org, FolderBackend(blocked))
    assert summary["delivered"] == 0 and summary["failed"] == 3
    failed = Delivery.objects.get(journalpost=journalposts[0])
    assert failed.status == "failed" and "cannot write" in failed.last_error and failed.attempts == 1
    # The case's answer waits for the case's first message.
    assert "waiting" in Delivery.objects.get(journalpost=journalposts[1]).last_error
    blocked.unlink()
    summary = send_pending(org, FolderBackend(blocked))
    assert summary["delivered"] == 3
    again = Delivery.objects.get(journalpost=journalposts[0])
    assert again.status == "delivered" and again.attempts == 2 and again.last_error == ""


def test_crash_after_write_is_not_sent_twice(org, journalposts, tmp_path):
    backend = FolderBackend(tmp_path / "import")
    send_pending(org, backend, limit=1)
    d = Delivery.objects.get()
    # Simulate a crash after the file was written but before the row was marked delivered.
    Delivery.objects.filter(pk=d.pk).update(status="pending", receipt="")
    path = tmp_path / "import" / f"{d.message_id}.asice"
    mtime = path.stat().st_mtime_ns
    send_pending(org, backend)
    assert path.stat().st_mtime_ns == mtime
    assert Delivery.objects.get(pk=d.pk).status == "delivered"
    assert len(list((tmp_path / "import").glob("*.asice"))) == 3


def _key_pair(name):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert, key


def test_fiks_io_packing_and_encryption_round_trip(journalposts):
    from cryptography.hazmat.primitives.serialization import pkcs7

    recipient_cert, recipient_key = _key_pair("Arkivsystem test")
    sender_cert, sender_key = _key_pair("somedesk test")
    backend = FiksIOBackend(recipient_cert=recipient_cert, signing_cert=sender_cert, signing_key=sender_key)
    message = build_arkivmelding(journalposts[0])
    encrypted = backend.pack(message)
    assert b"arkivmelding" not in encrypted
    plain = pkcs7.pkcs7_decrypt_der(encrypted, recipient_cert, recipient_key, [])
    with zipfile.ZipFile(BytesIO(plain)) as zf:
        assert zf.read("arkivmelding.xml") == message.xml
        assert zf.read(message.files[0][0]) == message.files[0][1]
        assert {"META-INF/ASiCManifest.xml", "META-INF/signature.p7s"} <= set(zf.namelist())
    # Someone else's key cannot open it.
    _other_cert, other_key = _key_pair("Andre")
    with pytest.raises(ValueError):
        pkcs7.pkcs7_decrypt_der(encrypted, recipient_cert, other_key, [])
    assert pack_asice(message).startswith(b"PK")


def test_command_says_plainly_when_backend_unavailable(org, journalposts, capsys, monkeypatch):
    monkeypatch.delenv("SOMEDESK_ARKIV_IMPORT_DIR", raising=False)
    with pytest.raises(CommandError, match="not available.*Nothing was sent"):
        call_command("noark", "send", "--backend", "fiksio")
    with pytest.raises(CommandError, match="not available"):
        call_command("noark", "send")
    assert not Delivery.objects.exists()
    assert "sent" not in capsys.readouterr().out.lower()


def test_command_folder_send(org, journalposts, tmp_path, capsys):
    call_command("noark", "send", "--folder", str(tmp_path / "inn"))
    assert "3 delivered, 0 failed" in capsys.readouterr().out
    call_command("noark", "send", "--folder", str(tmp_path / "inn"))
    assert "0 delivered, 0 failed (will be retried), 3 already delivered" in capsys.readouterr().out


KVITTERING = """<?xml version="1.0" encoding="utf-8"?>
<arkivmeldingKvittering xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:mdk="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">
  <registreringKvittering xsi:type="journalpostKvittering">
    <systemID>5c1d0b7a-7e0e-4b8e-8d2f-6b7f0a9e3c21</systemID>
    <referanseEksternNoekkel><mdk:fagsystem>somedesk</mdk:fagsystem><mdk:noekkel>{key}</mdk:noekkel></referanseEksternNoekkel>
    <opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende>
    <journalaar>2026</journalaar>
    <journalsekvensnummer>5678</journalsekvensnummer>
    <journalpostnummer>1</journalpostnummer>
  </registreringKvittering>
</arkivmeldingKvittering>"""
FEIL = """<?xml version="1.0" encoding="utf-8"?>
<ugyldigforespoersel xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/ugyldigforespoersel/v1"
    xmlns:f="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/feilmelding/v1">
  <f:feilId>3b1f6c2e-8d4a-4f0b-9c7e-2a5d1e0f9b88</f:feilId>
  <f:feilmelding>Ukjent klasse 000.1</f:feilmelding>
</ugyldigforespoersel>"""


def test_archive_receipts_and_rejections_are_recorded(org, journalposts, tmp_path, capsys):
    folder = tmp_path / "import"
    call_command("noark", "send", "--folder", str(folder))
    first, second = (Delivery.objects.get(journalpost=jp) for jp in journalposts[:2])
    (folder / "kvitteringer").mkdir()
    (folder / "feil").mkdir()
    (folder / "kvitteringer" / f"{first.message_id}.xml").write_text(
        KVITTERING.format(key=journalposts[0].system_id), encoding="utf-8"
    )
    (folder / "feil" / f"{second.message_id}.xml").write_text(FEIL, encoding="utf-8")
    capsys.readouterr()
    call_command("noark", "send", "--folder", str(folder))
    out = capsys.readouterr()
    assert "1 receipts, 1 rejected" in out.out and "Ukjent klasse 000.1" in out.err
    first.refresh_from_db()
    assert (
        first.archive_status == "received"
        and first.archive_system_id == "5c1d0b7a-7e0e-4b8e-8d2f-6b7f0a9e3c21"
    )
    again = Delivery.objects.get(pk=second.pk)
    # The rejected message went out again under a new message id; the accepted ones were not repeated.
    assert again.message_id != second.message_id and again.status == "delivered" and again.attempts == 2
    assert "1 delivered" in out.out and len(list(folder.glob("*.asice"))) == 4
