"""did:key and the eddsa-jcs-2022 Data Integrity proof against their specifications' vectors,
and the credentials the app makes against the Open Badges 3.0 JSON schema."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from journal_app.recognition import credentials
from journal_app.recognition.credentials import CredentialInvalid, EvidenceLine, Identity
from journal_app.recognition.didkey import (
    NotADidKey,
    did_key,
    private_key_of_multibase,
    public_key_of,
    verification_method,
)
from journal_app.recognition.proofs import add_proof, check_proof, hash_data

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vc-di-eddsa"
NOW = datetime(2026, 12, 3, 14, 5, tzinfo=timezone.utc)


def vector(name: str) -> str:
    return (VECTORS / name).read_text("utf-8").strip()


def public_of(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


# -- did:key ----------------------------------------------------------------------------------
@pytest.mark.parametrize("did", list(json.loads((DATA / "did-key-ed25519.json").read_text())))
def test_did_key_vectors_encode_and_decode(did):
    case = json.loads((DATA / "did-key-ed25519.json").read_text())[did]
    public = public_of(bytes.fromhex(case["seed"]))
    assert did_key(public) == did
    assert public_key_of(did) == public
    assert verification_method(public) == case["didDocument"]["verificationMethod"][0]["id"]
    assert public_key_of(verification_method(public)) == public


@pytest.mark.parametrize("bad", ["did:web:example.org", "did:key:", "did:key:z6Mk0OIl", "did:key:abc",
                                 "did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",  # an X25519 key
                                 "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#other",
                                 "did:key:z" + "1" * 500, 42, None])
def test_anything_else_is_not_a_did_key(bad):
    with pytest.raises(NotADidKey):
        public_key_of(bad)


# -- eddsa-jcs-2022: the W3C test vectors, step by step ---------------------------------------
def test_the_w3c_eddsa_jcs_2022_vectors():
    import hashlib

    import rfc8785

    keys = json.loads((VECTORS / "keyPair.json").read_text())
    private = private_key_of_multibase(keys["privateKeyMultibase"])
    assert did_key(public_of(private)) == "did:key:" + keys["publicKeyMultibase"]
    unsigned = json.loads((VECTORS / "unsigned.json").read_text())
    options = json.loads((VECTORS / "proofConfigJCS.json").read_text())
    assert rfc8785.dumps(unsigned).decode() == vector("canonDocJCS.txt")
    assert hashlib.sha256(rfc8785.dumps(unsigned)).hexdigest() == vector("docHashJCS.txt")
    assert rfc8785.dumps(options).decode() == vector("proofCanonJCS.txt")
    assert hashlib.sha256(rfc8785.dumps(options)).hexdigest() == vector("proofHashJCS.txt")
    assert hash_data(unsigned, options).hex() == vector("combinedHashJCS.txt")

    signed = add_proof(unsigned, private, datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc))
    expected = json.loads((VECTORS / "signedJCS.json").read_text())
    assert signed == expected
    assert signed["proof"]["proofValue"] == vector("sigBTC58JCS.txt")
    assert Ed25519PrivateKey.from_private_bytes(private).sign(hash_data(unsigned, options)).hex() == \
        vector("sigHexJCS.txt")
    assert check_proof(expected).ok


def test_the_vector_refuses_any_change():
    expected = json.loads((VECTORS / "signedJCS.json").read_text())
    changed = json.loads(json.dumps(expected))
    changed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    assert check_proof(changed).status == "altered"
    reordered = json.loads(json.dumps(expected))
    reordered["proof"]["@context"] = list(reversed(reordered["proof"]["@context"]))
    assert check_proof(reordered).status == "altered"
    gone = {k: v for k, v in expected.items() if k != "proof"}
    assert check_proof(gone).status == "missing"
    other = json.loads(json.dumps(expected))
    other["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert check_proof(other).status == "unsupported"


# -- the credentials the app makes, against the Open Badges 3.0 schema -------------------------
SCHEMA = json.loads((DATA / "ob_v3p0_achievementcredential_schema.json").read_text("utf-8"))


def achievement_errors(document: dict) -> list[str]:
    from jsonschema import Draft201909Validator

    return [e.message for e in Draft201909Validator(SCHEMA).iter_errors(document)]


def endorsement_errors(document: dict) -> list[str]:
    from jsonschema import Draft201909Validator

    schema = {**SCHEMA, "$ref": "#/$defs/EndorsementCredential"}
    for key in ("type", "properties", "required", "additionalProperties"):
        schema.pop(key, None)
    return [e.message for e in Draft201909Validator(schema).iter_errors(document)]


def made() -> tuple[dict, dict, dict]:
    member = Identity.create("Camille", secrets.token_bytes)
    peer = Identity.create("Sam", secrets.token_bytes)
    circle = Identity.create("Cercle du jeudi", secrets.token_bytes)
    claim = credentials.claim(member, "focusing", "Focusing", "J’accompagne une séance sans la diriger.",
                              [EvidenceLine("Pratiques guidées", "12 séances, 180 minutes")], "fr", NOW,
                              secrets.token_bytes)
    checked = credentials.check(claim)
    endorsement = credentials.endorse(peer, checked, "Je l’ai vue tenir l’espace pour le cercle.", "fr", NOW,
                                      secrets.token_bytes)
    badge = credentials.circle_badge(circle, checked, "Reconnu par le cercle : Focusing",
                                     "Trois pairs du cercle ont reconnu cette compétence.", 3, "fr", NOW,
                                     secrets.token_bytes)
    return claim, endorsement, badge


@pytest.mark.extras  # jsonschema comes with the test extra, not with the phone's member side
def test_every_credential_the_app_makes_meets_the_open_badges_schema_and_verifies():
    claim, endorsement, badge = made()
    assert achievement_errors(claim) == []
    assert achievement_errors(badge) == []
    assert endorsement_errors(endorsement) == []
    assert achievement_errors({"type": ["VerifiableCredential"]})  # the schema does refuse things
    for document, kind in ((claim, "achievement"), (endorsement, "endorsement"), (badge, "achievement")):
        checked = credentials.read(json.dumps(document, ensure_ascii=False).encode())
        assert (checked.status, checked.kind) == ("ok", kind)
    assert credentials.check(claim).self_issued and not credentials.check(badge).self_issued
    assert credentials.check(endorsement).subject_id == claim["id"]


def test_every_credential_the_app_makes_verifies():
    claim, endorsement, badge = made()
    for document, kind in ((claim, "achievement"), (endorsement, "endorsement"), (badge, "achievement")):
        assert (credentials.check(document).status, credentials.check(document).kind) == ("ok", kind)


def paths(value, prefix=()):
    """Every leaf of a JSON document, as a path of keys and indexes."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*prefix, i))
    else:
        yield prefix


