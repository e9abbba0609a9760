"""The encrypted vault: the file format (keys.py, log.py), the files and the lock (files.py),
the vault itself (container.py) and TinyDB's storage on top of it (storage.py).
Byte format in docs/vault-format.md."""

from journal_app.vault.container import Opened, Rekeyed, Vault
from journal_app.vault.files import VaultLock, backup_path, lock_path, write_atomically
from journal_app.vault.keys import (
    _DIGEST_LEN,
    _WRAP_AAD_PASSPHRASE,
    FORMAT_VERSION,
    HEADER_LEN,
    MAGIC,
    MIN_PASSPHRASE_CHARS,
    Header,
    KdfParams,
    check_passphrase,
    padded_length,
    parse_header,
)

__all__ = ["_DIGEST_LEN", "_WRAP_AAD_PASSPHRASE", "FORMAT_VERSION", "HEADER_LEN", "MAGIC",
           "MIN_PASSPHRASE_CHARS", "Header", "KdfParams", "Opened", "Rekeyed", "Vault", "VaultLock",
           "backup_path", "check_passphrase", "lock_path", "padded_length", "parse_header",
           "write_atomically"]
