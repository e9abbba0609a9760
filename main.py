"""The entry point `flet build` and `flet run` start: this folder is the packaged app's root, so it
holds main.py, the journal_app package and assets/ (see [tool.flet.app] in pyproject.toml)."""

from journal_app.app import run_packaged

if __name__ == "__main__":
    run_packaged()
