"""The code's own checks, run with the tests so the README's test command and CI run them:
ruff (lint) and mypy in strict mode (its profile is in pyproject.toml: strict, with the
libraries that ship no types named)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_the_anonymizer_compare_tool_counts_what_a_change_gains_and_loses(tmp_path):
    """tools/anonymizer_compare.py, as a round uses it: a snapshot of a labelled set with the real
    anonymizer, then one where a name leaks again and an ordinary word is lost: one item lost, one
    word lost; a snapshot against itself: nothing."""
    sys.path.insert(0, str(ROOT / "tools"))
    import anonymizer_compare as tool

    labelled = tmp_path / "mini.json"
    labelled.write_text(json.dumps([
        {"lang": "fr", "text": "Ginette Lavoie m'a appelée après le cercle.", "pii": [["name", "Ginette Lavoie"]]},
        {"lang": "en", "text": "The silence held us tonight.", "pii": []}]), "utf-8")
    old = tool.snapshot([labelled])
    assert "Ginette" not in old["mini"][0]["out"] and old["mini"][1]["out"] == "The silence held us tonight."
    assert tool.compare(old, old) == {"gained": 0, "lost": 0, "words_lost": 0, "words_regained": 0}
    new = {"mini": [dict(old["mini"][0], out="Ginette Lavoie m'a appelée après le cercle."),
                    dict(old["mini"][1], out="The [removed] held us tonight.")]}
    assert tool.compare(old, new) == {"gained": 0, "lost": 1, "words_lost": 1, "words_regained": 0}
    assert tool.compare(new, old) == {"gained": 1, "lost": 0, "words_lost": 0, "words_regained": 1}
    assert not any(p.stem in tool.NEVER_READ for p in tool.read_sets())
