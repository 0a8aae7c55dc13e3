"""Starting and talking to a real clinscribe server process in tests."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ROOT = Path(__file__).resolve().parent.parent
CLINSCRIBE = Path(sys.executable).parent / "clinscribe"
ACCOUNT = "111122223333"
KEY_ID = "CLINTESTKEY000000001"
SECRET = "test-secret-key-0123456789abcdefghijklmn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLINSCRIBE_", "AWS_"))}
    # The network guard rides along into every child Python process.
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests" / "netguard"), str(ROOT)])
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return env


@dataclass
class Server:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]
    scheme: str = "http"
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def client(self, service: str, key_id: str = KEY_ID, secret: str = SECRET, **config: Any) -> Any:
        verify: str | bool = str(self.data_dir / "tls" / "ca.pem") if self.scheme == "https" else False
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            verify=verify,
            config=Config(retries={"total_max_attempts": 1}, signature_version="s3v4" if service == "s3" else None,
                          s3={"addressing_style": "path"}, **config),
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(data_dir: Path, *args: str, plain_http: bool = True, port: int | None = None,
                 **env: str) -> Server:
    port = port or free_port()
    defaults = {
        "CLINSCRIBE_BOOTSTRAP_ACCESS_KEY_ID": KEY_ID,
        "CLINSCRIBE_BOOTSTRAP_SECRET_ACCESS_KEY": SECRET,
        "CLINSCRIBE_BOOTSTRAP_ACCOUNT_ID": ACCOUNT,
        "CLINSCRIBE_CPU_THREADS": "2",
    }
    environment = child_env(**{**defaults, **env})
    command = [str(CLINSCRIBE), "serve", "--port", str(port), "--data-dir", str(data_dir), *args]
    if plain_http:
        command.append("--plain-http")
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    log_file = log_path.open("ab")
    process = subprocess.Popen(command, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    server = Server(data_dir, port, process, "http" if plain_http else "https", environment, log_path)
    wait_ready(server)
    return server


def wait_ready(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not listening after {timeout}s:\n{server.log()}")


def put_media(server: Server, source: Path | bytes, uri: str, account: str = ACCOUNT) -> None:
    """Fill a local bucket through the CLI, as a user would."""
    path = source if isinstance(source, Path) else None
    if path is None:
        path = server.data_dir.parent / f"upload-{time.monotonic_ns()}"
        path.write_bytes(source)  # type: ignore[arg-type]
    subprocess.run(
        [str(CLINSCRIBE), "media", "put", str(path), uri, "--account", account, "--data-dir", str(server.data_dir)],
        check=True, env=server.env, capture_output=True,
    )


def wait_for_job(client: Any, name: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get_medical_transcription_job(MedicalTranscriptionJobName=name)[
            "MedicalTranscriptionJob"
        ]
        if job["TranscriptionJobStatus"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(0.25)
    raise TimeoutError(f"job {name} did not finish in {timeout}s")


def start_job(client: Any, name: str, uri: str, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "MedicalTranscriptionJobName": name,
        "LanguageCode": "en-US",
        "Media": {"MediaFileUri": uri},
        "OutputBucketName": "clinscribe-output",
        "Specialty": "PRIMARYCARE",
        "Type": "DICTATION",
    }
    params.update(extra)
    result: dict[str, Any] = client.start_medical_transcription_job(**params)["MedicalTranscriptionJob"]
    return result


def fetch_transcript(s3: Any, job: dict[str, Any]) -> dict[str, Any]:
    uri = job["Transcript"]["TranscriptFileUri"]
    bucket, key = uri.split("/", 4)[3:]
    document: dict[str, Any] = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return document


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def raw_call(
    server: Server,
    operation: str,
    body: dict[str, Any] | bytes,
    key_id: str = KEY_ID,
    secret: str = SECRET,
    when: dt.datetime | None = None,
    service: str = "transcribe",
    target: str | None = None,
) -> RawResponse:
    """A SigV4-signed JSON 1.1 request that bypasses boto3's client-side checks."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target or f"Transcribe.{operation}",
    }
    request = AWSRequest(method="POST", url=server.url + "/", data=data, headers=headers)
    signer = SigV4Auth(Credentials(key_id, secret), service, "us-east-1")
    if when is None:
        signer.add_auth(request)
    else:
        request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        request.headers["X-Amz-Date"] = request.context["timestamp"]
        signature = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        scope = f"{key_id}/{when:%Y%m%d}/us-east-1/{service}/aws4_request"
        signed = ";".join(signer.signed_headers(signer.headers_to_sign(request)).split(";"))
        request.headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={signed}, Signature={signature}"
        )
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=data, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return _raw(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return _raw(error.code, error.headers, error.read())


def _raw(status: int, headers: Any, body: bytes) -> RawResponse:
    return RawResponse(status, {k.lower(): v for k, v in headers.items()}, json.loads(body or b"{}"))


def key_store(server: Server) -> Any:
    """The server's own (sealed) key store, opened from its data directory as the keys CLI does."""
    from service.config import load_settings
    from service.store.backends import open_stores

    return open_stores(load_settings({"data_dir": server.data_dir}, {})).keys


# Credentials moto_server accepts, for the server's S3 client (as AWS_* variables) and the tests' own.
MOTO_ENV = {"AWS_ACCESS_KEY_ID": "moto-key", "AWS_SECRET_ACCESS_KEY": "moto-secret", "AWS_DEFAULT_REGION": "us-east-1"}


def moto_client(moto_url: str) -> Any:
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1",
                        aws_access_key_id=MOTO_ENV["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=MOTO_ENV["AWS_SECRET_ACCESS_KEY"],
                        config=Config(s3={"addressing_style": "path"}))
