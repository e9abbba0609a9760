"""Round 6 of the anonymizer: what lies beside a stretch found belongs to it, and the shapes that
held-out sets found slipping (told by kind). Each sentence here was written for this file, not
taken from a held-out set; each fails on the anonymizer before round 6."""

from __future__ import annotations

import re

import pytest

from journal_app.anonymize import PLACEHOLDER_PATTERN, anonymize


def _out(text: str, lang: str) -> str:
    return anonymize(text, lang, use_ner=False).text


@pytest.mark.parametrize(("text", "lang", "gone"), [
    # A role is the whole phrase: its article or possessive and the words that make it exact.
    ("La coordonnatrice du Centre des femmes de Sainte-Brigide m'a rappelée.", "fr", ["La", "coordonnatrice"]),
    ("Our night shift supervisor at the Walmart in Orillia quit today.", "en", ["Our", "night", "shift"]),
    ("Réal travaille comme soudeur chez Métallurgie Dubreuil depuis peu.", "fr", ["soudeur", "Dubreuil"]),
    ("Marisol Quispe, caissière chez Provigo Lemire, m'a souri.", "fr", ["caissière", "Lemire"]),
    ("He works as a dental assistant at Birchwood Smiles and hates it.", "en", ["dental", "Birchwood"]),
    # A name's initial, a title, initials with dots, a descriptor.
    ("Suzanne P. m'a prêté son châle.", "fr", ["Suzanne", "P"]),
    ("Gary K said nothing all evening.", "en", ["Gary", "K"]),
    ("J.-P. Morissette a parlé de son frère.", "fr", ["J", "P", "Morissette"]),
    ("r.j. brought the drum again.", "en", ["r", "j"]),
    ("Mme Saint-Pierre nous a ouvert la salle.", "fr", ["Mme", "Saint", "Pierre"]),
    ("dr Lévesque veut me revoir.", "fr", ["dr", "Lévesque"]),
    ("Le docteur Thibodeau m'a rassurée.", "fr", ["docteur", "Thibodeau"]),
    ("Mrs. Okafor hugged me at the door.", "en", ["Mrs", "Okafor"]),
    ("le vieux Dumoulin est revenu au cercle.", "fr", ["vieux", "Dumoulin"]),
    ("P-A m'a texté après.", "fr", ["P", "A"]),
    # Ages beside a name, and said as ones in a passage that names someone.
    ("Yvonne Labrecque, 83, lives alone now.", "en", ["83"]),
    ("Théo a ri. Il a 7 ans pis il comprend tout.", "fr", ["7"]),
    ("Marguerite lost her sister. She's 91 and still drives.", "en", ["91"]),
    # Towns by their shape, places named by ordinary words.
    ("Elle vit seule à Sainte-Clotilde depuis l'hiver.", "fr", ["Clotilde"]),
    ("He moved back to Elk Lake to care for his dad.", "en", ["Elk"]),
    # Country and post-office addresses, a road's direction.
    ("Send it to RR 4, Kinmount.", "en", ["RR", "4"]),
    ("Mon adresse, c'est case postale 218, à Mont-Louis.", "fr", ["218"]),
    ("Ils restent dans le rang 6 nord depuis 1990.", "fr", ["6", "nord"]),
    # Handles as people write them.
    ("son discord c'est tiloup#4821", "fr", ["tiloup", "4821"]),
    ("her insta is maude.pelletier.88 if you want", "en", ["maude", "pelletier", "88"]),
    # Birth dates with the cue after them, month and year.
    ("Le 14 févr. 1962, c'est sa date de naissance.", "fr", ["1962"]),
    ("Ma nièce est née en octobre 2015.", "fr", ["octobre", "2015"]),
    # Lower-case writers: a name opening before what people do.
    ("noah thinks the circle is weird", "en", ["noah"]),
    # Second pass: corners with their words, a role at "the …", a road's number in a workplace.
    ("On s'est vus au coin de Fleury et Papineau.", "fr", ["coin", "Fleury"]),
    ("The dishwasher at the Coconut Grill in Huntsville quit.", "en", ["dishwasher", "Coconut", "Huntsville"]),
    ("The cashier at the Petro-Canada on Highway 11 in Mattawa knows me.", "en", ["11", "Mattawa"]),
    ("Being the only pharmacist in Chibougamau is lonely.", "en", ["only", "pharmacist", "Chibougamau"]),
    ("SISTER GERMAINE OUELLETTE PHONED TODAY.", "en", ["SISTER", "GERMAINE", "OUELLETTE"]),
    ("Le père Rosaire Gingras est venu bénir la salle.", "fr", ["père", "Rosaire"]),
    ("on monte a st-zenon samedi", "fr", ["st", "zenon"]),
    ("jai parle a josee cote hier soir", "fr", ["josee", "cote"]),
    ("Pickles said I looked tired tonight.", "en", ["Pickles"]),
    ("Transit 04421, institution 006, compte 8812345.", "fr", ["04421", "006", "8812345", "institution"]),
    ("Ma fille va à l'école Marguerite-Bourgeoys depuis août.", "fr", ["Marguerite", "Bourgeoys"]),
    ("La señora Ortiz nos invitó, elle a 77 años.", "fr", ["señora", "Ortiz", "77"]),
    # Third pass: sites named after « de », a workplace's town after « a », a new role, ages said
    # with « now », a doctor typed in lower case, a name that is a word before what people do.
    ("Papa est au salon funéraire Dallaire de Trois-Pistoles depuis hier.", "fr", ["Dallaire", "Pistoles"]),
    ("Ma tante est à l'Hôpital de Saint-Georges, deuxième étage.", "fr", ["Georges"]),
    ("la gérante du Maxi a Lachute ma dit non", "fr", ["gérante", "Maxi", "Lachute"]),
    ("The new principal of École Sainte-Rose in Cowansville called.", "en", ["new", "principal", "Rose"]),
    ("My aunt Lorna, now 92, sang with us.", "en", ["Lorna", "92"]),
    ("her surgeon is dr. nadia bouzid, very calm", "en", ["dr", "nadia", "bouzid"]),
    ("J'ai demandé si Gaspard était revenu.", "fr", ["Gaspard"]),
    # Fourth pass: a job at a named town or street, a school by its name, a town after an address,
    # a name before its age or after "named", Acadian names, honorifics.
    ("Le plombier de Saint-Ubalde m'a fait un prix.", "fr", ["plombier", "Ubalde"]),
    ("the vet on Rue Principale saved our dog", "en", ["vet", "Principale"]),
    ("Mon gars rentre au cégep Lionel-Groulx en août.", "fr", ["Lionel", "Groulx"]),
    ("Send it to 14 rue Notre-Dame, Lévis (Québec) quickly.", "en", ["Lévis"]),
    ("Ariane a 9 ans pis elle dessine tout le temps.", "fr", ["Ariane", "9"]),
    ("There's a boy named Sky in her class.", "en", ["Sky"]),
    ("Marcel à Ti-Jean à Onésime a chanté.", "fr", ["Marcel", "Jean", "Onésime"]),
    ("I called ate Lorna about the party.", "en", ["ate", "Lorna"]),
    # Fifth and sixth passes: the only one of a kind, who runs a place, a kin of a job, ages said
    # as ones beside anything personal, sites by kind, a middle initial, spelled-out years.
    ("He is the only ferry captain for the village of Harrington Harbour.", "en", ["only", "captain", "Harbour"]),
    ("the woman who runs the bakery on Main in Wakefield was there", "en", ["runs", "bakery", "Wakefield"]),
    ("La fille du boulanger de Saint-Apollinaire m'a écrit.", "fr", ["fille", "boulanger", "Apollinaire"]),
    ("Call Rémi at 819 555 0199, he's 58 now.", "en", ["58"]),
    ("On s'est arrêtés au dépanneur Chez Mado avant le cercle.", "fr", ["Mado"]),
    ("She works at the Brome Memorial Hospital now.", "en", ["Brome", "Memorial"]),
    ("Karen M. Fitzgerald led the check-in.", "en", ["Karen", "M", "Fitzgerald"]),
    ("Elle est née le trois juin mil neuf cent cinquante et un.", "fr", ["juin", "mil", "cinquante"]),
    ("Pinotte pis Biscuit m'ont ramenée.", "fr", ["Pinotte", "Biscuit"]),
    # Seventh pass: more jobs, a brand's number, who works somewhere, a town after an address.
    ("The night porter at the Comfort 9 in Kapuskasing was kind.", "en", ["porter", "Comfort", "Kapuskasing"]),
    ("Mon ex-patron à la quincaillerie Gendron de Ripon m'a appelé.", "fr", ["patron", "Gendron", "Ripon"]),
    ("the guy who works the till at the Foodland in Shelburne waved", "en", ["till", "Foodland", "Shelburne"]),
    ("Écris-moi au 12, chemin du Moulin, à Sainte-Lucie.", "fr", ["Moulin", "Lucie"]),
])
def test_round_6_removes_the_kinds_that_slipped(text: str, lang: str, gone: list[str]) -> None:
    out = _out(text, lang)
    left = re.findall(r"\w+", PLACEHOLDER_PATTERN.sub(" ", out))
    for word in gone:
        assert word not in left, (word, out)


