"""Records kept the way Noark 5 names them: arkiv > arkivdel > klassifikasjonssystem > klasse >
saksmappe > journalpost > dokumentbeskrivelse > dokumentobjekt.

Field names follow the Noark 5 metadata catalogue (in Norwegian, without æøå), so that the export and
the arkivmelding are a direct mapping. Code values are stored as the catalogue's text ("Inngående
dokument"), which is what an arkivuttrekk must contain.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Saksstatus(models.TextChoices):  # M052
    UNDER_BEHANDLING = "Under behandling", _("Under behandling")
    AVSLUTTET = "Avsluttet", _("Avsluttet")
    UTGAAR = "Utgår", _("Utgår")


class Journalposttype(models.TextChoices):  # M082
    INNGAAENDE = "Inngående dokument", _("Inngående dokument")
    UTGAAENDE = "Utgående dokument", _("Utgående dokument")
    ORGANINTERNT = "Organinternt dokument uten oppfølging", _("Organinternt notat")


class Journalstatus(models.TextChoices):  # M053
    JOURNALFOERT = "Journalført", _("Journalført")
    EKSPEDERT = "Ekspedert", _("Ekspedert")
    ARKIVERT = "Arkivert", _("Arkivert")
    UTGAAR = "Utgår", _("Utgår")


class Korrespondanseparttype(models.TextChoices):  # M087
    AVSENDER = "Avsender", _("Avsender")
    MOTTAKER = "Mottaker", _("Mottaker")
    INTERN_AVSENDER = "Intern avsender", _("Intern avsender")
    INTERN_MOTTAKER = "Intern mottaker", _("Intern mottaker")


class Arkiv(models.Model):
    organisation = models.OneToOneField("inbox.Organisation", on_delete=models.PROTECT, related_name="arkiv")
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tittel = models.CharField(_("tittel"), max_length=300)
    opprettet_dato = models.DateTimeField(auto_now_add=True)
    opprettet_av = models.CharField(max_length=200, default="somedesk")

    class Meta:
        verbose_name = _("arkiv")
        verbose_name_plural = _("arkiv")
        permissions = [
            ("view_records", "Kan se saker og journalposter"),
            ("journal_comment", "Kan opprette sak og journalføre en kommentar"),
            ("close_case", "Kan avslutte saker"),
            ("view_screened", "Kan se skjermede titler og korrespondanseparter"),
            ("export_records", "Kan lage arkivuttrekk og sende til arkivsystemet"),
        ]

    def __str__(self):
        return self.tittel


class Arkivdel(models.Model):
    arkiv = models.ForeignKey(Arkiv, on_delete=models.PROTECT, related_name="arkivdeler")
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tittel = models.CharField(_("tittel"), max_length=300)
    arkivdelstatus = models.CharField(max_length=40, default="Aktiv periode")
    opprettet_dato = models.DateTimeField(auto_now_add=True)
    opprettet_av = models.CharField(max_length=200, default="somedesk")

    class Meta:
        verbose_name = _("arkivdel")
        verbose_name_plural = _("arkivdeler")

    def __str__(self):
        return self.tittel


class Klassifikasjonssystem(models.Model):
    arkivdel = models.OneToOneField(Arkivdel, on_delete=models.PROTECT, related_name="klassifikasjonssystem")
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tittel = models.CharField(_("tittel"), max_length=300)
    klassifikasjonstype = models.CharField(max_length=100, blank=True)
    opprettet_dato = models.DateTimeField(auto_now_add=True)
    opprettet_av = models.CharField(max_length=200, default="somedesk")

    class Meta:
        verbose_name = _("klassifikasjonssystem")
        verbose_name_plural = _("klassifikasjonssystemer")

    def __str__(self):
        return self.tittel


class Klasse(models.Model):
    klassifikasjonssystem = models.ForeignKey(
        Klassifikasjonssystem, on_delete=models.PROTECT, related_name="klasser"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    klasse_id = models.CharField(_("klasse-ID"), max_length=50)
    tittel = models.CharField(_("tittel"), max_length=300)
    opprettet_dato = models.DateTimeField(auto_now_add=True)
    opprettet_av = models.CharField(max_length=200, default="somedesk")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["klassifikasjonssystem", "klasse_id"], name="klasse_unique_id")
        ]
        ordering = ["klasse_id"]
        verbose_name = _("klasse")
        verbose_name_plural = _("klasser")

    def __str__(self):
        return f"{self.klasse_id} {self.tittel}"


class SequenceCounter(models.Model):
    """The last number handed out per organisation, series and year. Locked with SELECT ... FOR UPDATE in
    the same transaction as the record that takes the number, so numbers are gap-free: a rollback
    returns the number with it."""

    class Series(models.TextChoices):
        SAK = "sak", _("Saksnummer")
        JOURNAL = "journal", _("Journalnummer")

    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=10, choices=Series.choices)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "year"], name="sequence_unique_series_year"
            )
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last_value}"


class Skjerming(models.Model):
    """Screening (M500-M505): which metadata is withheld from the public, and on what legal basis."""

    tilgangsrestriksjon = models.CharField(_("tilgangsrestriksjon"), max_length=20, blank=True)
    skjermingshjemmel = models.CharField(_("skjermingshjemmel"), max_length=200, blank=True)
    # Space-separated element names, e.g. "tittel korrespondansepartNavn" (M502 skjermingMetadata).
    skjerming_metadata = models.CharField(_("skjermet metadata"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_screened(self) -> bool:
        return bool(self.tilgangsrestriksjon)

    @property
    def screened_fields(self) -> list[str]:
        return self.skjerming_metadata.split()


class Saksmappe(Skjerming):
    organisation = models.ForeignKey(
        "inbox.Organisation", on_delete=models.PROTECT, related_name="saksmapper"
    )
    arkivdel = models.ForeignKey(Arkivdel, on_delete=models.PROTECT, related_name="saksmapper")
    klasse = models.ForeignKey(Klasse, on_delete=models.PROTECT, related_name="saksmapper")
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    saksaar = models.PositiveIntegerField(_("saksår"))
    sakssekvensnummer = models.PositiveIntegerField(_("sekvensnummer"))
    tittel = models.CharField(_("tittel"), max_length=500)
    offentlig_tittel = models.CharField(_("offentlig tittel"), max_length=500)
    saksdato = models.DateField(_("saksdato"))
    administrativ_enhet = models.CharField(_("administrativ enhet"), max_length=200)
    saksansvarlig = models.CharField(_("saksansvarlig"), max_length=200)
    saksansvarlig_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saksstatus = models.CharField(
        _("saksstatus"), max_length=30, choices=Saksstatus.choices, default=Saksstatus.UNDER_BEHANDLING
    )
    route = models.CharField(max_length=20, blank=True, help_text="Triage route the case came from.")
    source_comment = models.ForeignKey(
        "inbox.Comment", null=True, blank=True, on_delete=models.PROTECT, related_name="saksmapper"
    )
    opprettet_dato = models.DateTimeField()
    opprettet_av = models.CharField(max_length=200)
    avsluttet_dato = models.DateTimeField(null=True, blank=True)
    avsluttet_av = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "saksaar", "sakssekvensnummer"], name="saksmappe_unique_number"
            ),
            models.UniqueConstraint(
                fields=["source_comment"],
                condition=models.Q(source_comment__isnull=False),
                name="saksmappe_one_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "saksstatus", "-saksdato"], name="saksmappe_status")]
        ordering = ["-saksaar", "-sakssekvensnummer"]
        verbose_name = _("saksmappe")
        verbose_name_plural = _("saksmapper")

    def __str__(self):
        return f"{self.mappe_id} {self.offentlig_tittel}"

    @property
    def mappe_id(self) -> str:
        return f"{self.saksaar}/{self.sakssekvensnummer}"


class Journalpost(Skjerming):
    organisation = models.ForeignKey(
        "inbox.Organisation", on_delete=models.PROTECT, related_name="journalposter"
    )
    saksmappe = models.ForeignKey(Saksmappe, on_delete=models.PROTECT, related_name="journalposter")
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    journalaar = models.PositiveIntegerField(_("journalår"))
    journalsekvensnummer = models.PositiveIntegerField(_("sekvensnummer"))
    journalpostnummer = models.PositiveIntegerField(_("journalpostnummer"))
    journalposttype = models.CharField(_("journalposttype"), max_length=50, choices=Journalposttype.choices)
    journalstatus = models.CharField(
        _("journalstatus"), max_length=20, choices=Journalstatus.choices, default=Journalstatus.JOURNALFOERT
    )
    journaldato = models.DateField(_("journaldato"))
    dokumentets_dato = models.DateField(_("dokumentets dato"), null=True, blank=True)
    mottatt_dato = models.DateTimeField(_("mottatt"), null=True, blank=True)
    sendt_dato = models.DateTimeField(_("sendt"), null=True, blank=True)
    tittel = models.CharField(_("tittel"), max_length=500)
    offentlig_tittel = models.CharField(_("offentlig tittel"), max_length=500)
    saksbehandler = models.CharField(_("saksbehandler"), max_length=200, blank=True)
    administrativ_enhet = models.CharField(_("administrativ enhet"), max_length=200, blank=True)
    # Avskrivning (M617-M619): the incoming letter was answered by an outgoing one.
    avskrivningsdato = models.DateField(null=True, blank=True)
    avskrivningsmaate = models.CharField(max_length=60, blank=True)
    avskrevet_av = models.CharField(max_length=200, blank=True)
    avskrives_av = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_comment = models.ForeignKey(
        "inbox.Comment", null=True, blank=True, on_delete=models.PROTECT, related_name="journalposter"
    )
    # The reply (replies app) an outgoing journalpost documents; an id, so records does not depend on replies.
    source_reply_id = models.BigIntegerField(null=True, blank=True)
    opprettet_dato = models.DateTimeField()
    opprettet_av = models.CharField(max_length=200)
    arkivert_dato = models.DateTimeField(null=True, blank=True)
    arkivert_av = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "journalaar", "journalsekvensnummer"],
                name="journalpost_unique_number",
            ),
            models.UniqueConstraint(
                fields=["saksmappe", "journalpostnummer"], name="journalpost_unique_in_case"
            ),
            models.UniqueConstraint(
                fields=["source_reply_id"],
                condition=models.Q(source_reply_id__isnull=False),
                name="journalpost_one_per_reply",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "-journaldato", "-journalsekvensnummer"], name="journalpost_date"
            ),
        ]
        ordering = ["-journalaar", "-journalsekvensnummer"]
        verbose_name = _("journalpost")
        verbose_name_plural = _("journalposter")

    def __str__(self):
        return f"{self.journalaar}/{self.journalsekvensnummer} {self.offentlig_tittel}"

    @property
    def registrerings_id(self) -> str:
        return f"{self.saksmappe.mappe_id}-{self.journalpostnummer}"


class Korrespondansepart(models.Model):
    journalpost = models.ForeignKey(
        Journalpost, on_delete=models.CASCADE, related_name="korrespondanseparter"
    )
    korrespondanseparttype = models.CharField(max_length=30, choices=Korrespondanseparttype.choices)
    korrespondansepart_navn = models.CharField(_("navn"), max_length=200)
    administrativ_enhet = models.CharField(max_length=200, blank=True)
    saksbehandler = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("korrespondansepart")
        verbose_name_plural = _("korrespondanseparter")

    def __str__(self):
        return f"{self.korrespondanseparttype}: {self.korrespondansepart_navn}"


class Dokumentbeskrivelse(models.Model):
    journalpost = models.ForeignKey(
        Journalpost, on_delete=models.CASCADE, related_name="dokumentbeskrivelser"
    )
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dokumenttype = models.CharField(max_length=60, default="Brev")
    dokumentstatus = models.CharField(max_length=60, default="Dokumentet er ferdigstilt")
    tittel = models.CharField(_("tittel"), max_length=500)
    tilknyttet_registrering_som = models.CharField(max_length=30, default="Hoveddokument")
    dokumentnummer = models.PositiveIntegerField(default=1)
    opprettet_dato = models.DateTimeField()
    opprettet_av = models.CharField(max_length=200)
    tilknyttet_dato = models.DateTimeField()
    tilknyttet_av = models.CharField(max_length=200)

    class Meta:
        ordering = ["dokumentnummer"]
        verbose_name = _("dokumentbeskrivelse")
        verbose_name_plural = _("dokumentbeskrivelser")

    def __str__(self):
        return self.tittel


class Dokumentobjekt(models.Model):
    dokumentbeskrivelse = models.ForeignKey(
        Dokumentbeskrivelse, on_delete=models.CASCADE, related_name="dokumentobjekter"
    )
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    versjonsnummer = models.PositiveIntegerField(default=1)
    variantformat = models.CharField(max_length=40, default="Arkivformat")
    # File extension, as Arkade N5.29 compares it with the file name; PRONOM id in format_detaljer.
    format = models.CharField(max_length=40, default="pdf")
    format_detaljer = models.CharField(max_length=200, blank=True, default="PDF/A-2b (PRONOM fmt/477)")
    mime_type = models.CharField(max_length=100, default="application/pdf")
    # Path relative to MEDIA_ROOT.
    fil = models.CharField(max_length=300)
    filnavn = models.CharField(max_length=200)
    filstoerrelse = models.PositiveBigIntegerField()
    sjekksum = models.CharField(max_length=64)
    sjekksum_algoritme = models.CharField(max_length=20, default="SHA256")
    opprettet_dato = models.DateTimeField()
    opprettet_av = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("dokumentobjekt")
        verbose_name_plural = _("dokumentobjekter")

    def __str__(self):
        return self.filnavn

    @property
    def path(self):
        from pathlib import Path

        return Path(settings.MEDIA_ROOT) / self.fil


class Endring(models.Model):
    """One entry of the change log (endringslogg): a metadata change that matters for context."""

    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    referanse_arkivenhet = models.UUIDField()
    referanse_metadata = models.CharField(max_length=60)
    endret_dato = models.DateTimeField()
    endret_av = models.CharField(max_length=200)
    tidligere_verdi = models.CharField(max_length=500)
    ny_verdi = models.CharField(max_length=500)

    class Meta:
        ordering = ["endret_dato", "id"]
        indexes = [models.Index(fields=["referanse_arkivenhet"], name="endring_ref")]

    def __str__(self):
        return f"{self.referanse_metadata}: {self.tidligere_verdi} -> {self.ny_verdi}"


class Delivery(models.Model):
    """One arkivmelding for one journalpost through one delivery backend. Never created twice for the
    same pair, so nothing is sent twice; failures stay `failed` and are retried by the next `noark send`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        DELIVERED = "delivered", _("Levert")
        FAILED = "failed", _("Feilet")

    journalpost = models.ForeignKey(Journalpost, on_delete=models.PROTECT, related_name="deliveries")
    backend = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    receipt = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # What the archive system answered (arkivmeldingKvittering or a feilmelding), when it has.
    archive_status = models.CharField(max_length=10, blank=True, default="")  # "" | received | rejected
    archive_receipt = models.TextField(blank=True)
    archive_system_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journalpost", "backend"], name="delivery_once")]
        verbose_name = _("levering")
        verbose_name_plural = _("leveringer")

    def __str__(self):
        return f"{self.journalpost_id} via {self.backend}: {self.status}"
