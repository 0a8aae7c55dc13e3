"""Serving the app with hypercorn: HTTPS with HTTP/2 by ALPN, or plain HTTP for local tests."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from hypercorn.asyncio import serve
from hypercorn.config import Config
from litestar import Litestar


def hypercorn_config(host: str, port: int, cert: Path | None, key: Path | None) -> Config:
    config = Config()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    if cert and key:
        config.certfile = str(cert)
        config.keyfile = str(key)
        config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = None
    config.errorlog = "-"
    # Streams and long uploads: don't cut idle keep-alive connections too early.
    config.keep_alive_timeout = 75
    config.graceful_timeout = 10
    return config


def run(app: Litestar, config: Config) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]

    asyncio.run(main())
