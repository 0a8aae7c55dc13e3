"""Default start-up: HTTPS from a local CA, and the first access key written once, mode 0600."""

from __future__ import annotations

import configparser
import os
import ssl
import stat
import subprocess
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.harness import CLINSCRIBE, Server, child_env, free_port, wait_ready


def _start(data_dir: Path, port: int) -> Server:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}.log"
    env = child_env(CLINSCRIBE_CPU_THREADS="2")
    process = subprocess.Popen([str(CLINSCRIBE), "serve", "--port", str(port), "--data-dir", str(data_dir)],
                               env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT)
    server = Server(data_dir, port, process, "https", env, log_path)
    wait_ready(server)
    return server


def test_https_with_local_ca_and_bootstrap_key(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "tls", free_port()
    server = _start(data_dir, port)
    try:
        creds = data_dir / "bootstrap-credentials"
        assert stat.S_IMODE(creds.stat().st_mode) == 0o600
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        ca = data_dir / "tls" / "ca.pem"
        assert str(ca) in server.log() and str(creds) in server.log()
        profile = configparser.ConfigParser()
        profile.read(creds)
        section = profile["clinscribe"]
        client = boto3.client("transcribe", endpoint_url=f"https://127.0.0.1:{port}", region_name="us-east-1",
                              aws_access_key_id=section["aws_access_key_id"],
                              aws_secret_access_key=section["aws_secret_access_key"], verify=str(ca),
                              config=Config(retries={"total_max_attempts": 1}))
        assert client.list_medical_transcription_jobs()["MedicalTranscriptionJobSummaries"] == []
        # Without trusting the CA the connection is refused by the client.
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"https://127.0.0.1:{port}/health", timeout=5)
        context = ssl.create_default_context(cafile=str(ca))
        with urllib.request.urlopen(f"https://localhost:{port}/health", timeout=5, context=context) as response:
            assert response.status == 200
    finally:
        server.stop()
    first_log = server.log()
    # A second start reuses the CA and key and says nothing more about the credentials file.
    before = (data_dir / "tls" / "ca.pem").read_bytes(), creds.read_bytes()
    server = _start(data_dir, port)
    try:
        assert ((data_dir / "tls" / "ca.pem").read_bytes(), creds.read_bytes()) == before
        assert server.log()[len(first_log):].count("bootstrap-credentials") == 0
    finally:
        server.stop()


def test_settings_from_environment(tmp_path: Path) -> None:
    from service.config import load_settings

    settings = load_settings(
        {"port": 9000},
        {"CLINSCRIBE_PORT": "8000", "CLINSCRIBE_PLAIN_HTTP": "true", "CLINSCRIBE_DATA_DIR": str(tmp_path),
         "CLINSCRIBE_WORKERS": "3", "CLINSCRIBE_S3_ENDPOINT_URL": "http://127.0.0.1:9999"},
    )
    assert settings.port == 9000  # a flag beats the environment
    assert settings.plain_http and settings.workers == 3 and settings.data_dir == tmp_path
    assert settings.base_url == "http://127.0.0.1:9000"
    assert load_settings({}, {}).port == 8443 and not load_settings({}, {}).plain_http


def test_given_certificate_is_used(tmp_path: Path) -> None:
    from service.tls import ensure_local_ca

    own = ensure_local_ca(tmp_path / "pki", ["clinscribe.hospital.internal"])
    port = free_port()
    data_dir = tmp_path / "given"
    data_dir.mkdir()
    env = child_env(CLINSCRIBE_TLS_CERT=str(own.cert), CLINSCRIBE_TLS_KEY=str(own.key))
    log_path = tmp_path / "given.log"
    process = subprocess.Popen([str(CLINSCRIBE), "serve", "--port", str(port), "--data-dir", str(data_dir)],
                               env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT)
    server = Server(data_dir, port, process, "https", env, log_path)
    try:
        wait_ready(server)
        assert not (data_dir / "tls").exists()
        context = ssl.create_default_context(cafile=str(own.ca))
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/health", timeout=5, context=context) as response:
            assert response.status == 200
    finally:
        server.stop()
    assert os.path.exists(own.cert)