def changed(document: dict, path: tuple) -> dict:
    copy = json.loads(json.dumps(document))
    node = copy
    for step in path[:-1]:
        node = node[step]
    value = node[path[-1]]
    node[path[-1]] = (value + "x") if isinstance(value, str) else (value + 1 if isinstance(value, int) else "x")
    return copy


@pytest.mark.parametrize("which", [0, 1, 2], ids=["claim", "endorsement", "circle badge"])
def test_each_field_changed_is_refused(which):
    document = made()[which]
    for path in paths(document):
        if path[-1] == "proofValue" or path[:1] == ("@context",) or path[-1] in ("type", "cryptosuite"):
            continue  # below: these make the file unreadable or the proof of another kind
        try:
            status = credentials.check(changed(document, path)).status
        except CredentialInvalid:
            continue  # no longer a credential at all: refused too
        assert status in ("altered", "wrong_issuer"), (path, status)
    signature = json.loads(json.dumps(document))
    signature["proof"][0]["proofValue"] = signature["proof"][0]["proofValue"][:-2] + "11"
    assert credentials.check(signature).status == "altered"
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    assert credentials.check(unsigned).status == "unsigned"


def test_a_key_swapped_is_not_signed_by_the_issuer_it_names():
    claim, _, _ = made()
    thief = Identity.create("Quelqu’un d’autre", secrets.token_bytes)
    resigned = add_proof(claim, thief.private_key, NOW)  # a valid proof, by another key
    assert check_proof(resigned).ok
    assert credentials.check(resigned).status == "wrong_issuer"
    swapped = json.loads(json.dumps(claim))
    swapped["proof"][0]["verificationMethod"] = verification_method(public_key_of(thief.did))
    assert credentials.check(swapped).status == "wrong_issuer"


