"""`clinscribe serve`: run the API on embedded defaults (or the configured backends)."""

from __future__ import annotations

import argparse
from pathlib import Path

import structlog

from service.app import create_app
from service.config import Settings, load_settings
from service.logs import configure_logging
from service.server import hypercorn_config, run
from service.services import build_services
from service.tls import ensure_local_ca


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="serve the Transcribe Medical API", description=__doc__)
    parser.add_argument("--role", choices=["all", "api", "worker", "stream"],
                        help="what this process does (default all; CLINSCRIBE_ROLE)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; CLINSCRIBE_HOST)")
    parser.add_argument("--port", type=int, help="port (default 8443; CLINSCRIBE_PORT)")
    parser.add_argument("--data-dir", type=Path, help="data directory (CLINSCRIBE_DATA_DIR)")
    parser.add_argument("--plain-http", action="store_true", default=None,
                        help="serve plain HTTP instead of HTTPS (local tests only)")
    parser.add_argument("--tls-cert", type=Path, help="server certificate chain (PEM) instead of the local CA")
    parser.add_argument("--tls-key", type=Path, help="private key (PEM) for --tls-cert")
    parser.add_argument("--workers", type=int, help="jobs decoded at once (CLINSCRIBE_WORKERS)")
    parser.add_argument("--model-dir", type=Path, help="CTranslate2 Whisper model directory")
    parser.add_argument("--database-url", help="postgresql://... for the shared store (CLINSCRIBE_DATABASE_URL)")
    parser.add_argument("--device", help="cpu or cuda")
    parser.add_argument("--compute-type", help="int8, float16, int8_float16, ...")
    parser.set_defaults(func=_serve)


def _settings(args: argparse.Namespace) -> Settings:
    names = ("role", "host", "port", "data_dir", "plain_http", "tls_cert", "tls_key", "workers", "model_dir",
             "database_url", "device", "compute_type")
    return load_settings({name: getattr(args, name) for name in names})


def _serve(args: argparse.Namespace) -> int:
    configure_logging()
    log = structlog.get_logger("clinscribe")
    settings = _settings(args)
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    services = build_services(settings)
    cert, key = settings.tls_cert, settings.tls_key
    notes = []
    if not settings.plain_http and not cert:
        hosts = [settings.host] if settings.host not in ("0.0.0.0", "::") else []
        tls = ensure_local_ca(settings.tls_dir, hosts)
        cert, key = tls.cert, tls.key
        notes.append(
            f"TLS: certificates from the local CA {tls.ca}. Trust it with boto3 verify='{tls.ca}', "
            f"AWS_CA_BUNDLE={tls.ca}, or SSL_CERT_FILE={tls.ca} for the streaming SDKs."
        )
    if services.bootstrap.created_file:
        notes.append(
            f"Created the first access key {services.bootstrap.key_id}; its secret is in "
            f"{services.bootstrap.created_file} (mode 0600). Use it with "
            f"AWS_SHARED_CREDENTIALS_FILE={services.bootstrap.created_file} AWS_PROFILE=clinscribe."
        )
    config = hypercorn_config(settings.host, settings.port, None if settings.plain_http else cert,
                              None if settings.plain_http else key)
    print(f"clinscribe serving on {settings.base_url} (data in {settings.data_dir})", flush=True)
    for note in notes:
        print(note, flush=True)
    log.info("server.start", url=settings.base_url, workers=settings.workers)
    run(create_app(services), config)
    return 0
