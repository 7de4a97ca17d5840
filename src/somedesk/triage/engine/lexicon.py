"""Word lists matched token by token (fast: a few dictionary look-ups per word, no big regexes).

An entry ``"kreft*"`` matches every word that starts with ``kreft``; ``"hiv"`` matches the word only.
Bokmål and nynorsk forms are both listed.
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"\w+", re.UNICODE)

LISTS: dict[str, list[str]] = {
    "health": [
        "diagnos*", "kreft*", "cancer", "hiv", "aids", "schizofren*", "bipolar*", "psykos*", "psykotisk*",
        "psykiatri*", "depresjon*", "deprimert*", "autis*", "adhd", "demens*", "dement*", "alzheimer*",
        "rusmisbruk*", "rusmisbrukar*", "narkoman*", "sprøytenarkoman*", "rusavhengig*", "rusproblem*",
        "alkoholiker*", "alkoholikar*", "fyllik*", "abort*", "sykehistori*", "sjukehistori*", "epilep*",
        "diabet*", "spiseforstyr*", "anoreksi*", "bulimi*", "selvmord*", "sjølvmord*", "sjølmord*", "overdose*",
        "kjønnssykdom*", "klamydia", "herpes", "tvangsinnlagt*", "tvangsinnlegg*", "avrusning*", "metadon*",
        "sykmeldt*", "sykemeldt*", "sjukmeld*", "uføretrygd*", "hjerneslag*", "parkinson*", "ptsd",
        "angstlidelse*", "personlighetsforstyr*", "utviklingshemm*", "kols", "smittet", "smitta",
    ],
    "health_context": ["innlagt", "psykisk", "psykiske", "lege", "legen", "sykehus*", "sjukehus*", "medisin*",
                       "behandling*", "uføre", "syk", "sjuk", "syke", "sjuke", "helse", "helsa"],
    "child_welfare": [
        "barnevern*", "bv-sak*", "omsorgsovertak*", "fosterhjem*", "fosterheim*", "fosterforeld*", "fosterbarn*",
        "beredskapshjem*", "beredskapsheim*", "akuttplasser*", "tvangsplasser*", "bekymringsmelding*",
        "samværsrett*", "fylkesnemnd*", "barneverntenest*",
    ],
    "staff": [
        "saksbehandler*", "saksbehandlar*", "rektor*", "lærer*", "lærar*", "sjefen", "lederen", "leiaren",
        "enhetsleder*", "einingsleiar*", "ansatt*", "tilsett*", "sjåfør*", "helsesykepleier*", "helsesøster*",
        "hjemmehjelp*", "naboen", "nabo", "bussjåfør*", "vaktmester*", "styreren", "styrer", "pedagog*",
        "assistent*", "sykepleier*", "sjukepleiar*", "fastlegen", "renovatør*", "kommunelege*", "miljøarbeider*",
        "barnehagelærer*", "bibliotekar*", "kontordame*", "dama", "fyren", "mannen", "kona",
    ],
    "political_title": [
        "ordfører*", "ordførar*", "varaordfør*", "rådmann*", "kommunedirektør*", "kommunestyre*", "bystyre*",
        "formannskap*", "politiker*", "politikar*", "partiet", "partia", "partiene", "gruppeleder*",
        "gruppeleiar*", "utvalg*", "hovedutval*", "representant*", "valgkamp*", "valkamp*", "flertall*",
        "fleirtal*", "opposisjon*", "posisjonen", "vedtak*", "stemte", "stemde", "politisk*", "folkevalg*",
        "kommunestyrerepresentant*", "budsjett*", "kommuneplan*", "sammenslåing*", "samanslåing*",
    ],
    "insult": [
        "idiot*", "dust", "dusten", "duster", "tulling*", "tosk*", "kjerring*", "hore*", "ludder*", "fitte*",
        "pikk*", "drittsekk*", "rasshøl*", "rævhøl*", "taper", "taperen", "tapere", "tapar*", "feit*", "tjukk*",
        "stygg*", "ekkel*", "udugelig*", "inkompetent*", "hjernedød*", "evneveik*", "mongo*", "retard*", "psyko*",
        "gris", "grisen", "svin", "svinet", "kuk", "kuken", "pervo*", "pedo", "sleisk*", "kåt*", "pupper*",
        "rumpa", "sexy", "naken", "nakenbilde*", "dumming*", "dumskalle*", "dumt", "dum", "dumme", "teit*",
        "klovn*", "sopp", "latsabb*", "snylter*", "parasitt*", "søppel", "avskum*", "null", "waste",
    ],
    "accuse": [
        "stjal", "stjeler", "stjålet", "stjelte", "tyv*", "svindl*", "underslå*", "underslag", "misbruk*",
        "mishandl*", "voldtok", "voldtekt*", "overgrep*", "overgriper*", "pedofil*", "kriminell*", "juks*",
        "lyver", "lyg", "løgner*", "ruset", "fyllekjør*", "promille", "sniker", "sjikanerer", "trakasser*",
        "anmeld*", "politianmeld*", "dømt", "bedrar*", "korrupt*", "bestikk*", "smugl*", "dealer*", "langer*",
        "slo", "slår", "banker", "juger", "full", "drikker", "drikk",
    ],
    "first_person": ["jeg", "eg", "meg", "min", "mitt", "mine", "mi", "vi", "me", "oss", "vår", "vårt", "våre", "je",
                     "æ"],
    "second_person": ["du", "deg", "din", "ditt", "dine", "dere", "dykk", "dokker", "dykkar", "deres"],
    "scam_word": [
        "bitcoin*", "btc", "ethereum", "krypto*", "crypto*", "giveaway*", "usdt", "forex", "gavekort*",
        "whatsapp", "telegram", "investering*", "investere", "avkastning*", "utbetaling*", "refusjon*",
        "verifiser*", "viagra", "casino*", "betting", "gratis", "vinn", "vinner", "premie*", "klikk", "trykk",
        "dm", "inbox", "innboks*", "tilbud*", "rabatt*", "kampanje*", "solbriller", "ray", "passiv", "lån",
        "forbrukslån*", "kredittsjekk*", "bankid", "kortnummer", "kortdetaljer", "cvc", "eiendomsmegler*",
    ],
    "threat_trigger": [
        "drep*", "drap*", "skyt*", "skut*", "knivstikk*", "stikk*", "bank*", "denge*", "jule", "slå", "slaa",
        "ihjel", "sprenge*", "spreng*", "brenn*", "fyr", "tenne", "kvel*", "lemlest*", "livet", "knuse",
        "henge*", "henges", "voldta*", "slakte*", "halshugg*", "skalle", "bryte", "bor", "bur", "pass", "kule*",
        "bombe*", "svi", "angre", "dø", "døy", "juling", "trynet", "død", "unngjelde",
    ],
    "weapon": [
        "øks*", "kniv*", "gevær*", "hagle*", "pistol*", "våpen*", "bensin*", "molotov*", "bombe*", "sprengstoff*",
        "balltre*", "jernstang*", "rifle*", "skytevåpen*", "machete*", "kølle*", "flammekaster*", "dynamitt*",
        "ammunisjon*", "tennstikk*", "fyrstikk*", "lighter", "bat", "slagvåpen*",
    ],
    "threat_cue": [
        "lover", "lovar", "konsekvens*", "ellers", "elles", "trygt", "trygg", "adressen", "adressa", "unngjelde",
        "angre", "angra", "hevn*", "oppgjør*", "advart", "advarsel*", "advarer", "åtvara*", "siste", "straff*",
        "skjer", "skje",
    ],
    "group": [
        "mongoer", "retarderte", "utviklingshemmede", "funksjonshemmede", "rapefugees", "muzzer", "sharia",
        "hijab*", "moske*", "negrer", "samefolk*", "sigøynarar", "islam*", "jødisk*", "fremmedkultur*",
        "innvandr*", "muslim*", "jøde*", "jødar*", "somali*", "flyktning*", "asylsøk*", "homo*", "homs*", "lesb*",
        "transpers*", "svarte", "utlending*", "sigøyn*", "romfolk*", "tater*", "polakk*", "litau*", "araber*",
        "arabar*", "afrikan*", "pakistan*", "samer", "samane", "samene", "kvener", "indere", "kinesere",
        "ukrain*", "syrer*", "eritre*", "afghan*", "irak*", "kurder*", "tyrk*", "russer*", "skeive", "funksjonshem*",
        "kristne", "hinduer", "mørkhuda", "brune", "folk", "rumener*", "romani*", "tiggere", "tiggerne",
    ],
    "slur": [
        "nigger*", "niggar*", "neger", "negre", "negrer*", "negeren", "pakkis*", "sandnigger*", "svarting*",
        "sigøynerpakk*", "jødesvin*", "muslimsvin*", "homsepakk*", "untermensch*", "apekatter", "kamelrytter*",
        "kameljockey*", "innvandrerpakk*", "utlendingspakk*", "rasedyr*", "soperpakk*", "skjeggebarn*",
        "lusepakk*", "gjøkunger",
    ],
}


class Lexicon:
    """Token look-up for many word lists at once."""

    def __init__(self, lists: dict[str, list[str]]):
        self.exact: dict[str, set[str]] = {}
        self.prefix: dict[str, set[str]] = {}
        for cat, words in lists.items():
            for w in words:
                w = w.lower()
                if w.endswith("*"):
                    self.prefix.setdefault(w[:-1], set()).add(cat)
                else:
                    self.exact.setdefault(w, set()).add(cat)
        self.lengths = sorted({len(k) for k in self.prefix})
        self._cache: dict[str, tuple[str, ...]] = {}

    def cats(self, tok: str) -> tuple[str, ...]:
        c = self._cache.get(tok)
        if c is not None:
            return c
        out = set(self.exact.get(tok, ()))
        n = len(tok)
        for L in self.lengths:
            if L > n:
                break
            p = self.prefix.get(tok[:L])
            if p:
                out |= p
        c = tuple(sorted(out))
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[tok] = c
        return c

    def scan(self, words) -> dict[str, set[str]]:
        """Category -> the distinct words of that category found among ``words`` (lower-case tokens)."""
        found: dict[str, set[str]] = {}
        cache = self._cache
        for tok in words:
            c = cache.get(tok)
            if c is None:
                c = self.cats(tok)
            for cat in c:
                found.setdefault(cat, set()).add(tok)
        return found


DEFAULT = Lexicon(LISTS)
