# Forks a child that forks a grandchild and exits, leaving the grandchild orphaned; every one
# of them ignores SIGTERM and stays in the process group, so only the group SIGKILL ends them.
import os
import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)

child = os.fork()
if child == 0:
    if os.fork() == 0:
        print(f"forker: grandchild {os.getpid()}", flush=True)
        while True:
            time.sleep(1)
    os._exit(0)

os.waitpid(child, 0)
second = os.fork()
if second == 0:
    print(f"forker: child {os.getpid()}", flush=True)
    while True:
        time.sleep(1)

print(f"forker: parent {os.getpid()} forked {second}", flush=True)
while True:
    time.sleep(1)
