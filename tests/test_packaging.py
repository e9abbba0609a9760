"""What `flet build apk|ipa` packages starts: the app folder named in [tool.flet.app], minus its
`exclude` and the build's default excludes, compiled to .pyc with the .py removed, run as
`__main__` from a fresh interpreter that sees only that folder and the installed dependencies
(the build installs [project].dependencies, never the project itself).

The staging follows flet-cli 1.0.5 (`flet_cli/commands/build_base.py`, `utils/app_excludes.py`)
and serious_python's packager: hidden entries at the top, virtual environments, `__pycache__`,
`build`, and the `exclude` list are left out.
"""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def stage_flet_package(target: Path) -> tuple[Path, str]:
    """Copy what the build packages into `target`; returns the app root and the entry module."""
    app = PYPROJECT["tool"]["flet"]["app"]
    source = ROOT / app.get("path", ".")
    module = Path(app.get("module", "main")).stem
    excluded = {os.path.normpath(p) for p in ["build", *app.get("exclude", [])]}

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        skipped = set()
        for name in names:
            relative = os.path.normpath((here / name).relative_to(source))
            if (relative in excluded or name == "__pycache__"
                    or (here == source and name.startswith("."))
                    or (here / name / "pyvenv.cfg").exists()):
                skipped.add(name)
        return skipped

    shutil.copytree(source, target, ignore=ignore)
    assert (target / f"{module}.py").exists(), f"{module}.py is not at the root of the app folder"
    assert compileall.compile_dir(target, quiet=1, legacy=True)
    for py in target.rglob("*.py"):
        py.unlink()
    return target, module


def test_every_package_is_installed():
    """The packages are listed in pyproject.toml (the assets live outside journal_app/)."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "journal_app").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert (ROOT / PYPROJECT["tool"]["setuptools"]["package-dir"]["journal_app.assets"] / "bell.wav").exists()


def test_the_package_holds_the_app_and_its_assets_and_nothing_else(tmp_path):
    app, module = stage_flet_package(tmp_path / "app")
    top = sorted(p.name for p in app.iterdir())
    assert f"{module}.pyc" in top and "journal_app" in top and "assets" in top
    assert not {"tests", "bench", "docs", ".git", ".venv", ".ci"} & set(top), top
    assert (app / "assets" / "bell.wav").exists() and (app / "assets" / "icon.png").exists()
    assert (app / "journal_app" / "i18n" / "fr.toml").exists()
    assert not list(app.rglob("*.py"))


@pytest.mark.slow
@pytest.mark.xdist_group("browser")  # it opens the first screen in Chromium
def test_the_packaged_app_starts_and_serves_its_first_screen(tmp_path):
    """The packaged entry, compiled, with no source checkout in reach, serves the first screen;
    a browser set to Canadian English gets the English welcome (the device's language)."""
    from tests.test_e2e_browser import CHROMIUM, free_port, sync_api

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is needed (.ci/run installs it)")
    app, module = stage_flet_package(tmp_path / "app")
    data = tmp_path / "storage"
    data.mkdir()
    port = free_port()
    dependencies = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    # -S: no site module, so no .pth file puts this checkout (the editable install) on the path.
    launcher = (f"import runpy, sys; sys.path[:] = [{str(app)!r}] + {dependencies!r} + "
                f"[p for p in sys.path if 'site-packages' not in p and p not in ('', {str(ROOT)!r})]; "
                f"runpy.run_path({str(app / (module + '.pyc'))!r}, run_name='__main__')")
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "JOURNAL_APP_LANG",
                          "JOURNAL_APP_DATA_DIR", "PYTHONPATH", "DISPLAY")}
    # What the phone's host sets (cwd and storage) and, for this test, a web server on loopback.
    env.update(FLET_APP_STORAGE_DATA=str(data), FLET_ASSETS_DIR=str(app / "assets"),
               FLET_FORCE_WEB_SERVER="true", FLET_SERVER_IP="127.0.0.1", FLET_SERVER_PORT=str(port))
    proc = subprocess.Popen([sys.executable, "-S", "-c", launcher], cwd=data, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        import socket

        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the packaged app stopped: {proc.stdout.read() if proc.stdout else ''}")
                if time.monotonic() > deadline:
                    pytest.fail("the packaged app served nothing in 90 s")
                time.sleep(0.2)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            try:
                page = browser.new_page(locale="en-CA", viewport={"width": 390, "height": 844})
                page.goto(f"http://127.0.0.1:{port}/")
                placeholder = page.locator("flt-semantics-placeholder")
                placeholder.wait_for(state="attached", timeout=90_000)
                placeholder.dispatch_event("click")
                page.get_by_role("button", name="English").wait_for(timeout=90_000)
                page.get_by_text("Welcome", exact=False).first.wait_for(timeout=90_000)
            finally:
                browser.close()
        assert proc.poll() is None, "the packaged app stopped while serving"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
