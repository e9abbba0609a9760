"""Peer recognition: a member's portfolio of practice, skills claimed and endorsed by peers, as
Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0) signed with Data Integrity
`eddsa-jcs-2022` proofs and `did:key` identities, verifiable offline by anyone."""
