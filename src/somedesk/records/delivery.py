"""Delivering arkivmeldinger to the municipality's archive system, behind one interface.

Backends:

* ``folder``: the import folder an archive system watches. Each message is one ASiC-E container
  ``<message_id>.asice`` (mimetype, arkivmelding.xml, the documents, META-INF/manifest.xml), written
  to a temporary name and renamed, so the archive never sees half a file. Works fully.
* ``fiksio``: Fiks IO (KS). Packing and encryption are implemented and tested (ASiC-E, signed
  with the sender's certificate as a detached CMS signature, then CMS EnvelopedData to the
  recipient account's certificate). Sending needs a Fiks IO account, a Maskinporten token and KS'
  REST endpoint, which are not available here: the backend reports itself unavailable and the
  command says so. Nothing is ever reported as sent that was not.

Bookkeeping: one Delivery row per (journalpost, backend), created before the attempt. Delivered rows
are never sent again; failed ones are retried by the next run. Journalposts of a case go in journal
order, and a case's later journalposts wait until its first one is delivered.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from somedesk.records.arkivmelding import Message, build_arkivmelding
from somedesk.records.models import Delivery, Journalpost

ASICE_MIMETYPE = "application/vnd.etsi.asic-e+zip"


class BackendUnavailable(Exception):
    """The backend cannot send from this installation (missing configuration or service)."""


class DeliveryError(Exception):
    """This one message could not be delivered; it will be retried."""


# ------------------------------------------------------------------------------------------------
# Packing
# ------------------------------------------------------------------------------------------------
def _manifest(entries: list[tuple[str, bytes]]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">',
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ASICE_MIMETYPE}"/>',
    ]
    for name, _data in entries:
        media = "text/xml" if name.endswith(".xml") else "application/pdf"
        lines.append(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="{media}"/>')
    lines.append("</manifest:manifest>")
    return "\n".join(lines).encode("utf-8")


def _asic_manifest(entries: list[tuple[str, bytes]]) -> bytes:
    """ETSI EN 319 162 ASiCManifest: what the CAdES signature covers, with SHA-256 digests."""
    import base64

    refs = []
    for name, data in entries:
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        media = "text/xml" if name.endswith(".xml") else "application/pdf"
        refs.append(
            f'<asic:DataObjectReference URI="{name}" MimeType="{media}">'
            '<ns2:DigestMethod xmlns:ns2="http://www.w3.org/2000/09/xmldsig#" '
            'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
            f'<ns2:DigestValue xmlns:ns2="http://www.w3.org/2000/09/xmldsig#">{digest}</ns2:DigestValue>'
            "</asic:DataObjectReference>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#">'
        '<asic:SigReference URI="META-INF/signature.p7s" MimeType="application/x-pkcs7-signature"/>'
        + "".join(refs)
        + "</asic:ASiCManifest>"
    ).encode("utf-8")


def pack_asice(message: Message, *, signing_cert=None, signing_key=None) -> bytes:
    """An ASiC-E container: `mimetype` first and stored, then arkivmelding.xml and the documents.
    With a certificate and key, META-INF/ASiCManifest.xml is signed (detached CMS/CAdES-BES)."""
    entries = [("arkivmelding.xml", message.xml), *message.files]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), ASICE_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, data in entries:
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", _manifest(entries), compress_type=zipfile.ZIP_DEFLATED)
        if signing_cert is not None and signing_key is not None:
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.serialization import pkcs7

            manifest = _asic_manifest(entries)
            signature = (
                pkcs7.PKCS7SignatureBuilder()
                .set_data(manifest)
                .add_signer(signing_cert, signing_key, hashes.SHA256())
                .sign(
                    serialization.Encoding.DER,
                    [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
                )
            )
            zf.writestr("META-INF/ASiCManifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr("META-INF/signature.p7s", signature, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def encrypt_for(recipient_cert, payload: bytes) -> bytes:
    """CMS EnvelopedData (DER), AES-256-CBC content encryption, RSA key transport to the recipient.

    Note: `cryptography` offers RSA PKCS#1 v1.5 key transport only; whether Fiks IO requires RSA-OAEP
    must be checked against KS' test environment before production use (see docs/records.md)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.serialization import pkcs7

    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(payload)
        .add_recipient(recipient_cert)
        .set_content_encryption_algorithm(algorithms.AES256)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


# ------------------------------------------------------------------------------------------------
# Backends
# ------------------------------------------------------------------------------------------------
@dataclass
class Receipt:
    text: str