@pytest.mark.parametrize("data", [
    b"", b"{", b"[]", b"null", b'"texte"', b"\xff\xfe", "{}".encode(),
    b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"}',
    b"[" * 100_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"x": "' + b"a" * (300 * 1024) + b'"}',
], ids=["empty", "cut", "list", "null", "string", "not utf-8", "empty object", "no OB context", "deep list",
        "deep object", "huge"])
def test_malformed_credentials_are_one_clear_error(data):
    with pytest.raises(CredentialInvalid) as refused:
        credentials.read(data)
    assert refused.value.message("fr") != refused.value.key


def test_wrong_types_inside_are_refused():
    claim, _, _ = made()
    for path, value in ((("issuer",), 3), (("credentialSubject",), []), (("credentialSubject", "achievement"), "x"),
                        (("evidence",), {"a": 1}), (("type",), [1, 2]), (("name",), None)):
        copy = json.loads(json.dumps(claim))
        node = copy
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        try:
            status = credentials.check(copy).status
        except CredentialInvalid:
            continue
        assert status != "ok", path


# -- round 4: dates, text that cannot be written, what « counted by the journal » means ------------
def signed_by(identity: Identity, document: dict, **changes) -> dict:
    """`document` changed, then signed again by `identity` (a well-signed file of any shape)."""
    unsigned = {k: v for k, v in json.loads(json.dumps(document)).items() if k != "proof"}
    unsigned.update(changes)
    return add_proof(unsigned, identity.private_key, NOW, as_set=True)


def a_claim() -> tuple[Identity, dict]:
    member = Identity.create("Camille", secrets.token_bytes)
    return member, credentials.claim(member, "focusing", "Focusing", "J’accompagne une séance sans la diriger.",
                                     [EvidenceLine("Pratiques guidées", "900 pratiques, 600 heures.")], "fr", NOW,
                                     secrets.token_bytes)


def test_validity_dates_are_checked():
    from datetime import timedelta

    member, claim = a_claim()
    assert credentials.check(claim, NOW).status == "ok"
    future = signed_by(member, claim, validFrom="2099-01-01T00:00:00Z")
    assert credentials.check(future, NOW).status == "not_yet_valid"
    expired = signed_by(member, claim, validUntil="2000-01-01T00:00:00Z")
    assert credentials.check(expired, NOW).status == "expired"
    both = signed_by(member, claim, validFrom="2099-01-01T00:00:00Z", validUntil="2000-01-01T00:00:00Z")
    assert credentials.check(both, NOW).status != "ok"
    later = signed_by(member, claim, validUntil="2027-01-01T00:00:00Z")
    assert credentials.check(later, NOW).status == "ok"
    assert credentials.check(later, datetime(2027, 6, 1, tzinfo=timezone.utc)).status == "expired"
    # a phone's clock a few minutes behind the signer's is not "not yet valid"
    assert credentials.check(claim, NOW - timedelta(minutes=10)).status == "ok"
    for bad in ("demain", 20991231, "2099-13-45T00:00:00Z"):
        with pytest.raises(CredentialInvalid):
            credentials.check(signed_by(member, claim, validUntil=bad), NOW)
    from journal_app.usecases.recognition import describe_credential

    assert describe_credential(credentials.check(expired, NOW), "fr")[0].startswith("Expiré")
    assert describe_credential(credentials.check(future, NOW), "en")[0].startswith("Not valid yet")


