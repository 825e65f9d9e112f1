# Attack 1: burn CPU forever.
while True:
    pass
