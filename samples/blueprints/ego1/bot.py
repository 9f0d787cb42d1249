"""The bot component: HTTP on PORT with /health and /env (hashes of its settings)."""

import botkit


class BotHandler(botkit.Handler):
    def do_GET(self):
        path = self.path_only()
        if path in ("/", "/health"):
            self.send_json(200, self.health())
        elif path == "/env":
            self.send_json(200, self.settings.hashes())
        else:
            self.not_found()

    do_HEAD = do_GET


if __name__ == "__main__":
    settings = botkit.Settings("bot")
    token_set = "set" if settings.get("BOT_TOKEN") else "missing"
    botkit.log(settings, f"bot {settings.get('BOT_NUMBER')} starting, token {token_set}")
    botkit.serve(settings, BotHandler, "PORT")