class Backend:
    name = "base"

    def deliver(self, message: Message, message_id: str) -> Receipt:  # pragma: no cover - interface
        raise NotImplementedError

    def already_delivered(self, message_id: str) -> Receipt | None:
        """If an earlier run delivered this message but crashed before recording it, say so."""
        return None


class FolderBackend(Backend):
    name = "folder"

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def _path(self, message_id: str) -> Path:
        return self.folder / f"{message_id}.asice"

    def _receipt(self, path: Path) -> Receipt:
        data = path.read_bytes()
        return Receipt(
            json.dumps(
                {
                    "backend": self.name,
                    "file": str(path),
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        )

    def already_delivered(self, message_id: str) -> Receipt | None:
        path = self._path(message_id)
        return self._receipt(path) if path.is_file() else None

    def archive_answer(self, message_id: str) -> bytes | None:
        """The archive's answer to a message, if it has written one: `kvitteringer/<message_id>.xml`
        (arkivmeldingKvittering) or `feil/<message_id>.xml` (ugyldigforespoersel or serverfeil)."""
        for sub in ("kvitteringer", "feil"):
            path = self.folder / sub / f"{message_id}.xml"
            if path.is_file():
                return path.read_bytes()
        return None

    def deliver(self, message: Message, message_id: str) -> Receipt:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._path(message_id)
            temp = self.folder / f".{message_id}.part"
            temp.write_bytes(pack_asice(message))
            os.replace(temp, target)
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.folder}: {exc.strerror or exc}") from None
        return self._receipt(target)


class FiksIOBackend(Backend):
    """Packs and encrypts; the network send is not implemented (see the module docstring)."""

    name = "fiksio"

    def __init__(self, recipient_cert=None, signing_cert=None, signing_key=None):
        self.recipient_cert = recipient_cert
        self.signing_cert = signing_cert
        self.signing_key = signing_key

    def pack(self, message: Message) -> bytes:
        if self.recipient_cert is None:
            raise BackendUnavailable("no recipient certificate configured (SOMEDESK_FIKSIO_RECIPIENT_CERT)")
        return encrypt_for(
            self.recipient_cert,
            pack_asice(message, signing_cert=self.signing_cert, signing_key=self.signing_key),
        )

    def deliver(self, message: Message, message_id: str) -> Receipt:
        raise BackendUnavailable(
            "sending over Fiks IO needs a Fiks IO account, a Maskinporten token (scope ks:fiks) and KS' REST "
            "API; this installation has none of them"
        )


def get_backend(name: str, *, folder: str | None = None) -> Backend:
    if name == "folder":
        folder = (
            folder
            or os.environ.get("SOMEDESK_ARKIV_IMPORT_DIR")
            or getattr(settings, "SOMEDESK_ARKIV_IMPORT_DIR", "")
        )
        if not folder:
            raise BackendUnavailable("no import folder given (--folder or SOMEDESK_ARKIV_IMPORT_DIR)")
        return FolderBackend(folder)
    if name == "fiksio":
        raise BackendUnavailable(
            "the Fiks IO transport is built only as far as packing and encryption; sending needs a Fiks IO "
            "account, Maskinporten and KS' service, which are not configured here"
        )
    raise BackendUnavailable(f"unknown backend {name!r} (known: folder, fiksio)")


# ------------------------------------------------------------------------------------------------
# Answers from the archive
# ------------------------------------------------------------------------------------------------
KVITTERING_XSD = (
    Path(__file__).parent
    / "xsd"
    / "fiks-arkiv-v1"
    / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering.xsd"
)
ERROR_ROOTS = {"ugyldigforespoersel", "serverfeil", "ikkefunnet"}


def collect_answers(organisation, backend: Backend) -> dict:
    """Record the archive's receipts and errors for delivered messages. A receipt is validated and kept
    (with the archive's systemID for the journalpost); an error marks the delivery failed with the
    archive's message and gives it a new message id, so the next run sends it again as a new message."""
    from lxml import etree

    from somedesk.records.export import load_schema

    summary = {"received": 0, "rejected": 0, "errors": []}
    reader = getattr(backend, "archive_answer", None)
    if reader is None:
        return summary
    waiting = Delivery.objects.filter(
        backend=backend.name,
        status=Delivery.Status.DELIVERED,
        archive_status="",
        journalpost__organisation=organisation,
    ).select_related("journalpost")
    for delivery in waiting.iterator(chunk_size=500):
        data = reader(str(delivery.message_id))
        if data is None:
            continue
        jp = delivery.journalpost
        label = f"{jp.journalaar}/{jp.journalsekvensnummer}"
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            summary["errors"].append(f"{label}: unreadable answer from the archive: {exc}")
            continue
        name = etree.QName(root).localname
        if name == "arkivmeldingKvittering":
            schema = load_schema(KVITTERING_XSD)
            if not schema.validate(root):
                summary["errors"].append(f"{label}: receipt does not validate: {schema.error_log.last_error}")
                continue
            system_id = root.xpath(
                "string(*[local-name()='registreringKvittering']/*[local-name()='systemID'])"
            )
            failed = root.xpath("string(*[local-name()='registreringFeilet']/*[local-name()='feilmelding'])")
            if failed:
                _reject(delivery, f"archive: {failed}")
                summary["rejected"] += 1
                continue
            Delivery.objects.filter(pk=delivery.pk).update(
                archive_status="received",
                archive_receipt=data.decode("utf-8", "replace"),
                archive_system_id=system_id,
            )
            summary["received"] += 1
        elif name in ERROR_ROOTS:
            message = root.xpath("string(*[local-name()='feilmelding'])") or name
            _reject(delivery, f"archive ({name}): {message}")
            summary["rejected"] += 1
            summary["errors"].append(f"{label}: the archive rejected the message: {message}")
        else:
            summary["errors"].append(f"{label}: unexpected answer <{name}> from the archive")
    return summary


def _reject(delivery: Delivery, message: str) -> None:
    import uuid as _uuid

    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, archive_status="", last_error=message[:2000], message_id=_uuid.uuid4()
    )


