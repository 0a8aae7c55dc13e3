"""The console script: transcribe, model and media subcommands as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.harness import CLINSCRIBE, child_env


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(CLINSCRIBE), *args], env=child_env(), capture_output=True, input=stdin, timeout=300)


def test_transcribe_prints_the_transcript(fixtures_dir: Path) -> None:
    result = _run("transcribe", str(fixtures_dir / "audio" / "jfk.flac"))
    assert result.returncode == 0, result.stderr.decode()
    assert "ask not what your country can do for you" in result.stdout.decode().lower()


def test_transcribe_json(fixtures_dir: Path) -> None:
    result = _run("transcribe", str(fixtures_dir / "audio" / "en-gb.webm"), "--json", "--type", "CONVERSATION")
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(result.stdout)
    assert document["status"] == "COMPLETED"
    assert document["results"]["items"][0]["type"] == "pronunciation"


def test_transcribe_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not audio")
    result = _run("transcribe", str(bad))
    assert result.returncode == 2
    assert "couldn't be decoded" in result.stderr.decode()
    assert _run("transcribe", str(tmp_path / "absent.wav")).returncode == 2


def test_model_path_and_install_are_idempotent() -> None:
    path = _run("model", "path").stdout.decode().strip()
    assert Path(path, "model.bin").is_file()
    result = _run("model", "install")
    assert result.returncode == 0 and "verified" in result.stdout.decode()


def test_media_put_needs_an_account_when_ambiguous(tmp_path: Path) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(b"RIFF")
    result = _run("media", "put", str(clip), "s3://bucket-one/clip.wav", "--data-dir", str(tmp_path / "empty"))
    assert result.returncode != 0
    assert "--account" in result.stderr.decode()
    result = _run("media", "put", str(clip), "not-a-uri", "--account", "111122223333", "--data-dir", str(tmp_path))
    assert result.returncode != 0 and "s3://" in result.stderr.decode()
    result = _run("media", "put", str(clip), "s3://bucket-one/a/clip.wav", "--account", "111122223333",
                  "--data-dir", str(tmp_path))
    assert result.returncode == 0
    stored = tmp_path / "buckets" / "111122223333" / "bucket-one" / "a" / "clip.wav"
    # Sealed at rest: the raw file is not the media, and the store opens it back.
    assert stored.is_file() and b"RIFF" not in stored.read_bytes()
    from service.config import load_settings
    from service.store.backends import open_stores

    stores = open_stores(load_settings({"data_dir": tmp_path}))
    assert stores.buckets("111122223333").get("bucket-one", "a/clip.wav") == b"RIFF"


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    created = _run("keys", *data, "create", "--role", "compliance")
    assert created.returncode == 0, created.stderr.decode()
    key = json.loads(created.stdout)
    assert key["Role"] == "compliance" and len(key["SecretAccessKey"]) == 40 and key["AccountId"].isdigit()
    listed = json.loads(_run("keys", *data, "list", "--json").stdout)
    assert listed == [{"AccessKeyId": key["AccessKeyId"], "AccountId": key["AccountId"], "Role": "compliance",
                       "Status": "Active"}]
    assert key["SecretAccessKey"] not in _run("keys", *data, "list").stdout.decode()
    assert _run("keys", *data, "revoke", key["AccessKeyId"]).returncode == 0
    assert json.loads(_run("keys", *data, "list", "--json").stdout)[0]["Status"] == "Revoked"
    assert _run("keys", *data, "revoke", "CLINNOSUCHKEY").returncode == 1
