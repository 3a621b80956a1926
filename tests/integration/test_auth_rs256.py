"""Production auth: RS256 tokens verified against a JWKS URL, with issuer and audience checked.
The identity provider is a real HTTP server on loopback serving a generated key set."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.gateway import running_gateway

ISSUER, AUDIENCE = "https://id.example/", "coursegen"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key):
    jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


def rs256(key, **overrides) -> str:
    now = int(time.time())
    claims = {"sub": "auth0|alice", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300}
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
async def production_gateway(settings, jwks_url):
    rs_settings = settings.model_copy(update={
        "jwt_secret": None, "jwt_jwks_url": jwks_url, "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE})
    async with running_gateway(rs_settings) as client:
        yield client


async def test_valid_rs256_token_is_accepted_and_sub_is_the_user(production_gateway, signing_key):
    headers = {"Authorization": f"Bearer {rs256(signing_key)}"}
    created = await production_gateway.post("/api/projects/", json={"title": "t"}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["user_id"] == "auth0|alice"


@pytest.mark.parametrize("overrides, reason", [
    ({"iss": "https://evil.example/"}, "issuer"),
    ({"aud": "someone-else"}, "audience"),
    ({"exp": int(time.time()) - 10}, "expired"),
])
async def test_wrong_issuer_audience_or_expiry_is_401(production_gateway, signing_key, overrides, reason):
    headers = {"Authorization": f"Bearer {rs256(signing_key, **overrides)}"}
    response = await production_gateway.get("/api/projects/", headers=headers)
    assert response.status_code == 401
    assert reason in response.json()["detail"].lower()


async def test_token_signed_by_another_key_or_hs256_is_401(production_gateway):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for token in (rs256(other), jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, "k" * 40)):
        response = await production_gateway.get("/api/projects/", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, response.text