# ------------------------------------------------------------------------------------------------
# Sending
# ------------------------------------------------------------------------------------------------
def send_pending(organisation, backend: Backend, *, limit: int | None = None) -> dict:
    """Deliver every journalpost not yet delivered through this backend, in journal order."""
    summary = {"delivered": 0, "failed": 0, "skipped": 0, "errors": []}
    delivered_ids = set(
        Delivery.objects.filter(
            backend=backend.name, status=Delivery.Status.DELIVERED, journalpost__organisation=organisation
        ).values_list("journalpost_id", flat=True)
    )
    summary["skipped"] = len(delivered_ids)
    pending = (
        Journalpost.objects.filter(organisation=organisation)
        .exclude(pk__in=delivered_ids)
        .select_related("saksmappe__klasse", "saksmappe__arkivdel__klassifikasjonssystem")
        .order_by("journalaar", "journalsekvensnummer")
    )
    blocked_cases: set[int] = set()
    done = 0
    for jp in pending.iterator(chunk_size=200):
        if limit is not None and done >= limit:
            break
        done += 1
        with transaction.atomic():
            delivery, _created = Delivery.objects.select_for_update().get_or_create(
                journalpost=jp, backend=backend.name
            )
        if delivery.status == Delivery.Status.DELIVERED:
            summary["skipped"] += 1
            continue
        if jp.journalpostnummer > 1 and not _case_delivered(jp, backend.name):
            blocked_cases.add(jp.saksmappe_id)
        if jp.saksmappe_id in blocked_cases and jp.journalpostnummer > 1:
            _fail(delivery, "waiting: the case's first journalpost is not delivered yet")
            summary["failed"] += 1
            summary["errors"].append(
                f"{jp.journalaar}/{jp.journalsekvensnummer}: waiting for the case's first journalpost"
            )
            continue
        message_id = str(delivery.message_id)
        try:
            receipt = backend.already_delivered(message_id)
            if receipt is None:
                receipt = backend.deliver(build_arkivmelding(jp), message_id)
        except BackendUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the journalpost and retried
            _fail(delivery, f"{type(exc).__name__}: {exc}")
            summary["failed"] += 1
            summary["errors"].append(f"{jp.journalaar}/{jp.journalsekvensnummer}: {exc}")
            if jp.journalpostnummer == 1:
                blocked_cases.add(jp.saksmappe_id)
            continue
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED,
            attempts=delivery.attempts + 1,
            last_error="",
            receipt=receipt.text,
            delivered_at=timezone.now(),
        )
        summary["delivered"] += 1
    return summary


def _case_delivered(jp: Journalpost, backend: str) -> bool:
    return Delivery.objects.filter(
        journalpost__saksmappe_id=jp.saksmappe_id,
        journalpost__journalpostnummer=1,
        backend=backend,
        status=Delivery.Status.DELIVERED,
    ).exists()


def _fail(delivery: Delivery, message: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=delivery.attempts + 1, last_error=message[:2000]
    )
