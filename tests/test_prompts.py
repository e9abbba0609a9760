"""Prompt packs: the built-in ones are complete; every malformed pack gets its precise error."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal_app.i18n import LANGUAGES
from journal_app.prompts.library import PackLibrary
from journal_app.prompts.packs import MAX_PACK_BYTES, PackInvalid, builtin_packs, parse_pack

PACKS = Path(__file__).parent.parent / "journal_app" / "prompts"
GOOD = (PACKS / "check-in.toml").read_text(encoding="utf-8")


BUILTIN = {"wholebody-focusing", "focusing-six-steps", "check-in", "orid", "four-ls", "theory-u-journaling",
           "contributive-leadership", "spt-4d-debrief", "shared-governance", "core-team-pulse", "peer-learning",
           "case-clinic", "after-a-hard-meeting"}


def test_the_builtin_packs_validate_in_both_languages():
    packs = builtin_packs()
    assert {p.id for p in packs} == BUILTIN
    for pack in packs:
        assert pack.licence == "CC BY-SA 4.0" and pack.author
        for texts in [pack.title, pack.description] + [t for s in pack.steps for t in (s.title, s.text)]:
            for lang in LANGUAGES:
                assert texts.get(lang).strip(), (pack.id, lang)
            assert texts.fr != texts.en, pack.id  # really translated, not copied
        if pack.kind == "session":
            assert all(s.duration for s in pack.steps)
    check_in = next(p for p in packs if p.id == "check-in")
    assert 4 * 60 <= check_in.total_seconds <= 6 * 60
    pulse = next(p for p in packs if p.id == "core-team-pulse")
    assert 9 * 60 <= pulse.total_seconds <= 11 * 60
    hard = next(p for p in packs if p.id == "after-a-hard-meeting")  # ground first, ground last
    assert 10 * 60 <= hard.total_seconds <= 15 * 60
    assert "pieds sur le sol" in hard.steps[0].text.fr and "pieds sur le sol" in hard.steps[-1].text.fr


def test_the_revised_packs_keep_their_step_ids_and_hold_what_the_editor_asked_for():
    """Old entries key their answers by step id: a revision adds steps, never renames one."""
    packs = {p.id: p for p in builtin_packs()}

    def ids(pack_id: str) -> list[str]:
        return [s.id for s in packs[pack_id].steps]

    def text(pack_id: str, lang: str = "fr") -> str:
        pack = packs[pack_id]
        return " ".join([pack.description.get(lang)] + [s.text.get(lang) for s in pack.steps])

    wbf = ids("wholebody-focusing")
    assert set(wbf) >= {"arrive", "gravity", "surroundings", "moving", "whole-body", "coming-alive", "closing",
                        "something-in-me", "both"}
    assert wbf.index("whole-body") < wbf.index("moving")  # presence first, then movement
    assert "sur une chaise" in text("wholebody-focusing") and "sitting" in text("wholebody-focusing", "en")
    assert "Quelque chose en moi" in text("wholebody-focusing")
    assert "revenir au sol" in text("wholebody-focusing").replace("revenez au sol", "revenir au sol")
    assert set(ids("spt-4d-debrief")) >= {"body-noticed", "where-stood", "system-shift", "takeaway",
                                          "first-sculpture", "turning-point", "stepping-out"}
    assert "qu’est-ce qui appartenait au rôle, et qu’est-ce qui est à moi?" in text("spt-4d-debrief")
    assert set(ids("theory-u-journaling")) >= {"challenges", "observing", "others-eyes", "letting-go",
                                               "letting-come", "prototype", "next-steps", "inner-voices",
                                               "future-self"}
    assert all(w in text("theory-u-journaling") for w in ("jugement", "cynisme", "peur"))
    assert "Rien n’oblige à décider maintenant" in text("orid") and "ce soir" not in text("orid")
    assert "Il suffit" not in text("contributive-leadership") and "douceur" in text("contributive-leadership")
    assert "dites-lui qu’il pourra revenir" not in text("focusing-six-steps").lower()
    assert "Vous pourrez y revenir" in text("focusing-six-steps")
    # Round 3 (the trainer's safety lines): what wants attention, not the heaviest thing; a
    # comfortable distance; eyes open or closed; looking around the room at the end; a way back.
    wbf_fr, wbf_en = text("wholebody-focusing"), text("wholebody-focusing", "en")
    assert "pas forcément la plus lourde" in wbf_fr and "not necessarily the heaviest" in wbf_en
    assert "à la distance qui vous convient" in wbf_fr and "mi-clos ou fermés" in wbf_fr
    assert "Regardez la pièce autour de vous" in wbf_fr and "Look around the room" in wbf_en
    assert "sens corporel" in wbf_fr and "sans douleur" in wbf_fr
    assert "prenez du recul" in text("focusing-six-steps") and "step back" in text("focusing-six-steps", "en")
    assert "voix critiques" in text("focusing-six-steps")
    spt = ids("spt-4d-debrief")
    assert spt[0] == "stepping-out" and "role-sentence" in spt  # out of role first; the role's sentence
    assert "dernière" not in text("spt-4d-debrief")
    assert "vous a rejoint" not in text("peer-learning")
    for pack in packs.values():  # every reflection says a question can be skipped
        if pack.kind == "reflection":
            assert "passez les questions" in pack.description.fr.lower(), pack.id
            assert "skip any question" in pack.description.en.lower(), pack.id


def problems(text: str | bytes) -> list[tuple[str, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(PackInvalid) as caught:
        parse_pack(data, "mine.toml")
    assert caught.value.file == "mine.toml"
    assert "mine.toml" in caught.value.message("fr") and "mine.toml" in caught.value.message("en")
    return [(p.where, p.code) for p in caught.value.problems]


@pytest.mark.parametrize("change,expected", [
    (lambda t: t.replace('en = "Settling"\n', ""), ("steps[1].title.en", "missing_language")),
    (lambda t: t.replace('id = "inventory"', 'id = "settle"'), ("steps[2].id", "duplicate_step")),
    (lambda t: t.replace("duration = 150", "duration = 0"), ("steps[2].duration", "bad_duration")),
    (lambda t: t.replace("duration = 150", 'duration = "long"'), ("steps[2].duration", "bad_duration")),
    (lambda t: t.replace('licence = "CC BY-SA 4.0"', 'licence = "CC BY-SA 4.0"\ncolour = "blue"'),
     ("colour", "unknown_field")),
    (lambda t: t.replace('kind = "session"', 'kind = "poem"'), ("kind", "bad_kind")),
    (lambda t: t.replace('id = "check-in"', 'id = "Check In"'), ("id", "bad_id")),
    (lambda t: t.replace('version = "1.1.0"', 'version = "one"'), ("version", "bad_version")),
    (lambda t: t.replace("format_version = 1", "format_version = 2"), ("format_version", "bad_format_version")),
    (lambda t: t.replace('kind = "session"', 'kind = "reflection"'), ("steps[1].duration", "duration_in_reflection")),
    (lambda t: t.replace('[steps.text]\nfr = "Prenez', '[steps.text]\nde = "Hallo"\nfr = "Prenez'),
     ("steps[1].text.de", "unknown_field")),
])
def test_each_malformed_pack_gets_its_precise_error(change, expected):
    assert expected in problems(change(GOOD))


def test_not_toml_names_the_line():
    assert problems('format = "ressenti-pack"\nid = "x\n') == [("line 2", "not_toml")]


def test_not_utf8_and_too_large():
    assert problems(b"\xff\xfe id") == [("\u2014", "not_utf8")]
    assert problems(b"#" * (MAX_PACK_BYTES + 1)) == [("\u2014", "too_large")]


def test_import_keeps_the_pack_in_the_vault_and_changes_nothing_when_bad(db, vault_file):
    library = PackLibrary(db)
    mine = GOOD.replace('id = "check-in"', 'id = "check-in-cercle"')
    assert library.import_pack(mine.encode(), "mine.toml").outcome == "added"
    assert library.import_pack(mine.encode(), "mine.toml").outcome == "unchanged"
    newer = mine.replace('version = "1.1.0"', 'version = "1.2.0"')
    assert library.import_pack(newer.encode(), "mine.toml").outcome == "updated"
    before = vault_file.read_bytes()
    for bad in (GOOD.encode(), b"not = toml = at all", mine.replace('id = "settle"', 'id = "x y"').encode()):
        with pytest.raises(PackInvalid):
            library.import_pack(bad, "bad.toml")
    assert vault_file.read_bytes() == before
    assert library.get("check-in-cercle").version == "1.2.0"
    assert library.export_text("check-in-cercle") == newer
    assert library.export_text("orid") == (PACKS / "orid.toml").read_text(encoding="utf-8")
