"""The websocket component: an RFC 6455 echo server on WEBSOCKET_PORT at /ws, plus /health.

Text and binary messages come back as they were sent (fragmented ones once whole), pings are
answered, and a close is returned. Messages over MAX_MESSAGE bytes close the connection
with 1009. Extensions (compression) are not offered.
"""

import base64
import hashlib
import struct

import botkit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE = 1 << 20

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class ProtocolError(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


class WebSocketHandler(botkit.Handler):
    def do_GET(self):
        path = self.path_only()
        if path == "/ws" or path.endswith("/ws"):
            self.upgrade()
        elif path in ("/", "/health"):
            self.send_json(200, self.health())
        else:
            self.not_found()

    def upgrade(self):
        key = self.headers.get("Sec-WebSocket-Key")
        wants = (self.headers.get("Upgrade") or "").lower() == "websocket"
        if not wants or not key or self.headers.get("Sec-WebSocket-Version") != "13":
            self.send_json(400, {"error": "expected a websocket upgrade (version 13)"})
            return

        accept = base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest())
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode("ascii"))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        botkit.log(self.settings, f"websocket opened from {self.address_string()}")
        try:
            self.echo()
        except (ConnectionError, EOFError):
            botkit.log(self.settings, "websocket connection dropped")
        except ProtocolError as e:
            botkit.log(self.settings, f"websocket closed: {e}")
            self.send_close(e.code, str(e))

    def echo(self):
        message_op, parts, size = None, [], 0
        while True:
            fin, op, payload = self.read_frame()
            if op == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1000
                botkit.log(self.settings, f"websocket closed by client ({code})")
                self.send_close(code if 1000 <= code < 5000 else 1000, "")
                return
            if op == OP_PING:
                self.send_frame(OP_PONG, payload)
                continue
            if op == OP_PONG:
                continue
            if op in (OP_TEXT, OP_BINARY):
                if message_op is not None:
                    raise ProtocolError(1002, "new message before the last one ended")
                message_op = op
            elif op != OP_CONTINUATION or message_op is None:
                raise ProtocolError(1002, f"unexpected opcode {op}")
            size += len(payload)
            if size > MAX_MESSAGE:
                raise ProtocolError(1009, f"message over {MAX_MESSAGE} bytes")
            parts.append(payload)
            if fin:
                message = b"".join(parts)
                botkit.log(self.settings, f"echo of {len(message)} bytes")
                self.send_frame(message_op, message)
                message_op, parts, size = None, [], 0

    def read_exact(self, count):
        data = self.rfile.read(count)
        if len(data) < count:
            raise EOFError()
        return data

    def read_frame(self):
        first, second = self.read_exact(2)
        fin, op = bool(first & 0x80), first & 0x0F
        if first & 0x70:
            raise ProtocolError(1002, "reserved bits set without an extension")
        if not second & 0x80:
            raise ProtocolError(1002, "client frames must be masked")
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.read_exact(8))[0]
        if op >= 0x8 and (length > 125 or not fin):
            raise ProtocolError(1002, "control frames must be whole and at most 125 bytes")
        if length > MAX_MESSAGE:
            raise ProtocolError(1009, f"frame over {MAX_MESSAGE} bytes")
        mask = self.read_exact(4)
        masked = self.read_exact(length)
        return fin, op, bytes(b ^ mask[i % 4] for i, b in enumerate(masked))

    def send_frame(self, op, payload):
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | op, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | op, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | op, 127, length)
        self.wfile.write(header + payload)
        self.wfile.flush()

    def send_close(self, code, reason):
        try:
            self.send_frame(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:120])
        except OSError:
            pass


if __name__ == "__main__":
    botkit.serve(botkit.Settings("websocket"), WebSocketHandler, "WEBSOCKET_PORT")
