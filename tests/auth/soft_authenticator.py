"""A software passkey authenticator: an EC P-256 key that answers WebAuthn options as a browser
with a security key would, building clientDataJSON and authenticatorData byte by byte, so the
server's real py_webauthn verification runs over them."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
FLAG_ATTESTED_DATA = 0x40


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    def __init__(self, origin: str, rp_id: str) -> None:
        self.origin = origin
        self.rp_id = rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin}
        ).encode()

    def _auth_data(self, flags: int, extra: bytes = b"", rp_id: str | None = None) -> bytes:
        rp_hash = hashlib.sha256((rp_id or self.rp_id).encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + extra

    def register(self, options: dict, origin: str | None = None) -> str:
        """The answer to navigator.credentials.create(), as passkeys.js sends it."""
        assert options["rp"]["id"] == self.rp_id
        attested = (
            bytes(16)  # AAGUID: none, as many authenticators send without attestation
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        flags = FLAG_USER_PRESENT | FLAG_USER_VERIFIED | FLAG_ATTESTED_DATA
        auth_data = self._auth_data(flags, attested)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._answer(
            {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            }
        )

    def sign_in(
        self,
        options: dict,
        *,
        count_up: bool = True,
        tamper: bool = False,
        origin: str | None = None,
        rp_id: str | None = None,
    ) -> str:
        """The answer to navigator.credentials.get(). `tamper` spoils the signature."""
        if count_up:
            self.sign_count += 1
        auth_data = self._auth_data(FLAG_USER_PRESENT | FLAG_USER_VERIFIED, rp_id=rp_id)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        if tamper:
            signature = self.key.sign(signed + b"x", ec.ECDSA(hashes.SHA256()))
        return self._answer(
            {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            }
        )

    def _answer(self, response: dict) -> str:
        """The credential as passkeys.js serialises it."""
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": response,
            }
        )
