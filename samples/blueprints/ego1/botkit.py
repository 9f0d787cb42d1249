"""Shared code of the sample bot's components: settings, logging, HTTP and clean shutdown.

Standard library only (Python 3.9+). Every component reads its settings from the environment
(Cloner's supervisor passes the clone's .env in) and falls back to ./.env for keys that are
not set there, logs to stdout, binds 127.0.0.1 only and exits 0 within a second on SIGTERM.
"""

import datetime
import hashlib
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The keys of the env: map in blueprint.yaml; keep the two lists the same.
ENV_KEYS = (
    "BOT_TOKEN", "PORT", "VK_PORT", "WEBSOCKET_PORT",
    "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",
    "SESSION_ID", "SESSION_ID2", "BOT_NUMBER",
)

# Keys whose values are never logged.
SECRET_KEYS = ("BOT_TOKEN", "DB_PASSWORD", "SESSION_ID", "SESSION_ID2")

HEARTBEAT_SECONDS = 5.0

_log_lock = threading.Lock()


def read_env_file(path=".env"):
    """Reads KEY='value' lines (also KEY="value" and KEY=value); a missing file is empty."""
    values = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return values
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[len("export "):].strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


class Settings:
    """The blueprint's env keys as this process sees them: environment first, then ./.env."""

    def __init__(self, component):
        from_file = read_env_file()
        self.values = {}
        for key in ENV_KEYS:
            if key in os.environ:
                self.values[key] = os.environ[key]
            elif key in from_file:
                self.values[key] = from_file[key]
        self.clone = os.environ.get("CLONER_CLONE") or from_file.get("CLONER_CLONE") or "local"
        self.component = os.environ.get("CLONER_COMPONENT") or component

    def get(self, key, default=""):
        return self.values.get(key, default)

    def port(self, key):
        text = self.get(key)
        try:
            port = int(text)
        except ValueError:
            fail(f"{key} must be a port number, got {text!r}; set it in the environment or .env")
        if not 1 <= port <= 65535:
            fail(f"{key} must be a port number from 1 to 65535, got {port}")
        return port

    def hashes(self):
        """{KEY: sha256 hex of the value} for every key read, so values can be checked safely."""
        return {k: hashlib.sha256(v.encode("utf-8")).hexdigest() for k, v in self.values.items()}


def log(settings, message):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with _log_lock:
        try:
            sys.stdout.write(f"{stamp} {settings.clone}/{settings.component} {message}\n")
            sys.stdout.flush()
        except OSError:
            _drop_output()


def _drop_output():
    """Sends stdout and stderr to /dev/null once the reader of their pipe is gone.

    Cloner reads a component's output through pipes that end with the Cloner process. A bot
    that died of the broken pipe could not be re-adopted by the next Cloner, so it keeps
    serving and its lines are lost until it is restarted.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass
    os.close(devnull)


def fail(message):
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    sys.exit(2)


class Lifetime:
    """Turns SIGTERM and SIGINT into a stop event and runs the heartbeat."""

    def __init__(self, settings):
        self.settings = settings
        self.stopping = threading.Event()
        self.signal_name = None
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, number, _frame):
        # Runs in the main thread, possibly inside log(); so it only records and wakes wait().
        self.signal_name = signal.Signals(number).name
        self.stopping.set()

    def wait(self, on_beat=None, every=HEARTBEAT_SECONDS):
        """Blocks in the main thread until a stop signal, logging a heartbeat now and then."""
        beats = 0
        while not self.stopping.wait(every):
            beats += 1
            log(self.settings, on_beat(beats) if on_beat else f"heartbeat {beats}")
        log(self.settings, f"received {self.signal_name}, stopping")


class Handler(BaseHTTPRequestHandler):
    """A JSON request handler that logs each request through log()."""

    server_version = "ego1-sample"
    protocol_version = "HTTP/1.1"
    settings = None

    def send_json(self, status, body):
        data = json.dumps(body, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def health(self):
        s = self.settings
        return {
            "status": "ok",
            "clone": s.clone,
            "component": s.component,
            "botNumber": s.get("BOT_NUMBER"),
        }

    def path_only(self):
        return self.path.split("?", 1)[0]

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1_000_000)) if length > 0 else b""

    def not_found(self):
        self.send_json(404, {"error": f"no such path: {self.path_only()}"})

    def log_message(self, format, *args):
        log(self.settings, "%s %s" % (self.address_string(), format % args))


def serve(settings, handler, port_key, on_beat=None):
    """Serves handler on 127.0.0.1:<port_key> until SIGTERM, then exits 0."""
    lifetime = Lifetime(settings)
    port = settings.port(port_key)
    handler.settings = settings
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        fail(f"cannot listen on 127.0.0.1:{port} ({port_key}): {e.strerror}")
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
    thread.start()
    log(settings, f"listening on http://127.0.0.1:{port}")

    lifetime.wait(on_beat)

    server.shutdown()
    server.server_close()
    log(settings, "stopped")
    sys.exit(0)