def test_a_lone_surrogate_is_one_clear_error_not_a_crash():
    _, claim = a_claim()
    document = json.loads(json.dumps(claim))
    document["issuer"]["name"] = "\ud800"  # (JCS cannot sign it: its proof no longer holds)
    data = json.dumps(document).encode("ascii")  # "\ud800" as a JSON escape: valid JSON, not writable text
    with pytest.raises(CredentialInvalid):
        credentials.read(data)


def test_counted_by_the_journal_is_said_only_of_what_this_journal_counted():
    from journal_app.usecases.recognition import describe_credential

    _, claim = a_claim()
    someone_elses = describe_credential(credentials.check(claim, NOW), "fr")
    assert not any("Compté par le journal" in line for line in someone_elses)
    assert "Déclaré par l’émetteur — Pratiques guidées\u00a0: 900 pratiques, 600 heures." in someone_elses
    assert not any("Counted by the journal" in line for line in describe_credential(credentials.check(claim), "en"))
    mine = describe_credential(credentials.check(claim, NOW), "fr", counted_here=True)
    assert "Compté par le journal — Pratiques guidées\u00a0: 900 pratiques, 600 heures." in mine


# -- JSON-LD: every credential expands under its own contexts, served offline ---------------------
CONTEXTS = DATA / "jsonld-contexts"
SERVED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
}


def expand_safely(document: dict) -> list:
    """JSON-LD expansion with the checks of JSON-LD's safe mode: a term no context defines (a
    dropped property, or a relative `@type` or `@id`) is an error, not silently lost. pyld 3.3 has
    no `safeMode` option (it ignores it), so the checks are made here, on pyld's own expansion;
    the contexts come only from tests/data/jsonld-contexts (SOURCES.md), never from the network."""
    from pyld import jsonld

    def loader(url: str, options: dict | None = None) -> dict:
        if url not in SERVED:
            raise jsonld.JsonLdError(f"not served offline: {url}", "jsonld.LoadDocumentError")
        document = json.loads((CONTEXTS / SERVED[url]).read_text("utf-8"))
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}

    def dropped(term: object) -> None:
        raise ValueError(f"term not defined by the contexts: {term!r}")

    expanded = jsonld.expand(document, {"documentLoader": loader}, on_property_dropped=dropped)

    def absolute(iri: object) -> bool:  # pyld resolves a relative IRI against its placeholder base
        return isinstance(iri, str) and ":" in iri and not iri.startswith(("_:", "#", jsonld.DEFAULT_BASE_IRI))

    stack: list = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for kind in node.get("@type", []) if isinstance(node.get("@type"), list) else []:
                if not absolute(kind):
                    raise ValueError(f"relative @type: {kind!r}")
            if "@id" in node and not absolute(node["@id"]):
                raise ValueError(f"relative @id: {node['@id']!r}")
            stack.extend(v for k, v in node.items() if k not in ("@type", "@id", "@value"))
    return expanded


@pytest.mark.extras  # pyld comes with the test extra
def test_every_credential_the_app_makes_is_json_ld_under_its_own_contexts_and_verifies():
    for document in made():
        assert document["@context"] == credentials.CONTEXTS
        expanded = expand_safely(document)
        assert json.dumps(expanded).count("https://purl.imsglobal.org/spec/vccs/v1p0/context.json#"
                                          "1EdTechJsonSchemaValidator2019") == (1 if "credentialSchema" in document
                                                                                else 0)
        assert credentials.check(document).ok
    # What the app made before extensions.json was added is not valid JSON-LD (and still verifies).
    member, claim = a_claim()
    older = signed_by(member, claim, **{"@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT]})
    with pytest.raises(ValueError, match="1EdTechJsonSchemaValidator2019"):
        expand_safely(older)
    assert credentials.check(older).ok
    with pytest.raises(Exception, match="example.org/elsewhere"):  # never fetched: only the files are served
        expand_safely({**claim, "@context": [*claim["@context"], "https://example.org/elsewhere"]})