@pytest.mark.parametrize(("text", "lang"), [
    # Texting's typos and elisions without apostrophes are words, not names.
    ("cetait dur a soir, lexercice ma brassée", "fr"),
    ("jle sais pis jreste avec ça", "fr"),
    ("first time i felt it tonite, a baloon in my chest", "en"),
    # Everyday words of the circles' other languages.
    ("Mèsi Bondye pour la soirée, kwe à tous.", "fr"),
    # A feast is no birthday; a song is no place.
    ("Fête de la Saint-Jean le 24 juin, on fait un feu.", "fr"),
    ("Clearing a Space took ten minutes tonight.", "en"),
    # A sentence in capitals is no address.
    ("J'AI TRAVAILLÉ 30 ANS SUR LA ROUTE PIS J'AI JAMAIS PLEURÉ.", "fr"),
    # Words given a capital that are not people: a past verb after them is not enough.
    ("Joy showed up in the closing round.", "en"),
    # A title in lower case is a word when no name follows it, and kin is no title.
    ("Ma sœur est venue avec son chum.", "fr"),
    # A friend (« chum ») is no hospital.
    ("Ma chum m'a dit que j'avais l'air fatiguée.", "fr"),
    ("Everyone said the silence was long.", "en"),
    # A title's words are not someone: « Le Petit Prince dit… », "Body Wisdom says…".
    ("Le Petit Prince dit qu'on voit bien qu'avec le cœur.", "fr"),
    # A flat's size, payment services.
    ("Un 4½ à 900 $ par mois, payé par Interac.", "fr"),
    # An age alone says little: kept when nothing else in the passage points to someone.
    ("J'ai 47 ans pis c'est la première fois que je pleure devant du monde.", "fr"),
])
def test_round_6_keeps_what_is_not_personal(text: str, lang: str) -> None:
    assert _out(text, lang) == text
