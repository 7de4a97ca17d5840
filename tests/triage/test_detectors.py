"""Rule detectors: identity numbers (with obfuscations), phones, e-mail, scam links, special categories."""

import pytest
from stdnum.no import fodselsnummer, kontonr

from somedesk.triage.engine import detectors as D
from somedesk.triage.engine.text import normalise
from tests.triage.helpers import break_check, make_fnr

FNR = make_fnr("150786")
DNR = make_fnr("550786")  # day + 40: D-number


def ids(text):
    n = normalise(text)
    return [(n.span(h.start, h.end), h.detail) for h in D.find_identity_numbers(n.text)]


def test_helper_numbers_are_valid_and_broken_ones_are_not():
    assert fodselsnummer.is_valid(FNR) and fodselsnummer.is_valid(DNR)
    assert not fodselsnummer.is_valid(break_check(FNR))


@pytest.mark.parametrize(
    "layout",
    [
        "{n}",
        "{a} {b}",
        "{a}.{b}",
        "{a}-{b}",
        "{d}.{m}.{y} {b}",
        "{d} {m} {y} {b1} {b2}",
        "{a}  {b}",
    ],
)
def test_it_finds_identity_numbers_in_common_layouts(layout):
    n = FNR
    text = (
        "Mitt fødselsnummer er "
        + layout.format(n=n, a=n[:6], b=n[6:], d=n[:2], m=n[2:4], y=n[4:6], b1=n[6:9], b2=n[9:])
        + ", hjelp!"
    )
    found = ids(text)
    assert len(found) == 1
    (s, e), kind = found[0]
    assert kind == "fodselsnummer"
    assert "".join(c for c in text[s:e] if c.isdigit()) == n


def test_it_finds_d_numbers():
    assert ids(f"D-nummer {DNR}")[0][1] == "d_number"


def test_it_finds_numbers_split_by_zero_width_characters_and_maps_spans_to_the_original():
    zw = "\u200b".join(FNR)
    text = f"nr: {zw} ok"
    found = ids(text)
    assert len(found) == 1
    (s, e), _ = found[0]
    assert text[s:e].replace("\u200b", "") == FNR


def test_it_finds_a_number_among_other_digits():
    assert len(ids(f"Ring 22 33 44 55 eller bruk {FNR} i skjemaet, sak 2024/1234")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Kontonummer 1234.56.78903 for innbetaling",  # bank account (valid mod 11 account)
        "KID 12345678903 på fakturaen",
        "Org.nr 974 760 673 og telefon +47 22 33 44 55",
        "Ring 004722334455 eller 91234567",
        "Tallet er 12345678901234567890",
    ],
)
def test_it_ignores_eleven_digit_numbers_that_fail_the_check(text):
    assert ids(text) == []


def test_it_ignores_a_number_with_a_broken_check_digit_in_any_layout():
    bad = break_check(FNR)
    for text in (bad, f"{bad[:6]} {bad[6:]}", f"{bad[:6]}.{bad[6:]}", "\u200b".join(bad)):
        assert ids(text) == []


def test_a_valid_account_number_in_account_layout_is_not_an_identity_number():
    # find an account number in 4.2.5 layout that also passes the identity check, and one that does not
    acct = "1234.56.78903"
    assert kontonr.is_valid(acct.replace(".", ""))
    assert ids(f"betal til konto {acct}") == []


def test_phone_numbers_and_emails():
    n = normalise("Ring Per på 912 34 567 eller skriv til per.hansen@example.com")
    phones = D.find_phone_numbers(n.text)
    assert [h.detail for h in phones] == ["+4791234567"]
    emails = D.find_emails(n.text, ("fjordvik.kommune.no",))
    assert emails[0].detail == "example.com" and not emails[0].extra["official"]
    assert D.find_emails("postmottak@fjordvik.kommune.no", ("fjordvik.kommune.no",))[0].extra["official"]


@pytest.mark.parametrize(
    "text,why",
    [
        ("Se her bit.ly/3xYzAb for gratis penger", "shortener"),
        ("Logg inn på https://nav-utbetaling.com/refusjon", "lookalike"),
        ("Fjordvik-kommune.net/skjema har svaret", "lookalike"),
        ("Vinn nå: www.superpremie.xyz", "risky_tld"),
        ("Gå til https://xn--vpps-loa.no", "punycode"),
    ],
)
def test_scam_links(text, why):
    links = D.find_links(text, ("fjordvik.kommune.no",))
    assert links and links[0].extra["scam"] == why


@pytest.mark.parametrize(
    "text",
    [
        "Søknadsskjema på https://www.fjordvik.kommune.no/skjema",
        "Sjekk nav.no for dagpenger",
        "Klokka er 12.30 og det koster 10.50",
    ],
)
def test_official_or_ordinary_links_are_not_scams(text):
    assert all(not h.extra["scam"] for h in D.find_links(text, ("fjordvik.kommune.no",)))


def test_threat_patterns_bokmal_and_nynorsk():
    assert D.find_threats("Jeg skal drepe deg hvis du stenger skolen")
    assert D.find_threats("Eg veit kor du bur, pass deg")
    assert D.find_threats("Vi vet hvor du bor")
    assert not D.find_threats("Dette vedtaket dreper sentrum")
    assert not D.find_threats("Jeg skal klage på vedtaket")


def test_hate_patterns_need_a_group_and_a_dehumanising_or_expulsion_claim():
    assert D.find_hate("Alle muslimer er parasitter")
    assert D.find_hate("Innvandrerne bør sendes hjem alle sammen")
    assert not D.find_hate("Flyktningtjenesten gjør en god jobb med innvandrere")


@pytest.mark.parametrize(
    "render",
    [
        lambda n: " ".join(n),  # every digit spaced
        lambda n: n[:6] + "/" + n[6:],
        lambda n: "".join(chr(0xFF10 + int(c)) for c in n),  # full-width digits (NFKC)
        lambda n: n[:2] + "\u00a0" + n[2:6] + "\u2009" + n[6:],  # no-break and thin spaces
        lambda n: "&#" + str(ord(n[0])) + ";" + n[1:],  # an HTML entity for the first digit
    ],
)
def test_it_finds_more_obfuscated_identity_numbers(render):
    text = "Nummeret mitt: " + render(FNR) + " takk"
    found = ids(text)
    assert len(found) == 1
    (s, e), _ = found[0]
    assert e > s and text[e - 1] == render(FNR)[-1]
