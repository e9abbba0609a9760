"""The phone profile: the member side's tests in a fresh virtual environment holding what
`flet build` ships to a phone, that is [project].dependencies with the phones' `cryptography`
43.0.1 (statically linked to OpenSSL 3.0, no Argon2) and no extras (no numpy, no spaCy).

It runs as part of the suite, so the README's test command and `.ci/run` both play the phone.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PHONE_CRYPTOGRAPHY = "43.0.1"
MEMBER_SIDE_TESTS = ["tests/test_vault.py", "tests/test_vault_log.py",
                     "tests/test_storage.py", "tests/test_crash.py",
                     "tests/test_journal.py", "tests/test_practice.py", "tests/test_sharing.py",
                     "tests/test_anonymize.py", "tests/test_kdf.py", "tests/test_badges_crypto.py"]


@pytest.mark.slow
def test_the_member_side_passes_with_the_phones_cryptography(tmp_path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = [d for d in project["dependencies"] if not d.startswith("cryptography")]
    venv = tmp_path / "phone"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", f"cryptography=={PHONE_CRYPTOGRAPHY}", *dependencies,
         "pytest>=8", "hypothesis>=6.100"], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]

    probe = subprocess.run([python, "-c", (
        "import cryptography, importlib.util as u; print(cryptography.__version__, "
        "u.find_spec('numpy') is None and u.find_spec('spacy') is None, "
        "u.find_spec('cryptography.hazmat.primitives.kdf.argon2') is None)")],
        capture_output=True, text=True, cwd=tmp_path)
    assert probe.stdout.split() == [PHONE_CRYPTOGRAPHY, "True", "True"], probe.stdout + probe.stderr

    # The checkout's journal_app is imported from the working folder, as the build packages it
    # beside its dependencies instead of installing it.
    run = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
         "not extras and not openssl_argon2", *MEMBER_SIDE_TESTS],
        capture_output=True, text=True, cwd=ROOT, timeout=1800)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 60, summary
    assert "skipped" not in summary, summary
