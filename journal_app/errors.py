"""The errors a person can meet, each with a translated message.

The UI and the CLI show `error.message(lang)`; neither ever shows a traceback.
"""

from __future__ import annotations

from typing import Any


class RessentiError(Exception):
    """Base of every error that reaches a person. `key` names its message in the catalogs."""

    key = "error.generic"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)

    def message(self, lang: str) -> str:
        from journal_app.i18n import translate

        return translate(self.key, lang, **self.params)


# --- vault -----------------------------------------------------------------------------------
class VaultError(RessentiError):
    key = "error.vault"


class WrongPassphrase(VaultError):
    key = "error.wrong_passphrase"


class WrongRecoveryKey(VaultError):
    key = "error.wrong_recovery_key"


class NotAVault(VaultError):
    """The file is not a Ressenti vault at all, or is cut short before its header ends."""

    key = "error.not_a_vault"


class VaultDamaged(VaultError):
    """The file is a vault but some byte changed: damage on disk, or tampering."""

    key = "error.vault_damaged"


class RestoreNotNeeded(VaultError):
    """`restore` asked while the journal opens fine: putting the previous save back would lose
    the last one."""

    key = "error.restore_not_needed"


class UnsupportedVersion(VaultError):
    key = "error.unsupported_version"


class VaultLocked(VaultError):
    """Another process or window holds the vault open for writing."""

    key = "error.already_open"


class VaultExists(VaultError):
    key = "error.vault_exists"


class VaultMissing(VaultError):
    key = "error.vault_missing"


class SaveFailed(VaultError):
    key = "error.save_failed"


class LockLost(SaveFailed):
    """The lock file was removed or replaced while this window had the journal open: another
    writer may have come in, so this one stops writing rather than overwrite it."""

    key = "error.lock_lost"


class DiskFull(SaveFailed):
    key = "error.disk_full"


class WeakPassphrase(VaultError):
    key = "error.weak_passphrase"


class PassphraseTooWeak(WeakPassphrase):
    """A new passphrase that the strength estimate calls too weak (the app and the CLI alike)."""

    key = "error.passphrase_too_weak"


class VaultClosed(VaultError):
    key = "error.vault_closed"


# --- journal ---------------------------------------------------------------------------------
class EntryNotFound(RessentiError):
    key = "error.entry_not_found"


class AmbiguousEntryId(RessentiError):
    key = "error.ambiguous_id"


class InvalidEntry(RessentiError):
    key = "error.invalid_entry"


# --- import / export -------------------------------------------------------------------------
class ImportFailed(RessentiError):
    key = "error.import_failed"


class UnknownImportFormat(ImportFailed):
    key = "error.unknown_format"


class MalformedImport(ImportFailed):
    key = "error.malformed_import"


class ExportFailed(RessentiError):
    key = "error.export_failed"


class ExportTargetExists(ExportFailed):
    key = "error.export_exists"


class InputTooLarge(RessentiError):
    key = "error.too_large"


class FileUnreadable(RessentiError):
    key = "error.file_unreadable"


class NetworkNotAllowed(RessentiError):
    """`web --host` named an address others can reach, without --allow-network."""

    key = "error.network_not_allowed"


class PortInUse(RessentiError):
    key = "error.port_in_use"


class WebClientMissing(RessentiError):
    """The app opens in the browser, and the web client (the `desktop` extra) is not installed."""

    key = "error.web_client_missing"


class PackNotFound(RessentiError):
    key = "error.pack_not_found"


# --- the member's devices ----------------------------------------------------------------------
class RelayUrlTooLong(RessentiError):
    """A pairing code carries the relay's address in at most 255 bytes (`sync.devices.PairingCode`);
    a circle's relay may be named in up to 300 characters (`sharing.relay_url_allowed`)."""

    key = "error.pairing_relay_url_too_long"
