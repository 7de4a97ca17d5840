"""Rule detectors: where the law or the pattern is exact, a rule decides, not a model.

Each detector takes the *normalised* text (see ``text.py``) and returns ``Hit`` objects with spans
into that text. ``decide()`` maps the spans back to the original text.

* identity numbers (fødselsnummer, D-number, H-number) validated with python-stdnum, also when
  written with spaces, dots or dashes or split by zero-width characters (removed by the normaliser);
* phone numbers (``phonenumbers``) and e-mail addresses;
* links, with known scam patterns: URL shorteners, look-alike domains of public bodies and banks,
  crypto / giveaway bait;
* health and child-welfare terms (special categories of personal data);
* explicit threats of violence and slurs (unlawful content);
* person names (a gazetteer derived from NorNE person annotations) and the municipality's
  politicians and parties from the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from stdnum.no import fodselsnummer, kontonr


@dataclass(slots=True)
class Hit:
    kind: str
    start: int
    end: int
    detail: str = ""
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Identity numbers
# --------------------------------------------------------------------------------------------
# Digit groups joined by at most two separator characters (space, dot, dash, slash).
_DIGIT_RUN = re.compile(r"\d+(?:[ .\-/:]{1,2}\d+)*")
_GROUP = re.compile(r"\d+")
_ID_CONTEXT = re.compile(
    r"f(?:ø|o|oe)dsels?n|personn|person-?nr|pers\.? ?nr|fnr|d-?nummer|d-?nr|personnummer", re.IGNORECASE
)
_ACCOUNT_CONTEXT = re.compile(r"konto|kto|bank|iban|kid|faktura|org\.? ?nr|organisasjonsn", re.IGNORECASE)


def find_identity_numbers(text: str) -> list[Hit]:
    hits: list[Hit] = []
    if sum(c.isdigit() for c in text[:20000]) < 11:
        return hits
    for run in _DIGIT_RUN.finditer(text):
        groups = [
            (m.start() + run.start(), m.end() + run.start(), m.group()) for m in _GROUP.finditer(run.group())
        ]
        total = sum(len(g[2]) for g in groups)
        if total < 11:
            continue
        # every contiguous sequence of groups that holds exactly 11 digits
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 11:
                    break
                if len(digits) == 11:
                    start, end = groups[i][0], groups[j][1]
                    hit = _check_identity(text, digits, start, end, [len(g[2]) for g in groups[i : j + 1]])
                    if hit:
                        hits.append(hit)
                    break
    return _dedupe(hits)


def _check_identity(text: str, digits: str, start: int, end: int, shape: list[int]) -> Hit | None:
    if not fodselsnummer.is_valid(digits):
        return None
    before = text[max(0, start - 40) : start]
    # A valid bank account number in account layout (4.2.5) next to account words is an account.
    if (
        shape == [4, 2, 5]
        and kontonr.is_valid(digits)
        and _ACCOUNT_CONTEXT.search(before)
        and not _ID_CONTEXT.search(before)
    ):
        return None
    kind = "d_number" if digits[0] in "4567" else ("h_number" if digits[2] in "4567" else "fodselsnummer")
    return Hit("identity_number", start, end, kind)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


# --------------------------------------------------------------------------------------------
# Phone numbers and e-mail
# --------------------------------------------------------------------------------------------
_PHONE_PRECHECK = re.compile(r"(?:\d[ .\-()]{0,2}){8}")


def find_phone_numbers(text: str, exclude: list[Hit] = ()) -> list[Hit]:
    if not _PHONE_PRECHECK.search(text):
        return []
    hits = []
    try:
        matcher = phonenumbers.PhoneNumberMatcher(
            text[:5000], "NO", leniency=phonenumbers.Leniency.VALID, max_tries=20
        )
        for m in matcher:
            if any(m.start < e.end and e.start < m.end for e in exclude):
                continue
            hits.append(
                Hit(
                    "phone",
                    m.start,
                    m.end,
                    phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
                )
            )
    except Exception:  # noqa: BLE001 - a broken number must never break triage
        return hits
    return hits


_EMAIL = re.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,6}")


def find_emails(text: str, official_domains: tuple[str, ...] = ()) -> list[Hit]:
    if "@" not in text:
        return []
    hits = []
    for m in _EMAIL.finditer(text):
        domain = m.group().rsplit("@", 1)[1].lower()
        official = any(domain == d or domain.endswith("." + d) for d in official_domains)
        hits.append(Hit("email", m.start(), m.end(), domain, {"official": official}))
    return hits


# --------------------------------------------------------------------------------------------
# Links and scams
# --------------------------------------------------------------------------------------------
_TLDS = (
    "com|no|net|org|info|xyz|top|click|io|ly|me|co|ru|cn|biz|site|online|shop|live|app|link|tk|ml|ga|cf"
    "|gq|cc|gd|at|eu|se|dk|de|uk|us|icu|cyou|sbs|buzz|club|win|bid|loan|vip|store|website|space|fun|pw|su"
)
_URL = re.compile(
    r"(?:https?://|hxxps?://|www\.)[^\s<>\"']{2,300}"
    r"|\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.){1,5}(?:" + _TLDS + r")\b(?:/[^\s<>\"']{0,300})?",
    re.IGNORECASE,
)
SHORTENERS = frozenset(
    {
        "bit.ly",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "is.gd",
        "cutt.ly",
        "rb.gy",
        "shorturl.at",
        "ow.ly",
        "buff.ly",
        "tiny.cc",
        "s.id",
        "t.ly",
        "rebrand.ly",
        "bl.ink",
        "shorte.st",
        "adf.ly",
        "v.gd",
        "qr.net",
        "lnkd.in",
        "tr.im",
        "x.co",
        "soo.gd",
        "clck.ru",
        "u.to",
        "urlz.fr",
        "linktr.ee",
        "short.link",
        "bitly.com",
    }
)
_RISKY_TLDS = frozenset(
    {
        "xyz",
        "top",
        "click",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "icu",
        "cyou",
        "sbs",
        "buzz",
        "win",
        "bid",
        "loan",
        "vip",
        "pw",
        "su",
        "ru",
        "cn",
        "online",
        "site",
        "website",
        "space",
        "fun",
        "live",
    }
)
# Brands and public bodies that scammers imitate, with their real registrable domains.
BRANDS = {
    "nav": ("nav.no",),
    "vipps": ("vipps.no",),
    "bankid": ("bankid.no",),
    "altinn": ("altinn.no",),
    "skatteetaten": ("skatteetaten.no",),
    "skatt": ("skatteetaten.no",),
    "posten": ("posten.no",),
    "helsenorge": ("helsenorge.no",),
    "dnb": ("dnb.no",),
    "sparebank": (),
    "norwegian": ("norwegian.no",),
    "kommune": ("kommune.no",),
    "politi": ("politiet.no",),
    "statens": ("vegvesen.no",),
    "vegvesen": ("vegvesen.no",),
    "lanekassen": ("lanekassen.no",),
    "husbanken": ("husbanken.no",),
    "regjeringen": ("regjeringen.no",),
    "digipost": ("digipost.no",),
    "bring": ("bring.no",),
    "idporten": ("idporten.no",),
    "facebook": ("facebook.com", "fb.com", "fb.me"),
    "meta": ("meta.com",),
    "instagram": ("instagram.com",),
    "support": (),
    "helse": (),
}
_SCAM_WORDS = re.compile(
    r"\b(?:bitcoin|btc|ethereum|eth\b|krypto\w*|crypto\w*|giveaway|give ?away|usdt|forex|trading[- ]?(?:bot|robot)"
    r"|passiv(?:e)? inntekt|tjen(?:e)? \d[\d .]*(?:kr|kroner|,-)|doble (?:pengene|innskudd)|gavekort"
    r"|vinn(?:er)? (?:en|ein|et|eit)? ?(?:iphone|ipad|gavekort|tur|bil)|gratis (?:iphone|ipad|gavekort|penger)"
    r"|klikk (?:på )?(?:lenken|linken|her)|trykk (?:på )?(?:lenken|linken|her)|send (?:meg )?(?:en )?(?:dm|pm|melding)"
    r"|whats ?app|telegram|investering\w*|investere|avkastning|utbetaling\w*|refusjon\w*|bekreft (?:kontoen|konto"
    r"|bankid|identiteten)|logg inn med bankid|kontoen (?:din|deres) (?:vil bli|blir) (?:stengt|sperret|slettet)"
    r"|(?:siden|kontoen) (?:din )?(?:bryter|har brutt)|meta support|copyright[- ]?brudd|verifiser\w*"
    r"|billig\w* (?:solbriller|klær|sko|medisin)|ray[- ]?ban|viagra|casino|betting|lån uten sikkerhet"
    r"|rask(?:e)? penger|jobb hjemmefra|tjen penger|send (?:\d+ ?kr|penger))",
    re.IGNORECASE,
)


def _registrable(host: str) -> str:
    parts = host.lower().strip(".").split(".")
    if len(parts) >= 3 and parts[-2] in ("kommune", "co", "com", "gov", "org") and parts[-1] in ("no", "uk"):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def find_links(text: str, official_domains: tuple[str, ...] = ()) -> list[Hit]:
    if "." not in text:
        return []
    hits = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)»\"'")
        host = re.sub(r"^(?:https?|hxxps?)://", "", url, flags=re.IGNORECASE).split("/")[0].split("?")[0]
        host = host.split("@")[-1].split(":")[0].lower()
        if "." not in host or host.replace(".", "").isdigit() and not host.count(".") == 3:
            continue
        if re.fullmatch(r"\d+(?:\.\d+)*", host):  # a number like 12.30, not a host
            continue
        reg = _registrable(host)
        tld = host.rsplit(".", 1)[-1]
        official = (
            any(host == d or host.endswith("." + d) for d in official_domains)
            or host.endswith(".kommune.no")
            or reg in _PUBLIC_DOMAINS
        )
        why = ""
        if reg in SHORTENERS or host in SHORTENERS:
            why = "shortener"
        elif host.startswith("xn--") or ".xn--" in host:
            why = "punycode"
        elif not official:
            label = host[: -len(tld) - 1]
            for brand, real in BRANDS.items():
                if (
                    re.search(r"(?:^|[.\-])" + brand + r"|" + brand + r"(?:[.\-]|$)", label)
                    and reg not in real
                ):
                    why = "lookalike"
                    break
            if not why and tld in _RISKY_TLDS:
                why = "risky_tld"
        hits.append(Hit("link", m.start(), m.start() + len(url), host, {"scam": why, "official": official}))
    return hits


_PUBLIC_DOMAINS = frozenset(
    {
        "nav.no",
        "vipps.no",
        "bankid.no",
        "altinn.no",
        "skatteetaten.no",
        "posten.no",
        "helsenorge.no",
        "dnb.no",
        "politiet.no",
        "vegvesen.no",
        "lanekassen.no",
        "husbanken.no",
        "regjeringen.no",
        "digipost.no",
        "bring.no",
        "norge.no",
        "udir.no",
        "fhi.no",
        "helsedirektoratet.no",
        "bufdir.no",
        "kartverket.no",
        "yr.no",
        "nrk.no",
        "ssb.no",
        "lovdata.no",
        "facebook.com",
        "instagram.com",
        "youtube.com",
        "google.com",
        "google.no",
        "wikipedia.org",
        "ruter.no",
        "entur.no",
        "idporten.no",
        "brreg.no",
        "miljodirektoratet.no",
        "dsb.no",
        "vg.no",
        "aftenposten.no",
        "dagbladet.no",
        "tv2.no",
    }
)


def find_scam_words(text: str) -> list[Hit]:
    return [Hit("scam_word", m.start(), m.end(), m.group().lower()) for m in _SCAM_WORDS.finditer(text)]


# --------------------------------------------------------------------------------------------
# Special categories: health and child welfare
# --------------------------------------------------------------------------------------------
_HEALTH = re.compile(
    r"\b(?:diagnos\w*|kreft\w*|cancer|hiv\b|aids\b|schizofren\w*|bipolar\w*|psykos\w*|psykotisk\w*"
    r"|psykisk(?:e)? (?:syk\w*|lidel\w*|ustabil\w*|helse\w*)|psykiatri\w*|depresjon\w*|deprimert\w*|autis\w*"
    r"|adhd|add\b|demen[st]\w*|alzheimer\w*|rusmisbruk\w*|rusmisbrukar\w*|narkoman\w*|rusavhengig\w*|rusprobl\w*"
    r"|alkoholiker\w*|alkoholikar\w*|fyllik\w*|abort\w*|sykehistori\w*|sjukehistori\w*|journal(?:en)? (?:hans|hennes|til)"
    r"|epilep\w*|diabet\w*|spiseforstyr\w*|anoreksi\w*|bulimi\w*|selvmord\w*|sjølvmord\w*|sjølmord\w*|overdose\w*"
    r"|kjønnssykdom\w*|klamydia|herpes|tvangsinnlagt\w*|innlagt på (?:psyk\w*|sykehus\w*|sjukehus\w*|avrusning\w*)"
    r"|avrusning\w*|metadon\w*|lar-pasient\w*|legemiddel\w*|medisiner(?:t|e)?\b|utbrent|sykmeldt|sjukmeld\w*"
    r"|sykemeldt|uføre?trygd\w*|hjerneslag|slag\b|parkinson\w*|ms-syk\w*|ptsd|angst\w*|personlighetsforstyr\w*"
    r"|utviklingshemm\w*|psykisk utviklingshem\w*|downs?\b|kols\b|smittet|korona-?smittet)",
    re.IGNORECASE,
)
_CHILD_WELFARE = re.compile(
    r"\b(?:barnevern\w*|barnevernet|bv-sak\w*|omsorgsovertak\w*|omsorgsoveratak\w*|fosterhjem\w*|fosterheim\w*"
    r"|fosterforeld\w*|fosterbarn\w*|beredskapshjem\w*|beredskapsheim\w*|akuttplasser\w*|tvangsplasser\w*"
    r"|tatt (?:fra (?:seg|henne|han|dei|dem) )?(?:ungene|barna|borna|ungane|barnet|ungen)"
    r"|fratatt (?:omsorgen|ungene|barna)|bekymringsmelding\w*|samværsrett\w*|fylkesnemnd\w*|barneverntenest\w*)",
    re.IGNORECASE,
)


def find_special_categories(text: str) -> list[Hit]:
    hits = [Hit("health", m.start(), m.end(), m.group().lower()) for m in _HEALTH.finditer(text)]
    hits += [
        Hit("child_welfare", m.start(), m.end(), m.group().lower()) for m in _CHILD_WELFARE.finditer(text)
    ]
    return hits


# --------------------------------------------------------------------------------------------
# Threats and slurs (unlawful: these rules win over the models)
# --------------------------------------------------------------------------------------------
_VIOLENT = (
    r"(?:drep\w*|skyt\w*|skut\w*|knivstikk\w*|stikk\w* (?:ned|kniven)|bank\w* (?:opp|deg|dere|han|henne|ho)"
    r"|denge\w*|jule (?:deg|dere|han|henne|ho) opp|slå (?:deg |dere |han |henne |ho )?(?:ihjel|i hjel|i stykker)"
    r"|sprenge?\w*|spreng\w* (?:rådhuset|huset|kontoret)|brenn\w* (?:ned|opp)|sette fyr på|tenne på|kvel\w*"
    r"|lemlest\w*|ta livet av|knuse (?:skallen|trynet|ansiktet|kneskålene|beina)|henge (?:deg|dere|han|henne|ho)"
    r"|voldta\w*|slakte\w*|halshugg\w*|skalle (?:deg|dere|han|ho|henne) ned|bryte (?:armene|beina|nakken))"
)
_THREAT_PATTERNS = [
    re.compile(
        r"\b(?:jeg|eg|vi|me|jæ|æ|je)\s+(?:skal|ska|sk|kommer til å|kjem til å|vil|tenker å|tenkjer å|kan fort|"
        r"har lyst til å|skal nok|skal personlig)\s+(?:\w+\s+){0,4}?" + _VIOLENT,
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:skal|ska|vil|kommer|kjem)\s+(?:jeg|eg|vi|me|jæ|æ)\s+(?:\w+\s+){0,4}?" + _VIOLENT, re.IGNORECASE
    ),
    re.compile(
        r"\b(?:vet|veit|vett)\s+(?:hvor|kor|kvar|ka)\s+(?:du|dere|han|hun|ho|dokker|dykk|de|dei|[A-ZÆØÅ]\w+)\s+"
        r"(?:bor|bur|jobber|jobbar|har ungene|parkerer)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:du|dere|dykk|han|hun|ho)\s+(?:skal|kommer til å|kjem til å|fortjener å|fortener å|burde|bør|"
        r"må|skulle)\s+(?:\w+\s+){0,2}?(?:dø|døy|drepes|drepast|skytes|skytast|henges|hengast|brenne|brenna|"
        r"få (?:juling|bank|ein på trynet|en på trynet|kule|kulen)|få svi|ligge død|bli skutt)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bpass\s+(?:deg|dere|dykk|ryggen)\b.{0,50}\b(?:mørkt|mørket|natt|kveld|hjem|heim|ute|alene|åleine)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:kule|kula|kulen) (?:i|gjennom) (?:hodet|skallen|huet|panna)\b|\bbombe\w* (?:rådhuset|kommunehuset|"
        r"kontoret|skolen)\b|\bsett(?:e)? fyr på (?:rådhuset|kommunehuset|huset|kontoret|deg|dere|han|henne)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:snart|neste gang|en dag|ein dag)\b.{0,30}\b(?:får du|får dere|får dokker|skal du|skal dere)\b.{0,30}"
        r"\b(?:svi|unngjelde|merke det|kjenne det|angre)\b",
        re.IGNORECASE,
    ),
]


def find_threats(text: str) -> list[Hit]:
    hits = []
    for p in _THREAT_PATTERNS:
        for m in p.finditer(text):
            hits.append(Hit("threat", m.start(), m.end(), m.group()))
    return _dedupe(hits)


_SLURS = re.compile(
    r"\b(?:nigger\w*|niggar\w*|neger\w*|negrer\w*|pakkis\w*|sandnigger\w*|svarting\w*|sigøynerpakk\w*|jødesvin\w*"
    r"|muslimsvin\w*|homsepakk\w*|untermensch\w*"
    r"|apekatter|kamelrytter\w*|kameljockey\w*|bæsj(?:e)?pakk|innvandrerpakk\w*|utlendingspakk\w*|rasedyr\w*"
    r"|soperpakk\w*|skjeggebarn\w*|lusepakk\w*|gjøkunger)\b",
    re.IGNORECASE,
)
_GROUPS = (
    r"(?:innvandr\w*|muslim\w*|jøde\w*|jødar\w*|somali\w*|flyktning\w*|asylsøk\w*|homo\w*|homs\w*|lesb\w*"
    r"|transpers\w*|svarte|utlending\w*|sigøyn\w*|romfolk\w*|tatere?\w*|polakk\w*|litau\w*|araber\w*|arabar\w*"
    r"|afrikan\w*|pakistan\w*|samer|samane|samene|kvener|indere|kinesere|ukrain\w*|syrer\w*|eritre\w*"
    r"|afghan\w*|irak\w*|kurder\w*|tyrk\w*|russer\w*|skeive|funksjonshem\w*|utviklingshem\w*|kristne|hinduer"
    r"|mørkhuda|brune|folk fra \w+)"
)
_HATE_PATTERNS = [
    re.compile(
        r"\b"
        + _GROUPS
        + r"\b.{0,60}?\b(?:bør|burde|skal|må|skulle)\s+(?:\w+\s+){0,2}?(?:kastes ut|kastast ut|"
        r"sendes (?:hjem|heim|ut)|sendast (?:heim|ut)|utryddes|utryddast|deporteres|deporterast|skytes|henges|"
        r"gasses|steriliseres|forbys|ut av landet|dø|døy)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:alle|disse|desse|de|dei|slike|sånne|sånn)\s+" + _GROUPS + r"\s+(?:er|e)\s+(?:\w+\s+){0,2}?"
        r"(?:dyr|parasitter|kakerlakker|rotter|snyltere|avskum|pakk|kriminelle|voldtektsmenn|terrorister|"
        r"søppel|skadedyr|undermennesker|mindreverdige|pedofile|syke i hodet|en pest|ein pest|en kreft)\b",
        re.IGNORECASE,
    ),
]


def find_hate(text: str) -> list[Hit]:
    hits = [Hit("slur", m.start(), m.end(), m.group().lower()) for m in _SLURS.finditer(text)]
    for p in _HATE_PATTERNS:
        hits += [Hit("hate_pattern", m.start(), m.end(), m.group()) for m in p.finditer(text)]
    return _dedupe(hits)


# --------------------------------------------------------------------------------------------
# Profanity (LDNOOBW ``no`` list, CC BY 4.0): a feature, never a removal on its own.
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def profanity_regex(words: tuple[str, ...]) -> re.Pattern:
    alts = sorted((re.escape(w) for w in words if w), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Person names
# --------------------------------------------------------------------------------------------
_CAP_WORD = re.compile(r"\b[A-ZÆØÅÄÖÜÉ][a-zæøåäöüéèáóúïëçñ]+(?:-[A-ZÆØÅ][a-zæøåäöüé]+)?\b")
_SENT_START = re.compile(r"(?:^|[.!?:…\n]\s*|[\"«(]\s*)$")
# Capitalised words that look like names but are not (months, weekdays, places of the desk).
_NOT_NAMES = frozenset(
    {
        "Jeg",
        "Eg",
        "Du",
        "Vi",
        "Me",
        "De",
        "Dei",
        "Han",
        "Hun",
        "Ho",
        "Det",
        "Den",
        "Der",
        "Her",
        "Hei",
        "Hallo",
        "Takk",
        "Ja",
        "Nei",
        "Kommunen",
        "Kommune",
        "Norge",
        "Noreg",
        "Facebook",
        "Instagram",
        "Gud",
        "Mvh",
        "Januar",
        "Februar",
        "Mars",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Desember",
        "Mandag",
        "Tirsdag",
        "Onsdag",
        "Torsdag",
        "Fredag",
        "Lørdag",
        "Søndag",
        "Måndag",
        "Tysdag",
        "Nav",
        "Vipps",
        "Jul",
        "Påske",
        "Oslo",
        "Bergen",
    }
)


_PLACE_PREP = re.compile(
    r"(?:^|\W)(?:i|på|fra|frå|til|ved|mot|over|gjennom|langs|utenfor|utanfor)\s$", re.IGNORECASE
)


def find_names(text: str, gazetteer: frozenset[str], extra_names: frozenset[str] = frozenset()) -> list[Hit]:
    """Person names: capitalised tokens known as names, alone mid-sentence or in a sequence of two or more."""
    if not gazetteer and not extra_names:
        return []
    words = [m for m in _CAP_WORD.finditer(text)]
    hits: list[Hit] = []
    i = 0
    while i < len(words):
        m = words[i]
        w = m.group()
        if w in _NOT_NAMES or (w.lower() not in gazetteer and w not in extra_names):
            i += 1
            continue
        # extend over following capitalised words separated by one space (surnames)
        j = i
        while (
            j + 1 < len(words)
            and words[j + 1].start() == words[j].end() + 1
            and words[j + 1].group() not in _NOT_NAMES
        ):
            j += 1
        at_start = bool(_SENT_START.search(text[max(0, m.start() - 3) : m.start()])) or m.start() == 0
        # "i Nordvik", "på Berg", "frå Vik": after a place preposition a single name is a place
        after_prep = j == i and _PLACE_PREP.search(text[max(0, m.start() - 6) : m.start()])
        if (j > i or not at_start or w in extra_names) and not after_prep:
            hits.append(Hit("person", m.start(), words[j].end(), text[m.start() : words[j].end()]))
        i = j + 1
    return hits


def find_terms(text: str, terms: dict[str, re.Pattern]) -> list[Hit]:
    hits = []
    for kind, pat in terms.items():
        hits += [Hit(kind, m.start(), m.end(), m.group()) for m in pat.finditer(text)]
    return hits
