"""Which words are people's names: a lexicon of ordinary words, and the shape and place of a word.

A list of names can never hold every name (Quebec's communities, nicknames, typos); a list of
the ordinary words of French and English can, nearly. So a word is taken for a name when it is
not an ordinary word and is written like one (a capital inside a sentence), when a list of names
has it and nothing says it is the ordinary word, or when the member's own journal keeps writing
it (journal_app/people.py). What is neither clearly a name nor clearly ordinary is *doubted*:
the consent screen marks it so the member decides with one tap.

The lexicon (journal_app/data/lexicon.txt.gz, about 560 kB) is built at development time by
tools/build_lexicon.py from wordfreq's frequency lists and the hunspell dictionaries; its classes:
D ordinary word, R a rarer ordinary word, N a name that is also an ordinary word, P a name,
L a well-known place, F frequent but in no dictionary (informal words, brands, unlisted names).
"""

from __future__ import annotations

import gzip
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from journal_app.journal import fold

# Words written with a capital that name no one: our practices, tools, holidays, openers.
ORDINARY_CAPITALS = frozenset(fold(w) for w in (
    "Focusing Wholebody Theory Théorie U Presencing Social Theater Theatre Lab ORID Scharmer Gendlin "
    "Zoom Teams Meet Google Slack Signal WhatsApp Facebook Messenger Discord Jitsi Miro Insta Instagram "
    "TikTok Twitter Snap Snapchat LinkedIn YouTube Bluesky Threads Reddit Noël Pâques Halloween "
    "Ressenti Cercle Collectif Dieu God Bon Seigneur Lord Inner Critic Higher Self Ok OK Oui Non Merci "
    "Bravo Salut Allo Allô Bonjour Bonsoir Tsé Coudonc Ben Pis Genre Mdr Lol Omg Idk Btw Ps "
    "Mme M Mr Mrs Ms Dr Dre Me Pr St Ste Mlle Madame Monsieur Docteur Docteure Professeur "
    "Professeure Professor Doctor Sir Mister Miss bday Interac Telegram Viber Zalo WeChat Netflix Costco "
    "Amazon Dollarama Hydro-Québec SAAQ CNESST "
    "Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays "  # "on Tuesdays", « les Mardis »
    "Lundis Mardis Mercredis Jeudis Vendredis Samedis Dimanches").split())
# Function words that may open a sentence or stand in capitals (never a name on their own).
FUNCTION_WORDS = frozenset(fold(w) for w in (
    "je j tu il elle on nous vous ils elles le la les l un une des de du d et ou mais donc car ni "
    "ce cette ces c ça ca cela mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs qui que "
    "quoi quand comment pourquoi où si en y à au aux avec pour par sur sous dans chez vers pis tsé "
    "i you he she it we they me him her us them my your his its our their the a an and or but so "
    "if when then this that these those with for from to of in on at by as is was are were be "
    "le-la après avant aussi alors puis hier demain ensuite enfin today yesterday tomorrow "
    "comme selon like").split())
# Particles inside a name: « Anneliese van der Berg », « Ahmad bin Said », « Marie de la Roche ».
_PARTICLES = frozenset("van der den de da del della di du des la le los las dos das do von bin ben ibn al el te ter "
                       "st ste saint sainte mac mc o".split())
# After a name opening a sentence: what a person does (« Kiki était là », "Bashir asked").
_PREDICATES = frozenset(v for w in (
    "a avait est était sera m' m'a m’a s' s'est lui nous vous me te se et pis aussi avec va vient "
    "fait dit pense trouve semble reste arrive part parle pleure rit m'avait n'a n'est "
    "has had is was will would said says told asks asked thinks thought and also "
    "laughed cried called texted spoke brought looked wants wanted seems seemed").split() for v in (w, fold(w)))
_PAST_MORE = frozenset("sent left got kept felt lost found stayed drove called yelled".split())
_PAST_IRREGULAR = frozenset("led sang spoke came went gave took made sat brought held read wrote shared taught".split())
# What a person does, after a name that is also a word opening a sentence ("Julien came home",
# "Ruth had us pause", "Claire would call that…"): removed and doubted, unless the word is one
# people give a capital to as a thing they feel or a time of year ("Joy came in sideways", "Hope
# was", "Summer had…").
_MODALS = frozenset("had would will has was could should can".split())
CONCEPTS = frozenset(fold(w) for w in (
    "joy grace hope faith patience peace love trust charity mercy serenity harmony destiny will may june "
    "april august summer autumn winter spring dawn honor honour truth clarity courage wisdom presence "
    "silence spirit sky rain storm star sunny prudence constance liberty justice fortune victory glory "
    "felicity unity bliss nature earth river ocean rose iris").split())
_COPULAS = frozenset(v for w in "a avait est était sera va fait has had is was will would also aussi".split()
                     for v in (w, fold(w)))
# The first words of Quebec's (and Canada's) compound place names: « Sainte-Émélie »,
# « Lac-Etchemin », « Val-Racine », « Mont-Laurier », « Notre-Dame-de-Lourdes ».
_TOWN_HEADS = frozenset("saint sainte st ste lac val mont notre pointe baie cap riviere port fort grand grande petit "
                        "grosse gros haute haut bas basse "
                        "petite ile iles isle anse sault chute chutes east west north south new upper lower".split())
# … of which these say a place whatever follows (« mont-tremblant », « Pointe-Lebel », « lac-supérieur »);
# after an article, a thing (« un lac-à-l'épaule »).
PLACE_HEADS = frozenset("lac val mont pointe baie cap riviere port fort ile iles isle anse sault chute chutes "
                         "grosse gros haute haut bas basse".split())
_ELIDED = re.compile(r"^(?:[ldjmntsc]|qu)'")
# A short capitalized word that begins a listed first name (« Gab », « Kev », "Deb", "Sal") is a
# nickname when what follows says a person; three letters or four, so « Mo » needs « et moi ».
_STRONG_PREDICATES = frozenset(("s'est ", "s’est ", "ma dit ", "ma texté ", "ma texte ", "ma écrit ",
    "ma appelé ", "ma demandé ",
    "m'a ", "m'avait ", "texted ", "told ", "said ", "asked ", "called ", "hugged ", "cried ", "laughed "))
_STRONG_START = re.compile("|".join(map(re.escape, sorted(_STRONG_PREDICATES, key=len, reverse=True))))
# Words after which a lower-case word no dictionary holds as ordinary is someone.
_PERSON_BEFORE = frozenset(fold(w) for w in (
    "chum blonde conjoint conjointe coloc voisin voisine amie ami soeur sœur frère frere cousin "
    "cousine collègue collegue boss patron patronne avec texté texte appelé appelle reconduit "
    "friend buddy bff sister brother cousin colleague coworker neighbour neighbor roommate boss "
    "partner boyfriend girlfriend husband wife with w texted called drove").split())
