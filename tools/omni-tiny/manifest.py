"""Write models/omni-tiny/manifest.json: size and sha256 of every other file in the folder."""
import hashlib
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DIR = os.path.join(ROOT, "models", "omni-tiny")
files = {}
for base, _, names in os.walk(DIR):
    for n in names:
        p = os.path.join(base, n)
        rel = os.path.relpath(p, DIR).replace(os.sep, "/")
        if rel == "manifest.json":
            continue
        data = open(p, "rb").read()
        files[rel] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
files = dict(sorted(files.items()))
with open(os.path.join(DIR, "manifest.json"), "w") as f:
    json.dump({"model": "omni-tiny", "files": files}, f, indent=1)
    f.write("\n")
print("manifest:", len(files), "files,", sum(v["size"] for v in files.values()), "bytes")
