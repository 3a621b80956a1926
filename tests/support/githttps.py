"""A real git server over HTTPS for the tests: `git http-backend` behind a small threaded HTTP
server with a self-signed certificate, so clones go through curl exactly as they do against a
forge. Repositories named in `private` answer 401 unless the request carries their token (the
Basic password, as GitHub and GitLab take it); `redirects` answer 301 to another URL.

Clients trust the certificate through GIT_SSL_CAINFO=<server.ca_file>."""
from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# A name only the tests use: a clone reaches it only through a pinned address (curloptResolve).
TEST_HOST_NAME = "git.coursegen.test"


def write_certificate(folder: Path, names: tuple[str, ...] = ("localhost", TEST_HOST_NAME)) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and `names`; returns (certificate, key) files.
    One already in `folder` is kept, so servers sharing a folder share the certificate."""
    cert_file, key_file = folder / "server.crt", folder / "server.key"
    if cert_file.exists() and key_file.exists():
        return cert_file, key_file
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "coursegen test git server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    alternatives = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class GitHttpsServer:
    """Serves the bare repositories under `root` at https://127.0.0.1:<port>/<name>."""

    def __init__(self, root: Path, tls_folder: Path, private: dict[str, set[str]] | None = None,
                 redirects: dict[str, str] | None = None, config: dict[str, str] | None = None):
        self.root = root
        self.config = config or {}  # more of the server's git configuration (command-line scope)
        self.private = private or {}  # repository name -> tokens that may read it
        self.redirects = redirects or {}  # path prefix -> URL prefix answered with 301
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for assertions
        self.ca_file, key_file = write_certificate(tls_folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, name: str, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}/{name}"

    def __enter__(self) -> "GitHttpsServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def publish(self, working_repo: Path, name: str) -> Path:
        """A bare copy of `working_repo` served as `name`."""
        target = self.root / name
        subprocess.run(["git", "clone", "--quiet", "--bare", str(working_repo), str(target)], check=True,
                       capture_output=True)
        return target

    def may_read(self, name: str, authorization: str | None) -> bool:
        tokens = self.private.get(name)
        if tokens is None:
            return True
        if not authorization or not authorization.startswith("Basic "):
            return False
        try:
            _, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            return False
        return password in tokens


def _handler_for(server: GitHttpsServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: pytest shows failures, not access logs
            pass

        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self._body())

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = bytearray()
                while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
                return bytes(body)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _serve(self, body: bytes) -> None:
            path, _, query = self.path.partition("?")
            server.requests.append((self.command, path))
            for prefix, target in server.redirects.items():
                if path.startswith(prefix):
                    return self._reply(301, b"", {"Location": target + path[len(prefix):] + (f"?{query}" if query else "")})
            name = path.lstrip("/").split("/", 1)[0]
            if not server.may_read(name, self.headers.get("Authorization")):
                return self._reply(401, b"authentication required\n",
                                   {"WWW-Authenticate": 'Basic realm="coursegen test"'})
            self._backend(path, query, body)

        def _backend(self, path: str, query: str, body: bytes) -> None:
            env = {
                "PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": str(server.root), "GIT_HTTP_EXPORT_ALL": "1",
                "REQUEST_METHOD": self.command, "PATH_INFO": path, "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
                "REMOTE_ADDR": "127.0.0.1", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(server.root),
            }
            # What forges allow: partial clone filters and fetching a commit by its sha.
            config = {"uploadpack.allowFilter": "true", "uploadpack.allowAnySHA1InWant": "true", **server.config}
            env["GIT_CONFIG_COUNT"] = str(len(config))
            for index, (key, value) in enumerate(config.items()):
                env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
            for header, variable in (("Git-Protocol", "GIT_PROTOCOL"), ("Content-Encoding", "HTTP_CONTENT_ENCODING")):
                if self.headers.get(header):
                    env[variable] = self.headers[header]
            result = subprocess.run([shutil.which("git") or "git", "http-backend"], input=body, env=env,
                                    capture_output=True, timeout=60)
            head, _, payload = result.stdout.partition(b"\r\n\r\n")
            if not _:
                head, _, payload = result.stdout.partition(b"\n\n")
            status, headers = 200, {}
            for line in head.decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers[name.strip()] = value.strip()
            self._reply(status, payload, headers)

        def _reply(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
