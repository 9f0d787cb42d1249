"""The VK component: HTTP on VK_PORT with /health and a callback endpoint that answers ok."""

import botkit


class VkHandler(botkit.Handler):
    def do_GET(self):
        if self.path_only() in ("/", "/health"):
            self.send_json(200, self.health())
        else:
            self.not_found()

    do_HEAD = do_GET

    def do_POST(self):
        body = self.read_body()
        botkit.log(self.settings, f"callback of {len(body)} bytes")
        data = b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    botkit.serve(botkit.Settings("vk"), VkHandler, "VK_PORT")
