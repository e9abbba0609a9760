"""Vault format 1 exactly as released (journal_app/vault.py and storage.py at commit 856fead),
frozen here so that bench/bench_vault.py can measure format 2 against it in the same run. The
app itself only reads format 1 (journal_app/vault/container.py) and never writes it."""
