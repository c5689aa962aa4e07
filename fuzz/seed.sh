#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>, gitignored) from the RFC 4475
# torture messages, plus a few hand-made values for the header and URI
# targets. Safe to run again: existing corpus files are kept.
#
#   fuzz/seed.sh [CONFORMANCE_DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${1:-$here/../conformance/rfc4475}"
if ! compgen -G "$src/*.dat" > /dev/null; then
    echo "seed.sh: no .dat files in $src" >&2
    exit 1
fi
corpus="$here/corpus"
mkdir -p "$corpus"/{message,uri,headers,stream}

n=0
for f in "$src"/*.dat; do
    name="$(basename "$f" .dat)"
    cp "$f" "$corpus/message/$name"
    # Stream: a chunking seed byte, a keep-alive, then the message twice.
    { printf '\x07\r\n\r\n'; cat "$f" "$f"; } > "$corpus/stream/$name"
    n=$((n + 1))
done

# URIs and header values taken from the messages' first lines and headers.
python3 - "$src" "$corpus" <<'PY'
import glob, hashlib, os, re, sys

src, corpus = sys.argv[1], sys.argv[2]
def put(target, value):
    data = value.encode("utf-8", "surrogateescape")
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)

for path in sorted(glob.glob(os.path.join(src, "*.dat"))):
    raw = open(path, "rb").read().decode("utf-8", "surrogateescape")
    head = raw.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) == 3 and not parts[0].startswith("SIP/"):
        put("uri", parts[1])
    for line in lines[1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        value = value.strip()
        if name.strip().lower() in ("via", "v", "from", "f", "to", "t", "contact",
                                    "m", "route", "record-route", "cseq",
                                    "content-type", "c"):
            put("headers", value)
        for uri in re.findall(r"<([^<>]*)>", value):
            put("uri", uri)

for value in ["sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi&Priority=urgent",
              "tel:+1-201-555-0123;phone-context=example.com",
              "urn:service:sos"]:
    put("uri", value)
for value in ['"A \\"quoted\\" name" <sip:a@b;lr>;tag=x;expires=30',
              "SIP/2.0/TLS h.example.com:5061;branch=z9hG4bKx;rport=5;received=1.2.3.4",
              "4711 INVITE",
              "multipart/mixed;boundary=7a9cbec02ceef655"]:
    put("headers", value)
PY

for t in message uri headers stream; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
echo "seeded from $n messages in $src"
