# Ignores SIGTERM, so only a SIGKILL ends it.
import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("deaf: ignoring SIGTERM", flush=True)
while True:
    time.sleep(1)