# After a word, what says it is someone: "Sparky, the guy with the guitar", « Ti-Lou, la fille d'en haut ».
# Someone's relatives, neighbours and workmates, as an appositive says them.
_RELATIVES = (r"neighbou?r|friend|voisine?|fils|daughter|son|mother|mère|mere|father|père|pere|sister|s(?:œ|oe)ur|"
              r"brother|fr[èe]re|cousine?|wife|husband|mari|chum|blonde|amie?|coll[èe]gue|co-?worker|colleague|boss|"
              r"aunt|tante|oncle|uncle|grandma|grandpa|grand-m[èe]re|grand-p[èe]re|niece|ni[èe]ce|nephew|neveu|"
              r"child|enfant|partner|conjointe?|coloc|roommate")
_APPOSITION = re.compile(r",\s(?:the|a|le|la|un|une|cette|ce)\s(?:guy|gars|woman|femme|man|homme|lady|dame|girl|fille|"
                         r"boy|garçon|kid|one|old|vieux|vieille|grande?|petite?|jeune|young)\b|"
                         rf",\s(?:my|our|his|her|their|mon|ma|notre|son|sa|le|la|the)\s(?:{_RELATIVES})\b",
                         re.IGNORECASE)
# … or their job: "Jacques, the harbour master in Caraquet,", « Sunny, la nouvelle préposée, ».
_APPOSED_WORDS = re.compile(r",\s(?:the|a|an|le|la|l['’]|un|une|notre|our|my|mon|ma)\s?"
                            r"(?P<words>[^\W\d_][\w-]*(?:\s[^\W\d_][\w-]*){0,2})")


def _job_apposed(text: str, at: int) -> bool:
    """Is the word ending at `at` followed by an appositive that says a job?"""
    m = _APPOSED_WORDS.match(text, at, at + 60)
    if m is None:
        return False
    words = [fold(w) for w in m.group("words").split()]
    return any(" ".join(words[i:j]) in jobs_folded() for i in range(len(words)) for j in (i + 1, i + 2))


# … and, for a word that opens its sentence, a relative of someone named, set apart by two commas:
# « Rami, le frère de Nadia, », "Rose, the daughter of Tom," (not "Outside, the sister of Anne was…").
_APPOSITION_OF = re.compile(rf",\s(?:the|le|la|l['’])\s?(?:fille|femme|{_RELATIVES})"
                            r"\s(?:de|du|d['’]|of)\s?[A-ZÀ-Ý][\w'’-]*(?:\s[A-ZÀ-Ý][\w'’-]*)?,")  # closed by its comma
# Letters of Vietnamese, Polish, Czech, Turkish, Romanian, Nordic… spellings, in no French or
# English word: a word holding one is nobody's ordinary word here, whatever it folds to.
_FOREIGN_LETTERS = re.compile("[ãõĩũÃÕĨŨơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐłŁøØşŞğıąężźśćńčšžřěůășțőűåÅ"
                              "ƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸŚĆŃČŠŽŘĚŮĂȘȚŐŰŻŹĄĘ]")
# A short month before a day (« janv. 12 », "Jan. 12"), not a name.
_MONTH_SHORT = frozenset("jan janv feb fev fevr mar apr avr jun jul juil aug sep sept oct nov dec".split())
# Opening a sentence, not the first word of a name (« Finalement Kwame a dit », "Monday Ruth said").
_NOT_FIRST = frozenset(fold(w) for w in (
    "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday "
    "saturday sunday janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre january february march april may june july august september october november december "
    "pourtant maybe still even just only once cette encore même ici there here pis bon ben ok selon d'après "
    "afterwards afterward tonight later soon thanks merci grâce sadly luckily during pendant depuis since").split())
# Doubled syllables in lower case that are ordinary words, not nicknames (« faire dodo »).
_BABY_WORDS = frozenset("papa mama bebe dodo bobo pipi caca tata tonton pepe meme nana nono gaga bonbon "
                        "couscous chichi yoyo tutu dada lala haha hehe hihi hoho blabla bla coucou "
                        "cancan tamtam tictac toutou nounou mimi cece".split())
_CLITICS = frozenset("vous nous moi toi tu il ils elle elles on je le la les lui leur y en t ce".split())
_CONJUNCTIONS = frozenset(("et", "pis", "and", "&", "ou", "or"))
_DETERMINERS = frozenset(fold(w) for w in (
    "le la les l un une ma mon mes ta ton tes sa son ses notre votre leur ce cette du des "
    "the a an my your his her our their this that").split())
