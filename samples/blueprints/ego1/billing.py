"""The billing component: no port; wakes up every few seconds and logs a billing pass.

It does not read the database: the standard library has no MySQL client, so a pass only logs.
"""

import sys

import botkit

if __name__ == "__main__":
    settings = botkit.Settings("billing")
    lifetime = botkit.Lifetime(settings)
    botkit.log(settings, f"billing for bot {settings.get('BOT_NUMBER')} started")
    lifetime.wait(lambda n: f"billing pass {n}: no subscription is due")
    botkit.log(settings, "stopped")
    sys.exit(0)
