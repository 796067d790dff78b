"""Starts `coach serve` processes fast, for tests that SIGKILL the server again and again.

Run as a script: it imports the server's modules once, then reads `PORT` lines on stdin and
forks a child per line that runs `coach serve --host 127.0.0.1 --port PORT` (the CLI's own
code), printing the child's pid. A forked child skips the ~2 s of imports a fresh process pays.
"""

from __future__ import annotations

import os
import signal
import sys


def preload() -> None:
    """Import what `coach serve` imports (modules only: no database, index or model is opened)."""
    import chromadb  # noqa: F401
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401
    import uvicorn  # noqa: F401

    import bot.api  # noqa: F401
    import bot.cli.serve_cmds  # noqa: F401
    import bot.factory  # noqa: F401


def serve(port: int) -> None:
    """In the child: run the `coach serve` command itself."""
    from bot.cli.serve_cmds import serve_command

    try:
        serve_command(host="127.0.0.1", port=port, log_level="warning")
    finally:
        os._exit(0)


def main() -> None:
    """Fork one server per port read from stdin."""
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped by the kernel
    print("ready", flush=True)
    for line in sys.stdin:
        port = int(line)
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            log = os.open("server.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(log, 1)  # stdout is the pipe the test reads pids from
            os.dup2(log, 2)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            serve(port)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
