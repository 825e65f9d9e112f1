# Attack 14: a million files ("many") or 1000-deep directories ("deep").
import os
import sys

if sys.argv[1] == "deep":
    path = "/work"
    for _ in range(1000):
        path += "/d"
        os.mkdir(path)
    with open(path + "/leaf.txt", "w") as handle:
        handle.write("deep leaf")
    print("depth=1000")
else:
    os.mkdir("/work/many")
    created = 0
    try:
        for created in range(1_000_000):
            open(f"/work/many/{created}", "w").close()
        created += 1
    except OSError as error:
        print(f"error={error.strerror}")
    print(f"created={created}", flush=True)
