"""Bokmål or nynorsk? A small word-list detector for choosing the reply template's language.

Counts words that exist in only one of the two written standards (ikkje/ikke, eg/jeg, kva/hva...).
Ties and texts without any marker are bokmål, the desk's default. Good enough to pick a template the
user can still switch; not a general language identifier.
"""

import re

NYNORSK = frozenset(
    """
ikkje eg kva korleis kvifor kven kvar kor dykk dykkar berre frå noko nokon mykje heile sjå vere vore
ein eit eitt gjere gjer dei deira ho meir òg skule skulen heim heime veit kjem kome komme_nn fekk
vart blitt_nn kvifor mogleg moglegvis korleis difor sidan saman høyrer høyre spørsmålet_nn svara
eigen eige eigne einaste enno framleis fleire nokre sjølv søknaden_nn takka gong gonger veke veka
kvar einskild berre elles ynskjer ønskjer trur tykkjer synest treng treng_nn lenge_nn igjen_nn
mellom_nn skal_nn ville_nn kunne_nn snakka spurde spurt_nn barnehagen_nn vegen vatn
""".split()
)
BOKMAL = frozenset(
    """
ikke jeg hva hvordan hvorfor hvem hvor dere deres bare fra noe noen mye hele se være vært en et
gjøre gjør de hun mer også skole skolen hjem hjemme vet kommer kom fikk ble hvorfor mulig
derfor siden sammen hører spørsmålet svare egen eget egne eneste ennå fortsatt flere noen selv
gang ganger uke uka hver ellers ønsker tror synes trenger mellom snakke spurte veien vann
""".split()
)

_WORD = re.compile(r"[a-zæøåéèòôâ]+", re.IGNORECASE)


def detect(text: str) -> str:
    """'nn' when the text reads as nynorsk, else 'nb'."""
    nn = nb = 0
    for word in _WORD.findall(text.lower()):
        if word in NYNORSK:
            nn += 1
        elif word in BOKMAL:
            nb += 1
    return "nn" if nn > nb else "nb"