# A colon inside a word belongs to it: « Kahnawà:ke », « Tiohtià:ke ».
_TOKEN = re.compile(r"[^\W\d_]+(?:(?:[-'’]|:(?=[^\W\d_A-Z]))[^\W\d_]+)*")
_ELISION = re.compile(r"^(?:[ldjmntsc]|qu|lorsqu|puisqu|jusqu)['’](?=[^\W\d_])", re.IGNORECASE)
# Where sentences start: after their end (or a colon, a semicolon, a line), spaces and an
# opening quote, bracket or dash; found once per text, not once per word.
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n])\s*(?:[«“\"(—–-]\s*)?(?=\S)")
# A name of the lists in a set phrase that names no one: « Je vous salue Marie », "Hail Mary",
# a Bible verse (« Jean 3,16 », "John 3:16").
_SET_PHRASES = re.compile(
    r"\bsalue,?\s+Marie\b|\bHail\s+Mary\b|\bAve\s+Maria\b|"
    r"\b(?:Jean|John|Luc|Luke|Marc|Mark|Matthieu|Matthew|Paul|Pierre|Peter)\s+\d{1,3}(?:\s?[,:.]\s?\d{1,3})?\b")


_PARTICIPLE = re.compile(r"\w+(?:é|ée|és|ées|u|ue|us|i|ie|is|it|ed|en)")
_PLURAL_COPULAS = frozenset("are were sont etaient seront".split())
_LOWER_I = re.compile(r"(?<![\w'’])i(?![\w'’])")
_WITH_ME = re.compile(r"\s(?:et|pis|and|&)\s(?:moi|me|I)\b", re.IGNORECASE)
# A relative said as a name, before « pis moi » (« maman pis moi », "mom and i"): no one to hide.
_KIN_SAID = frozenset(fold(w) for w in (
    "maman papa mom dad mommy daddy mama grand-maman grand-papa mémère pépère grandma grandpa nana papi mamie "
    "mom's dad's chum blonde boss hubby wifey moman popa matante mononcle sis bro babe bae").split())
_NOT_ME = frozenset("toi vous nous lui elle eux you dieu god".split())  # « toi et moi »
_NOT_PERSON_VERBS = frozenset("et pis and also aussi avec lui nous vous me te se m' s'".split())


def _uncapped(text: str, at: int, starts: list[int], seen: dict[int, bool]) -> bool:
    """Is the sentence holding `at` written without capitals (« i think », « pis la »)? Each
    sentence is read once (`seen`), so a long text without a full stop stays linear."""
    k = bisect_right(starts, at) - 1
    if k not in seen:
        begin = starts[k] if k >= 0 else 0
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        sentence = text[begin:end]
        seen[k] = sentence[:1].islower() or _LOWER_I.search(sentence) is not None
    return seen[k]


@cache
def _name_heads() -> frozenset[str]:
    """The first three and four letters of the listed first names and surnames (« gab », « kev »)."""
    return frozenset(k[:n] for k, v in lexicon().items() if v == "P" for n in (3, 4) if len(k) >= n + 2)


# Quebec's everyday words that the dictionaries behind the lexicon leave out, many of them the
# words of feeling of a tired member (« être à boutte », « avoir le motton », « se faire
# bardasser »): ordinary words, kept, never taken for a name in no list.
_QUEBEC_ORDINARY = frozenset(fold(w) for w in (
    "boutte motton tabarnak calisse esti estie viarge taponner taponnage taponne bebelle bebelles tiguidou "
    "drette toutte mautadine mouman popa moman boboche kétaine beubé bécosse bécosses braillage chialeux "
    "maganée magané maganés bardasser bardassé bardassée badtrip flabe gossant téteux téteuse écornifler "
    "frencher smatte smat paqueté paquetée chaudaille pognant varger fucké fuckée rushant rushé checké "
    "jasette placotage niaisage tannante écoeurement écœurement décrisser décâlisser débarque capotée "
    "pantoute astheure icitte asteure ousque pentoute pantout toé moé ouin ouais bof pfff "
    "lac-à-l'épaule lac-à-l’épaule").split())
# What a phone's shorthand says, not who: "nvm found it", "idk got lost".
_TEXTING = frozenset("nvm idk tbh omg lol btw imo smh ngl fyi jk ikr brb irl wtf ofc tmrw ttyl afaik lmao mdr "
                     "ptdr jsp jpp tkt svp stp".split())
_J_FORMS = frozenset("ai avais etais suis sais vais veux peux dois fais vas".split())
# Everyday words of the languages Quebec's circles speak besides French and English, which the
# dictionaries leave out (greetings, kin, food, faith): Haitian Creole, Atikamekw, Innu and Cree,
# Inuktitut, Vietnamese, Spanish, Arabic and Tagalog words written in Latin letters.
COMMUNITY_WORDS = frozenset(fold(w) for w in (
    "bondye mèsi mesi konnen manje diri pwa lakay fanmi zanmi kijan ou mwen nou yo sa bagay bèl bon "
    "anpil kounye a soup joumou griyo pikliz djon kreyòl kreyol ayiti lavi kè ke tanpri souple "
    "kwe kwei mikwetc miguetc tshinashkumitin niaut kokom kokum mishomis nokomis mushum meegwetch miigwech "
    "chiniskomitin wachiya wachiye kuei nitanish nikawi nohtawi atikamekw nehirowisiw innu innus ilnu "
    "anishinaabe cri eeyou iiyiyiu inuk inuit inuktitut nakurmiik qujannamiik ullaakkut ataata anaana "
    "má ba con chị anh em ơi phở bánh chưng mì tết áo dài nước mắm cơm xin chào cảm ơn bà ông "
    "abuela abuelo abuelita mija mijo querida querido cariño gracias dios mío chévere mamá papá "
    "habibi habibti yalla inshallah hamdoulah hamdullah salam khalti khalto teta jedda "
    "lola lolo ate kuya tito tita salamat po opo mahal kita ingat "
    "joual tabarnouche sacrament bine binerie").split())
# Capitalized words that name a time or a language, not a place: "in June", « en Français ».
CALENDAR = frozenset(fold(w) for w in (
    "lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet "
    "août septembre octobre novembre décembre monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december "
    "french english spanish français anglais espagnol christmas easter présence presence silence "
    "focusing").split())
# Before a month, what says it is one: "in June", "since May", « depuis Avril ».
_WHEN = frozenset("in since until till last next this early late mid en depuis jusqu'en".split())  # not "by April"
# Before a capitalized word, what says a place: "starting over in Cobalt", « vit seule a Saint-Paulin »
# (as written: « a » is "a").
_PLACE_BEFORE = frozenset("from in near à au aux vers près pres outside around depuis".split())
# After a word, an age says a person: « rosalie (7 ans) », "Bridget O'Malley, 79, from…".
_AGE_AFTER = re.compile(r"\s*(?:\(\s*\d{1,3}\s*(?:ans?|yo|y\.o\.|years?(?: old)?)?\s*\)|,\s*\d{1,3}\s*"
                        r"(?:ans|yo|years? old)?\s*,)")
# Quebec's most common family names (also read by tools/build_lexicon.py), some of them words too (« côté »,
# « parent », « plante »): after a first name in lower case, a family name (« helene cote »).
QUEBEC_SURNAMES = frozenset(fold(w) for w in (
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger "
    "Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier "
    "Fournier Lapointe Leclerc Lefebvre Poulin Thibault Nadeau Martin Landry Martel Bédard Grenier "
    "Lessard Bernier Richard Michaud Hébert Desjardins Couture Turcotte Lachance Parent Blais Gosselin "
    "Savard Proulx Beaudoin Demers Perreault Boudreau Lemieux Cyr Perron Dufour Dion Mercier Bolduc "
    "Bérubé Boisvert Langlois Ménard Therrien Plante Bilodeau Blanchette Dussault Champagne Paradis "
    "Fortier Vallée Lacroix Labelle Brassard Lemay Deschênes Rousseau Guay Charbonneau Tessier "
    "Lambert Vachon Leduc Chabot Poitras Allard Brunet Laflamme Picard Labrecque Lalonde Robitaille "
    "Larouche Ouimet Gingras Grégoire Marcotte Rioux Vézina Houle Boily").split())
# Who says something without being anyone in particular: "Everyone said", « Maman m'a dit ».
_GENERIC_PEOPLE = frozenset(fold(w) for w in (
    "everyone everybody someone somebody nobody anyone anybody people mom mum dad mother father grandma "
    "grandpa granny nana papa maman mama mère père grand-mère grand-père teacher doctor nurse boss "
    "facilitator animatrice animateur tout tous toutes personne quelqu'un quelqu’un chacun chacune "
    "elle il they he she we you i on nous vous ils elles the my our his her their everything nothing "
    "something all both each one two three some many few most another other others").split())
# "and" as texting writes it, between two people: « arjun n simran », "jess & kim".
_TEXTED_AND = (_CONJUNCTIONS - {"ou", "or"}) | {"n"}
_NAMING = frozenset(fold(w) for w in "named nommé nommée nommes appelle appelait prénommé prénommée".split())
_HAS_AGE = re.compile(r"\s+(?:a|aura|avait|has|turns|turned|is|was|est)\s+\d{1,3}\s*(?:ans|an|years?|yo|y\.o\.)?"
                      r"(?=[\s,.;!?)]|$)")
# What people say or do, after a well-known place's name that is someone's too ("Diego says").
_SPEAKS = frozenset(fold(w) for w in "says said told asked thinks texted wants dit pense trouve".split())


@cache
def lexicon() -> dict[str, str]:
    raw = resources.files("journal_app").joinpath("data/lexicon.txt.gz").read_bytes()
    words = dict(line.split("\t", 1) for line in gzip.decompress(raw).decode("utf-8").splitlines())
    for word in _QUEBEC_ORDINARY:
        words.setdefault(word, "D")
    return words


@dataclass(frozen=True)
class Found:
    names: list[tuple[int, int]]
    doubts: list[tuple[int, int]]  # every doubted word, redacted (in `unsure`) or not
    unsure: list[tuple[int, int]] = field(default_factory=list)  # in no list: redacted, and doubted


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class People:
    """Names this member writes about (the vault's memory of people), matched however they are
    spelled: folded (case and accents) and within one edit (a typo) for names of 5 letters or more."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = tuple(names)
        self.exact: set[str] = set()
        self.deletes: dict[str, str] = {}
        for name in self.names:
            for part in _TOKEN.findall(name):
                key = fold(part)
                if len(key) < 2 or key in FUNCTION_WORDS:
                    continue
                self.exact.add(key)
                if len(key) >= 5:
                    for d in _deletes(key) | {key}:
                        self.deletes.setdefault(d, key)

    def knows(self, key: str) -> bool:
        if key in self.exact:
            return True
        if not 5 <= len(key) <= 24 or not self.deletes:
            return False
        return key in self.deletes or any(d in self.deletes for d in _deletes(key))


def _near_listed_name(key: str) -> bool:
    """One edit from a name of the lexicon (« Sylvei », « Ophlie »): tried word by word, only for
    the few unknown words opening a sentence, rather than a table of every name's neighbours
    (which took most of the lexicon's loading time)."""
    if not 5 <= len(key) <= 24:  # no name is longer; a 100,000-letter "word" must stay linear
        return False
    lex = lexicon()
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    edits = [a + b[1:] for a, b in splits if b] + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    edits += [a + c + b[1:] for a, b in splits if b for c in letters] + [a + c + b for a, b in splits for c in letters]
    return any(lex.get(e) == "P" for e in edits)


def _edits(key: str) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    edits = [a + b[1:] for a, b in splits if b] + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    return edits + [a + c + b[1:] for a, b in splits if b for c in letters] + [a + c + b for a, b in splits
                                                                                for c in letters]


@cache
def public_figures() -> frozenset[str]:
    """The public figures a member names as such (data/public_figures.txt), as they are written."""
    raw = resources.files("journal_app").joinpath("data/public_figures.txt").read_text("utf-8")
    return frozenset(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@cache
def public_names() -> frozenset[str]:
    """Names everyone shares, holidays, regions, rivers, countries (data/public_names.txt)."""
    raw = resources.files("journal_app").joinpath("data/public_names.txt").read_text("utf-8")
    return frozenset(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@cache
def _town_keys() -> frozenset[str]:
    """Every name of data/towns_ca.txt as `town_key` gives it."""
    raw = resources.files("journal_app").joinpath("data/towns_ca.txt").read_text("utf-8")
    return frozenset(town_key(line) for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@cache
def towns() -> frozenset[str]:
    """Canada's towns and villages (data/towns_ca.txt, GeoNames), folded, hyphens and apostrophes
    as spaces (« saint come liniere », "campbell s bay"), the well-known cities of the lexicon left
    out (they point to no one)."""
    lex = lexicon()
    out = set()
    for key in _town_keys():
        words = [w for w in key.split() if w not in ("saint", "sainte", "notre", "dame")]
        ordinary = all(lex.get(w) in ("D", "R") or w in FUNCTION_WORDS for w in words)
        if (lex.get(key.replace(" ", "-")) != "L" and lex.get(key) != "L" and key not in _CITIES
                and not (ordinary and len(words) == len(key.split()))):  # not "hope", "high level", "city park"
            out.add(key)
    return frozenset(out)


@cache
def ordinary_towns() -> frozenset[str]:
    """The towns `towns()` leaves out because their names are ordinary words ("low", "hope",
    « la pêche »): a town only where a province follows (« low, quebec »)."""
    lex = lexicon()
    return frozenset(k for k in _town_keys() - towns() if k not in _CITIES and lex.get(k) != "L"
                     and lex.get(k.replace(" ", "-")) != "L")


# Canada's cities of some 45,000 people or more: where they are says little about who (the
# labelled sets do not count them), beside the lexicon's well-known places.
_CITIES = frozenset((
    "toronto|montreal|calgary|ottawa|edmonton|winnipeg|mississauga|vancouver|brampton|hamilton|surrey|quebec|"
    "halifax|laval|london|markham|vaughan|gatineau|saskatoon|kitchener|longueuil|burnaby|windsor|regina|"
    "oakville|richmond|richmond hill|burlington|oshawa|sherbrooke|sudbury|greater sudbury|abbotsford|levis|"
    "coquitlam|barrie|saguenay|kelowna|guelph|trois rivieres|whitby|cambridge|saint catharines|milton|langley|"
    "kingston|ajax|waterloo|terrebonne|saanich|saint john s|thunder bay|delta|brantford|chatham|red deer|"
    "nanaimo|pickering|lethbridge|kamloops|saint jean sur richelieu|niagara falls|sydney|chilliwack|brossard|"
    "maple ridge|newmarket|repentigny|peterborough|moncton|saint john|victoria|drummondville|saint jerome|"
    "granby|fredericton|blainville|mirabel|shawinigan|dollard des ormeaux|chateauguay|saint hyacinthe|"
    "charlottetown|north vancouver|sault sainte marie|sarnia|wood buffalo|fort mcmurray|prince george|"
    "medicine hat|grande prairie|airdrie|halton hills|welland|north bay|belleville|cornwall|timmins|"
    "saint albert|dieppe|rimouski|victoriaville|mascouche|beloeil|montreal nord|montreal est|montreal ouest|"
    "quebec city|"
    # and places known the world over, that a Canadian village shares or a visitor names
    "paris|florence|dublin|delhi|vienna|athens|berlin|dresden|stratford|oxford|lisbon|warsaw|moscow|belfast|"
    "glasgow|aberdeen|york|new york|rome|naples|venice|cairo|lima|santiago|havana|manila|hanoi|beirut|damascus|"
    "whistler|banff|jasper|tofino|niagara|niagara on the lake|mont tremblant|tremblant|chinatown|"
    "vieux montreal|vieux quebec|old montreal"
).split("|"))


def town_key(words: str) -> str:
    """A place's name as `towns()` holds it: folded, « st », « ste » said in full, one space
    between its words."""
    parts = re.split(r"[\s'’.-]+", fold(words))
    return " ".join({"st": "saint", "ste": "sainte", "mt": "mont"}.get(p, p) for p in parts if p)


@cache
def jobs() -> frozenset[str]:
    """Jobs and callings that say who someone is beside their workplace (data/jobs.txt), lower case."""
    raw = resources.files("journal_app").joinpath("data/jobs.txt").read_text("utf-8")
    return frozenset(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@cache
def jobs_folded() -> frozenset[str]:
    """`jobs()` folded, as the words of a text are looked up (« préposée » as « preposee »)."""
    return frozenset(fold(j) for j in jobs())


def typo_of_a_word(key: str) -> bool:
    """A word in lower case that no list holds, but one letter away from a common word of the
    dictionaries (« tonite », "nervus", "baloon", "becuz", "agian") or glued to an elision
    (« cetait », « lexercice », « lhopital », « quil »): a typo or texting, not a name. Five
    letters at least (« dan », « lan » stay names), never one letter from a listed name."""
    if not 5 <= len(key) <= 24:
        return False
    lex = lexicon()
    for head in ("jusqu", "qu", "l", "d", "j", "m", "t", "s", "c", "n"):
        rest = key[len(head):]
        if key.startswith(head) and len(rest) >= 3 and lex.get(rest) in ("D", "R", "F"):
            return True
    edits = _edits(key)
    return not any(lex.get(e) == "P" for e in edits) and sum(lex.get(e) == "D" for e in edits) >= 1


def find_names(text: str, people: People | None = None) -> Found:
    """People's names (and small places, which point to people as much) and the doubted words."""
    lex = lexicon()
    people = people or People()
    tokens: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        start, word = m.start(), m.group()
        if not any(c.isalpha() for c in word):
            continue  # « 4½ »: a number's fraction, no word
        e = _ELISION.match(word)
        if e:
            start, word = start + e.end(), word[e.end():]
        if word[-2:] in ("'s", "’s"):
            word = word[:-2]
        tokens.append((start, start + len(word), word))
    set_phrase = [m.span() for m in _SET_PHRASES.finditer(text)]
    starts = {m.end() for m in _SENTENCE_START.finditer(text)}
    starts_sorted = sorted(starts)
    uncapped_seen: dict[int, bool] = {}
    # Sentences written all in capitals (« LA FATIGUE EST LÀ ») say nothing by their capitals.
    shouting = {i for i, (a, b, w) in enumerate(tokens) if w.isupper() and len(w) > 1}
    verdict: list[str] = []  # "name", "doubt", "unsure", ""
    opening: set[int] = set()  # the tokens opening a sentence
    keys = [fold(w) for _, _, w in tokens]

    def acts_after(j: int) -> bool:
        """Whether token j is a word in no dictionary before a verb in the past ("simran danced")."""
        if j + 1 >= len(tokens) or lex.get(keys[j]) not in (None, "F") or keys[j] in FUNCTION_WORDS:
            return False
        verb = tokens[j + 1][2].lower()
        return (len(verb) > 4 and verb.endswith("ed") and lex.get(fold(verb)) in ("D", "R")
                or verb in _PAST_IRREGULAR)

    for i, (a, b, word) in enumerate(tokens):
        key = keys[i]
        cls = lex.get(key)
        if (cls is None and key.endswith("s") and lex.get(key[:-1]) == "D"
                and (i == 0 or fold(tokens[i - 1][2]) not in ("the", "les"))):
            cls = "D"  # a plural: "on Sundays" (but "the Bakers" are a family)
        if (cls in (None, "F") and word.islower() and len(key) > 2 and key[0] == "j"
                and (lex.get(key[1:]) in ("D", "R", "F") or key[1:] in _J_FORMS)):
            cls = "D"  # texting's « j' » glued to its verb: « jreste », « jentends », « jle »
        if cls is None and key in COMMUNITY_WORDS:
            cls = "D"
        if cls and _FOREIGN_LETTERS.search(word) and key not in FUNCTION_WORDS and key not in COMMUNITY_WORDS:
            cls = None  # letters no French or English word holds: « Võ », « Łutselk'e », « Đặng »
        if cls is None and "-" in key:  # « Jean-Baptiste », « Saint-Onge », « Lac-Mégantic »
            pieces = key.split("-")
            while len(pieces) > 1 and pieces[-1] in _CLITICS:  # « représentiez-vous », « dis-moi »
                pieces.pop()
            if len(pieces) == 1:
                cls = lex.get(pieces[0]) or ("R" if word[:1].islower() else None)
        if cls is None and "-" in key:
            # « lac-à-l'épaule »: a part's elision is not the part (« l'épaule » is « épaule »).
            parts = [lex.get(_ELIDED.sub("", p)) for p in key.split("-")]
            capitals = sum(p[:1].isupper() for p in word.split("-"))
            if key.startswith("ti-"):  # a Quebec diminutive: « Ti-Guy », « ti-loup »
                cls = "P"
            elif (key.split("-")[0] in ("saint", "sainte", "st", "ste") and None not in parts
                  and len(parts) == 2 and i and keys[i - 1] in _DETERMINERS and keys[i - 1] != "a"):
                cls = "L"  # « la Saint-Jean », « le Saint-Laurent » (a town takes no article: « à Saint-Zénon »)
            elif (i and keys[i - 1] in _DETERMINERS and tokens[i - 1][2] not in ("à", "À")
                  and None not in parts and "P" not in parts):
                cls = "D" if all(p in ("D", "R") for p in parts) else "N"  # « un lac-à-l'épaule », « le Saint-Esprit »
            elif key.split("-")[0] in _TOWN_HEADS and (len(parts) >= 3 or parts[1] in ("P", "N", None)
                                                      or key.split("-")[0] in PLACE_HEADS
                                                      or key.split("-")[0] in ("saint", "sainte", "st", "ste")
                                                      and (word[:1].isupper() or key.split("-")[0] in ("st", "ste")
                                                           or i and tokens[i - 1][2].lower() in _PLACE_BEFORE | {"a"})):
                # « à Saint-Paulin », « Mme Saint-Fleur »: without an article, a town or a family name
                cls = "P"  # a town, in any case: « st-jean-port-joli », « Val-Racine », « Lac-Etchemin »
            elif "P" in parts or None in parts or len(parts) >= 3 and capitals >= 2:  # « Notre-Dame-du-Portage »
                cls = "P"
            else:  # « Saint-Jean », « Jean-Baptiste »: ordinary words, or names that are words too
                cls = "D" if all(p == "D" for p in parts) else "N"
        half = len(key) // 2
        if len(key) in (4, 6) and key[:half] == key[half:] and cls in ("D", "R", "N", "F") and word[:1].isupper():
            cls = "F"  # a doubled syllable with a capital is a nickname: Kiki, Loulou, Coco, Mimi
        if key in _MONTH_SHORT and re.match(r"\.?\s{0,2}\d", text[b:b + 4]):
            verdict.append("")  # « janv. 12 », "Jan. 12"
            continue
        if len(key) < 2 or key in FUNCTION_WORDS or any(s <= a < e for s, e in set_phrase):
            verdict.append("")
            continue
        if key in ORDINARY_CAPITALS:
            # « Ben » is « well » in Quebec, and a name: before what people do (« Ben a pleuré »),
            # removed and doubted.
            after = tokens[i + 2][2].lower() if i + 2 < len(tokens) else ""
            acting = i + 1 < len(tokens) and keys[i + 1] in _COPULAS and _PARTICIPLE.fullmatch(after) is not None
            if cls in ("N", "P") and word[:1].isupper() and not word.isupper() and acting:
                verdict.append("unsure")
                continue
            verdict.append("")
            continue
        if key in CALENDAR and i and keys[i - 1] in _WHEN:
            verdict.append("")  # "in June", "since May", « depuis Avril »: a month, not April or June
            continue
        near = {j for j in (i - 1, i + 1) if 0 <= j < len(tokens)}
        in_shouting = i in shouting and sum(j in shouting for j in near) >= 1
        capital = word[:1].isupper() and not in_shouting
        following = text[b:b + 12].lstrip().lower().replace("’", "'")
        strong = _STRONG_START.match(following) is not None
        prev = keys[i - 1] if i else ""
        then = fold(tokens[i + 1][2]) if i + 1 < len(tokens) else ""
        if word.isupper() and len(word) <= 5 and cls in (None, "F", "D") and not in_shouting:
            # An acronym (CLSC, CPE, TDAH, RAMQ), unless two or three initials say someone:
            # « JF m'a texté », « selon MC », "TJ said", « Gab pis moi ».
            initials = len(word) <= 3 and (strong or prev in _PERSON_BEFORE or _WITH_ME.match(text, b)
                                           or len(word) == 2 and (a in starts or prev in _CONJUNCTIONS)
                                           and (then in _PREDICATES or then in _PAST_MORE or then in _PAST_IRREGULAR)
                                           and then not in _NOT_PERSON_VERBS)  # "and PL left the light on"
            verdict.append("name" if initials else "")
            continue
        if (prev in _CONJUNCTIONS and i >= 2 and verdict[i - 2] == "name" and capital and not word.isupper()
                and cls not in ("L",) and key not in ORDINARY_CAPITALS and key not in _NOT_ME
                and key not in CALENDAR):
            verdict.append("name")  # « Pinotte pis Biscuit », "Noah and Liam"
            continue
        if prev in _NAMING and (capital or cls in (None, "N", "F", "P")) and key not in FUNCTION_WORDS:
            verdict.append("name")  # "a girl named Sunny", « s'appelle Marée »
            continue
        # Beside « et moi », "and I": someone (« Mo pis moi », "Kev and I"); a word that is also an
        # ordinary one or a name that is a word ("Hope and I", « Rose et moi ») is removed and doubted.
        if (capital and not word.isupper() and cls != "L" and key not in _NOT_FIRST and key not in _NOT_ME
                and _WITH_ME.match(text, b)):
            verdict.append("unsure" if cls in ("D", "N") else "name")
            continue
        # The same typed in lower case, opening its sentence (« sky pis moi on a adopté un chien »):
        # removed and doubted (not « maman pis moi », « ça pis moi », « stress pis moi »: an ordinary word).
        if (a in starts and word.islower() and cls in (None, "F", "N", "P") and key not in FUNCTION_WORDS
                and key not in _TEXTING and key not in _NOT_FIRST
                and key not in _NOT_ME and key not in _BABY_WORDS and key not in _KIN_SAID and _WITH_ME.match(text, b)):
            verdict.append("unsure")
            continue
        opens = a in starts
        if opens:
            opening.add(i)
        prev = keys[i - 1] if i else ""
        # What follows a word opening a sentence says whether it is someone: a verb of people
        # (« Kiki était là », "Bashir asked"), a possessive ("Yusuf's daughter"), a family name.
        nxt = tokens[i + 1][2].lower().replace("’", "'") if i + 1 < len(tokens) else ""
        possessive = text[b:b + 2] in ("'s", "’s")
        nxt_capital = (i + 1 < len(tokens) and tokens[i + 1][2][:1].isupper() and keys[i + 1] not in FUNCTION_WORDS
                       and text[b:tokens[i + 1][0]].strip() == "")
        # … or, for a word in no dictionary, an English verb in the past ("Tamsin offered"; not
        # "Joy showed up").
        past = (len(nxt) > 4 and nxt.endswith("ed") and lex.get(fold(nxt)) in ("D", "R") or nxt in _PAST_IRREGULAR
                or nxt in _PAST_MORE) and cls in (None, "F") and key not in _TEXTING  # "wes got suspended"
        # A name that is also a word (« Summer is my favourite season ») needs more than a copula.
        weak = cls == "N" and nxt in _COPULAS
        if nxt in _CONJUNCTIONS:  # « Marie et moi », "Coco and Bibi"; not "Faith and doubt"
            after = tokens[i + 2][2] if i + 2 < len(tokens) else ""
            person_next = after[:1].isupper() or after.lower() in ("moi", "me", "i", "lui", "elle", "him", "her")
            # Two words of the N class given capitals, then a verb that is not one of people: "Joy
            # and Grace are what I want" (words, doubted); « Marie et Pierre sont venus » (people).
            link = keys[i + 3] if i + 3 < len(tokens) else ""
            then = tokens[i + 4][2].lower() if i + 4 < len(tokens) else ""
            if (cls == "N" and i + 2 < len(tokens) and lex.get(keys[i + 2]) == "N" and link in _PLURAL_COPULAS
                    and not _PARTICIPLE.fullmatch(then)):
                person_next = False
        else:
            person_next = (nxt in _PREDICATES and not weak) or possessive or nxt_capital or past
            # "Pete from the circle", « Gilles (le gars de… »: someone, for a name that is also a word.
            person_next = person_next or cls in ("N", "F") and (nxt == "from" or text[b:b + 2] == " (")
        if (capital and cls in ("D", "R", "N", "F") and key not in _NOT_FIRST
                and (not (opens and cls == "D") and (_APPOSITION.match(text, b, b + 24)  # not "Outside, the man was…"
                                                     or cls in ("N", "F") and _job_apposed(text, b))
                     or _APPOSITION_OF.match(text, b, b + 60))):
            verdict.append("name" if cls in ("N", "F") else "unsure")
            continue
        # A doubled syllable in lower case (« lolo », "jojo") is a nickname, unless an article
        # makes it a thing: removed, and doubted.
        if (word.islower() and len(key) == 4 and key[:2] == key[2:] and key not in _BABY_WORDS and word == key
                and prev not in _DETERMINERS and not people.knows(key)):
            verdict.append("unsure")
            continue
        # Texting in lower case: a word no dictionary holds as ordinary, before what only people
        # do (« yan m’a texté », "marcus texted"), is removed and doubted.
        # A short capitalized word that begins a listed first name is a clipped one (« Gab », « Kev »,
        # "Deb", "Sal"): someone before what people do or after « avec », "with"; doubted elsewhere.
        if capital and not word.isupper() and 3 <= len(key) <= 4 and cls == "D" and key in _name_heads() \
                and key not in _NOT_FIRST:
            after = tokens[i + 2][2].lower() if i + 2 < len(tokens) else ""
            done = nxt in _COPULAS and _PARTICIPLE.fullmatch(after) is not None
            acts = nxt in _PREDICATES and nxt not in _COPULAS | _NOT_PERSON_VERBS  # « Gab a dit », "Kev said"
            if strong or prev in _PERSON_BEFORE or opens and acts:
                verdict.append("name")
                continue
            if opens and done:  # « Gab est venu »: removed, and doubted
                verdict.append("unsure")
                continue
            if not opens:
                verdict.append("doubt")
                continue
        # Texting in lower case: a word no dictionary holds as ordinary, before what only people
        # do (« yan m’a texté », "marcus texted"), is removed and doubted; from a writer who puts
        # no capitals in a sentence (« i think… », « pis la… »), before a verb of people too (a
        # name that is also a word, before a copula, only doubted: "hope was", "brandon was").
        uncapped = not capital and _uncapped(text, a, starts_sorted, uncapped_seen)
        adjacent = i + 1 < len(tokens) and not text[b:tokens[i + 1][0]].strip()  # the next word, right after
        texting = (not capital and cls in (None, "F", "R", "N")
                   # not what a person does, though a list has it as a name: "my sister said no"
                   and key not in _PREDICATES and key not in _PAST_MORE and key not in _PAST_IRREGULAR
                   and (strong or prev in _PERSON_BEFORE  # « ma chum steph », "texted jules"
                        or uncapped and not opens and cls in (None, "N")
                        and nxt in _PREDICATES and nxt not in _NOT_PERSON_VERBS
                        and not (cls == "N" and nxt in _COPULAS)
                        # a word in no dictionary, before a verb in the past ("simran danced"), or
                        # joined to one that is (« arjun n simran danced », "jess & kim left")
                        or uncapped and past and len(key) > 2 and key not in COMMUNITY_WORDS and adjacent
                        or uncapped and cls in (None, "F") and nxt in _TEXTED_AND and acts_after(i + 2)))
        after = tokens[i + 2][2].lower() if i + 2 < len(tokens) else ""
        if (uncapped and opens and cls in (None, "F", "N") and not people.knows(key)
                and (nxt in _PREDICATES and nxt not in _NOT_PERSON_VERBS and nxt not in _COPULAS
                     or nxt in _COPULAS and _PARTICIPLE.fullmatch(after) and cls != "N"
                     or nxt in ("was", "is") and after == "like" and cls != "N")):  # "mya was like 'omg'"
            # Opening a sentence written without capitals, before what people do: « dan thinks »,
            # « lan est née »: removed, and doubted.
            verdict.append("unsure")
            continue
        if cls != "L" and capital and not word.isupper() and _HAS_AGE.match(text, b):
            verdict.append("name")  # « Lina a 6 ans », "Olive turns 12"
            continue
        if cls != "D" and _AGE_AFTER.match(text, b) and (capital or cls in (None, "N", "F", "P")):
            verdict.append("name")  # « rosalie (7 ans) », "Bridget, 79,": someone
            continue
        if cls == "L" and capital and (strong or nxt in _SPEAKS):
            verdict.append("name")  # "Diego says", « Florence m'a dit »
            continue
        if (cls in ("D", "R") and capital and not opens and i and tokens[i - 1][2].lower() in _PLACE_BEFORE
                and key not in CALENDAR
                and key not in ORDINARY_CAPITALS and not word.isupper()):
            verdict.append("unsure")  # a place named by ordinary words: "in Cobalt", "from Moose Factory"
            continue
        if uncapped and cls == "N" and nxt in _COPULAS and not people.knows(key):
            verdict.append("doubt")
            continue
        if people.knows(key) and (capital or cls not in ("D", "N") or len(key) > 3):
            # This member writes about them: caught in any case (« kiki », « ROSE »); a short
            # ordinary word in lower case (« lu », « ma ») is only doubted.
            verdict.append("name")
        elif people.knows(key):
            verdict.append("doubt")
        elif cls == "P":
            verdict.append("name")
        elif (cls is None and word.islower() and prev not in _PERSON_BEFORE and not strong
              and not (uncapped and past and len(key) > 2 and adjacent) and typo_of_a_word(key)):
            verdict.append("")  # « tonite », « cetait »: a word typed fast
        elif texting:
            verdict.append("unsure")
        elif cls in ("N", "R"):  # a name that is a word too, a rare word: « Pis Bouboule a dit »
            if not capital:
                verdict.append("")
            elif (not opens and prev in _CONJUNCTIONS and i >= 2 and tokens[i - 2][2][:1].isupper()
                  and verdict[i - 2] in ("", "doubt") and lex.get(keys[i - 2]) in ("D", "N", "R")):
                verdict.append("doubt")  # words given capitals side by side: "Patience and Faith"
            elif not opens:
                # After an article, Quebec's « la Côté », « le Fanfan », or a word given a capital
                # (« la Rose des vents »): removed, and doubted.
                thing = nxt_capital or nxt in ("des", "de", "du", "d'", "of")  # « la Rose des vents »
                verdict.append(("doubt" if thing else "unsure") if prev in _DETERMINERS else "name")
            elif person_next:
                verdict.append("name")
            else:
                # A name that is also a word, opening before a verb in the past ("Lorraine sent",
                # "CHARLOTTE yelled"): removed, and doubted.
                acted = cls == "N" and (nxt in _PAST_MORE or len(nxt) > 4 and nxt.endswith("ed") and nxt != "showed"
                                        or (nxt in _PAST_IRREGULAR or nxt in _MODALS) and key not in CONCEPTS
                                        or nxt in ("est", "a", "etait", "était")
                                        and _PARTICIPLE.fullmatch(after) is not None
                                        and after not in ("là", "la", "venue", "venu"))
                verdict.append("unsure" if acted else "doubt")
        elif cls == "F":
            if not capital:
                verdict.append("")
            elif not opens:
                verdict.append("name")
            else:
                verdict.append("name" if person_next else "doubt")
        elif cls is None:
            # In no list at all: a name when written like one inside a sentence, or opening one
            # before what people do; else doubted (a rare word, a typo, a name in lower case).
            # Privacy first: redacted, but marked as doubted, so the member puts it back with a tap.
            if capital and (not opens or person_next or _near_listed_name(key)):
                verdict.append("name")
            else:
                verdict.append("unsure")
        elif (cls == "D" and capital and not opens and not word.isupper() and prev not in _DETERMINERS
              and not tokens[i - 1][2][:1].isupper()  # « Le Petit Prince dit », "Body Wisdom says"
              and key not in ORDINARY_CAPITALS and key not in CALENDAR
              and (nxt in _PREDICATES or nxt in _PAST_IRREGULAR and text[b:b + 1] == " " and key.isalpha())
              and nxt not in _NOT_PERSON_VERBS and (nxt not in _COPULAS or _PARTICIPLE.fullmatch(after))):
            verdict.append("unsure")  # « si Rosaire était mort », "when Pickles said": a name that is a word
        elif (cls == "D" and opens and capital and not word.isupper() and nxt in _SPEAKS
              and key not in _GENERIC_PEOPLE and key not in ORDINARY_CAPITALS
              and key not in FUNCTION_WORDS):  # « Comme dit Brené Brown » opens with a little word
            verdict.append("unsure")  # "Beanie said": a nickname that is a word, before what people say
        else:  # D, L: ordinary, unless a name stands right beside it (« Sylvie Côté »)
            verdict.append("")
    # A capitalized word joined to a name is part of it (« Mamadou Diallo », « van der Berg »):
    # one sweep rightwards, one leftwards, so a chain grows whole in time proportional to the text.
    n = len(tokens)
    for i in range(n - 1):
        # A word opening a sentence before a family name then a verb of people is a first name
        # that is also a word (« Patience Mukendi a chanté », "Hope Anderson led"); before a
        # word in no list at all, too (« Espérance Uwimana m'a pris la main »).
        a, b, word = tokens[i]
        if (i in opening and verdict[i] != "name" and word[:1].isupper() and not word.isupper()
                and keys[i] not in FUNCTION_WORDS and keys[i] not in ORDINARY_CAPITALS and keys[i] not in _NOT_FIRST
                and not keys[i].endswith(("ment", "ly")) and len(keys[i]) >= 2
                and text[b:tokens[i + 1][0]] == " " and tokens[i + 1][2][:1].isupper()
                and not tokens[i + 1][2].isupper()):
            cls_next = lex.get(keys[i + 1])
            after = tokens[i + 2][2].lower().replace("’", "'") if i + 2 < n else ""
            verb = (after in _PREDICATES or after in _PAST_IRREGULAR
                    or len(after) > 4 and after.endswith("ed")) and text[tokens[i + 1][1]:tokens[i + 2][0]] == " "
            if (cls_next is None and verdict[i + 1] == "name" and (len(keys[i]) >= 3 or verb)
                    or cls_next in ("P", "L") and verb):  # « Li Jianguo shared… »
                verdict[i] = verdict[i + 1] = "name"
    for order, step in ((range(n), -1), (range(n - 1, -1, -1), 1)):
        for i in order:
            a, b, word = tokens[i]
            if verdict[i] == "name" or keys[i] in ORDINARY_CAPITALS or keys[i] in FUNCTION_WORDS:
                continue
            for j in (i + step,):
                if not 0 <= j < n or verdict[j] != "name":
                    continue
                gap = text[min(b, tokens[j][1]):max(a, tokens[j][0])]
                # An ordinary word joins a name unless it opens the sentence ("Call Sarah"; but
                # « que Mélodie Ouimette ») and when both are written alike: « SYLVIE Hier » (a
                # name in capitals, then a capitalized word) is a name and a word.
                ordinary = lex.get(keys[i]) in ("D", "L", "R")
                alike = tokens[j][2].isupper() == word.isupper()
                if gap.strip(" -") == "" and "\n" not in gap and word[:1].isupper() and \
                        not (ordinary and (i in opening or not alike or i in shouting and j in shouting)):
                    verdict[i] = "name"
                elif (gap == " " and word.islower() and tokens[j][2].islower()
                      and lex.get(keys[i]) in (None, "F", "P") and len(keys[i]) >= 3):
                    verdict[i] = "name"  # « sandra mcallister », written all in lower case
    for i in range(n - 1):
        # In lower case, a first name that is also a word beside a word in no list, or before a
        # family name, is one name: « sylvain desrosiers », « olivier turcotte ».
        pair = (lex.get(keys[i]), lex.get(keys[i + 1]))
        if (tokens[i][2].islower() and tokens[i + 1][2].islower() and text[tokens[i][1]:tokens[i + 1][0]] == " "
                and "" not in (keys[i], keys[i + 1])
                and (pair in (("N", None), ("P", None), (None, "N"), (None, "P"), ("N", "N"))
                     and "unsure" in (verdict[i], verdict[i + 1])
                     or pair == ("P", "N") and verdict[i] == "name" and keys[i + 1] in QUEBEC_SURNAMES
                     or pair[0] == "N" and verdict[i + 1] == "name" and pair[1] in (None, "P", "F"))):
            verdict[i] = verdict[i + 1] = "name"
    for i in range(n - 1):
        # A capitalized word before particles then a name: « Maria de los Ángeles Gutiérrez ».
        if verdict[i] == "name" or not tokens[i][2][:1].isupper() or lex.get(keys[i]) in ("D", "L"):
            continue
        if keys[i] in FUNCTION_WORDS or keys[i] in ORDINARY_CAPITALS:
            continue
        k = i + 1
        while k < n and k - i <= 4 and keys[k] in _PARTICLES and text[tokens[k - 1][1]:tokens[k][0]] == " ":
            k += 1
        if i + 1 < k < n and verdict[k] == "name" and text[tokens[k - 1][1]:tokens[k][0]] == " ":
            verdict[i] = "name"
    names: list[tuple[int, int]] = []
    doubts = [tokens[k][:2] for k, v in enumerate(verdict) if v in ("doubt", "unsure")]
    unsure = [tokens[k][:2] for k, v in enumerate(verdict) if v == "unsure"]
    i = 0
    while i < len(tokens):
        if verdict[i] != "name":
            i += 1
            continue
        start, end, j = tokens[i][0], tokens[i][1], i + 1
        while j < len(tokens):
            gap = text[end:tokens[j][0]]
            if gap.strip(" -") == "" and "\n" not in gap and verdict[j] == "name":
                end = tokens[j][1]
                j += 1
            elif gap.strip() == "" and keys[j] in _PARTICLES:
                k = j
                while k < len(tokens) and keys[k] in _PARTICLES and text[tokens[k - 1][1]:tokens[k][0]].strip() == "":
                    k += 1
                # « Pedro Pablo de la Rosa »: after particles, a capitalized word the article made doubtful.
                # (the text may end on the particle: « appeler Sylvie de »)
                joins = k < len(tokens) and (
                    verdict[k] == "name" or (tokens[k][2][:1].isupper() and not tokens[k][2].isupper()
                                             and keys[k] not in FUNCTION_WORDS and keys[k] not in ORDINARY_CAPITALS))
                if joins and text[tokens[k - 1][1]:tokens[k][0]].strip() == "":
                    end = tokens[k][1]
                    j = k + 1
                else:
                    break
            else:
                break
        names.append((start, end))
        i = j
    return Found(names, doubts, unsure)
