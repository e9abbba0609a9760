"""W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (Data Integrity EdDSA
Cryptosuites v1.0, §3.3): the document and the proof options are each canonicalized with the JSON
Canonicalization Scheme (RFC 8785), hashed with SHA-256, and the two hashes (options first) are
signed with Ed25519; the signature travels as base58btc multibase in `proofValue`.

Checked against the specification's test vectors (tests/data/vc-di-eddsa/)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from journal_app.recognition.didkey import (
    NotADidKey,
    multibase_decode,
    multibase_encode,
    public_key_of,
    verification_method,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"


@dataclass(frozen=True)
class ProofCheck:
    """What checking a proof found: `ok`, or why not (`missing`, `unsupported`, `malformed`,
    `altered`), and the verification method it names."""

    status: str
    method: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _jcs(value: Any) -> bytes:
    return bytes(rfc8785.dumps(value))


def hash_data(unsecured: dict[str, Any], options: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof options, then SHA-256 of the canonical document."""
    return hashlib.sha256(_jcs(options)).digest() + hashlib.sha256(_jcs(unsecured)).digest()


def utc_stamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second: `2026-12-03T14:05:00Z` (a naive time is local)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_proof(document: dict[str, Any], private_key: bytes, created: datetime,
              purpose: str = "assertionMethod", *, as_set: bool = False) -> dict[str, Any]:
    """A copy of `document` with an `eddsa-jcs-2022` proof by the did:key of `private_key`; with
    `as_set`, the proof is written as a set of one (a list), as Open Badges 3.0's schema wants."""
    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    public = signer.public_key().public_bytes_raw()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": utc_stamp(created),
                               "verificationMethod": verification_method(public), "proofPurpose": purpose}
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = signer.sign(hash_data(unsecured, options))
    proof = {**options, "proofValue": multibase_encode(signature)}
    return {**unsecured, "proof": [proof] if as_set else proof}


def check_proof(secured: dict[str, Any], purpose: str = "assertionMethod") -> ProofCheck:
    """Verify the document's `eddsa-jcs-2022` proof (§3.3.2 of the specification), or its set of
    one (each proof of a set covers the document without the set)."""
    proof = secured.get("proof")
    if proof is None or proof == []:
        return ProofCheck("missing")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return ProofCheck("malformed")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck("unsupported")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or proof.get("proofPurpose") != purpose:
        return ProofCheck("malformed")
    try:
        public = public_key_of(method)
        signature = multibase_decode(value)
    except (NotADidKey, ValueError):
        return ProofCheck("malformed", method)
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        # The document's context must start with the proof's, in the same order.
        context, expected = unsecured.get("@context"), options["@context"]
        if not isinstance(context, list) or not isinstance(expected, list) or context[:len(expected)] != expected:
            return ProofCheck("altered", method)
        unsecured["@context"] = expected
    try:
        data = hash_data(unsecured, options)
    except (rfc8785.CanonicalizationError, RecursionError):
        return ProofCheck("malformed", method)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return ProofCheck("altered", method)
    return ProofCheck("ok", method)
