"""Build journal_app/data/lexicon.txt.gz, the anonymizer's lexicon of ordinary words and names.

    pip install wordfreq          # at development time only, never in the app
    apt-get install hunspell-fr hunspell-en-ca hunspell-tools
    python tools/build_lexicon.py

Sources (docs/sharing.md, journal_app/data/LEXICON.md): the most frequent words of French and
English from wordfreq's data (Robyn Speer, CC BY-SA 4.0); the French dictionary of Grammalecte /
Dicollecte (hunspell-fr, MPL-2.0), whose entries say which words are first names (po:prn),
surnames (po:patr) and other proper nouns (po:npr); the Canadian English dictionary of SCOWL
(hunspell-en-ca, permissive), whose capitalized entries are proper nouns; and our own names.txt.

Each line is `folded word<TAB>class`, one class letter:
  D  an ordinary word of a dictionary (lower case in hunspell fr or en), frequent
  N  a person's name that is also an ordinary word (pierre, rose, côté)
  P  a person's name only (kevin, tremblay, nguyen)
  L  a frequent place or other proper noun that names no one (montréal, toronto)
  R  a rarer ordinary word of a dictionary (« bouboule », "ached"): with a capital inside a
     sentence it is more likely a name or a nickname than emphasis
  F  frequent in everyday writing but in no dictionary: informal or texting words (tsé, jsuis),
     brands, and names no list has (a capitalized F word is taken for a name)
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import wordfreq

ROOT = Path(__file__).resolve().parents[1]
HUNSPELL = Path("/usr/share/hunspell")
TOP = {"fr": 50_000, "en": 40_000}
PLACE_RANK = 15_000
RARE = 200_000  # how far down the lists a dictionary word is still taken
# Quebec's everyday spoken and texted words, which the written lists miss or rank too low.
QUEBEC = set("""faque fak pantoute icitte tantôt tantot astheure asteure pogné pogner pognée niaiser
niaiseux niaiserie jaser jasé jasait chicaner chicane chialer chiale chialé tanné tannée écoeuré
écoeurée ecoeure ben pis tsé tse chu chus jsuis jsp jpense jveux jvais pcq pk pkoi ptete ptêt
mtn tjrs bcp slt bsr cmt dla dlà kessé quossé quétaine quetaine piasse piasses cenne cennes
blonde chum char dépanneur depanneur magasiner magasinage fin-de-semaine débarbouillette
garrocher garroché achaler achalant bebitte bibitte bébitte toune tounes pitoune ouache ayoye
coudonc bin ouin ouais mautadit maudit câline caline tabarnouche ostifie gosser gossé patenter
patente patenté niaisage enfirouaper frette fret placoter placotage zigonner jaser""".split())
# Names that are more often ordinary words in lower case, whose forms unmunch does not list
# (« c'est claire », « il se marie », « le marc de café »).
ORDINARY_TOO = set("""claire pierre jean guy marine christian marie roger gagné boucher normand lise carole
jacinthe marc serge romain laurent martin olivier bernard réal ella florence fanny josh madeleine
charlotte lorraine benjamin jacques caron julien justin adam louis océane victor rose aimé constance
prudence grace hope faith joy june may april will mark bill rich page sage olive violette blanche
victoire désiré fidèle patience constant léger ange céleste clément dominique claude pascal frank
franche franc gai gaie blanc brun noir petit grand lebrun""".split())
# Quebec's most common family names (Institut de la statistique du Québec's list), some of which
# are words too (« côté », « paradis », « couture »): with a capital, they are names.
sys.path.insert(0, str(ROOT))
from journal_app.lexicon import QUEBEC_SURNAMES  # noqa: E402, I001  (one list: the app reads it too)

# English writes these with a capital, and SCOWL lists them so; they name no one.
CAPITALIZED = set("""i i'm i've i'll i'd january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday god christmas easter
english french spanish german italian chinese japanese korean vietnamese arabic haitian creole
canadian american mexican indian african european asian british irish scottish portuguese
russian ukrainian polish greek jewish muslim christian catholic protestant buddhist hindu
indigenous inuit cree mohawk innu latino latina quebecer quebecker quebecois anglo francophone
anglophone internet bible lord jesus christ mother's father's valentine's halloween
thanksgiving""".split())  # a proper noun of a place below this rank is kept (Montréal); rarer, redacted


def fold(text: str) -> str:
    text = text.replace("’", "'").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def unmunch(name: str) -> list[str]:
    out = subprocess.run(["unmunch", str(HUNSPELL / f"{name}.dic"), str(HUNSPELL / f"{name}.aff")],
                         capture_output=True, check=True).stdout.decode("utf-8", "replace")
    # unmunch writes each form with the flags it still carries (« bienvenue/L'D'Q'| »).
    forms = (w.split("/")[0] for w in out.split())
    return [re.sub(r"^[ldjmnstc]'|^qu'|^lorsqu'|^puisqu'|^jusqu'", "", w) for w in forms if w]


def main() -> None:
    lower: set[str] = set()  # ordinary words, any form
    person: set[str] = set()  # from the French dictionary's tags and names.txt
    capitalized: set[str] = set()  # SCOWL's capitalized entries: names, places, brands
    place: set[str] = set()
    for line in (HUNSPELL / "fr.dic").read_text("utf-8").splitlines()[1:]:
        word, _, rest = line.partition("/")
        word = word.split()[0] if word else word
        if not word or not word[0].isupper():
            continue
        if "po:prn" in line or "po:patr" in line:
            person.add(fold(word))
        elif "po:npr" in line:
            place.add(fold(word))
    for name in ("fr", "en_CA", "en_US"):
        for word in unmunch(name):
            if word[:1].islower():
                lower.add(fold(word))
            elif (word[:1].isupper() and name != "fr" and fold(word) not in place
                  and not (len(word) > 1 and word.isupper())  # DVD, USB, FBI: acronyms
                  and fold(word) not in CAPITALIZED):
                capitalized.add(fold(word))
    lower |= CAPITALIZED | ORDINARY_TOO
    names = (ROOT / "journal_app" / "data" / "names.txt").read_text("utf-8").splitlines()
    person |= {fold(n) for n in names if n and not n.startswith("#")} | {fold(n) for n in QUEBEC_SURNAMES}
    out: dict[str, str] = {}
    common = {fold(w) for lang in TOP for w in wordfreq.top_n_list(lang, 3000)}
    # SCOWL's capitals alone (no list of people has them) that everyone writes: countries,
    # states, peoples, brands (Portugal, Ontario, Swiss, PlayStation): well known, kept.
    known = {fold(w) for lang in TOP for w in wordfreq.top_n_list(lang, 8000)} - person - common
    place |= capitalized & known
    person |= capitalized - common - known  # a frequent word (« va », "will") is no name either
    for lang, n in TOP.items():
        for rank, word in enumerate(wordfreq.top_n_list(lang, n)):
            if not re.fullmatch(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", word) or len(word) < 2 and word not in "aày":
                continue
            word = fold(word)
            if word in person:
                cls = "N" if word in lower else "P"
            elif word in lower:
                cls = "D"
            elif word in place:
                cls = "L" if rank < PLACE_RANK or word in known else "P"
            else:
                cls = "F"
            previous = out.get(word)
            if previous is None or "DNLFP".index(cls) < "DNLFP".index(previous):
                out[word] = cls
    for word in person:  # names rarer than the word lists: still names
        out.setdefault(word, "P")
    # Rarer ordinary words (« sautée », « dyades », "ached"): in a dictionary and in everyday
    # writing, further down the frequency lists; only dictionary words, so no name slips in.
    for lang in TOP:
        for word in wordfreq.top_n_list(lang, RARE):
            word = fold(word)
            if word not in out and word in lower and word not in person:
                out[word] = "R"
    for word in QUEBEC:
        out.setdefault(word, "D")
    lines = "".join(f"{w}\t{c}\n" for w, c in sorted(out.items()))
    target = ROOT / "journal_app" / "data" / "lexicon.txt.gz"
    target.write_bytes(gzip.compress(lines.encode("utf-8"), 9, mtime=0))
    counts = {c: sum(1 for v in out.values() if v == c) for c in "DNPLFR"}
    print(f"{len(out)} words, {target.stat().st_size} bytes: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
