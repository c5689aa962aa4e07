"""What the SIP benchmarks share: free ports, the server's CPU time and
memory read from /proc (its own processes only, so the load generators'
are not counted), SIPp's statistics, and a Switchboard built in release
mode and started with a set of extensions."""

import csv
import json
import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            try:
                t.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue


def secret(n):
    """A secret that passes Switchboard's strength rules."""
    return "Pw-Secret-" + "".join(chr(ord("a") + int(d)) for d in str(n))


def tree(pid):
    """`pid` and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / CLK_TCK


def pss_bytes(pid):
    return smaps_bytes(pid, "Pss")


def smaps_bytes(pid, field):
    """`field` of smaps_rollup (Pss, Pss_Anon, ...) over `pid`'s tree."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.split(":")[0] == field:
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def sipp_totals(stat_file):
    """(successful, failed, retransmissions) from SIPp's -trace_stat file."""
    with open(stat_file) as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    last = rows[-1]
    return (int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"]),
            int(last["Retransmissions(C)"]))


def build_release(package, binary):
    """Builds `binary` of the workspace's `package` in release mode;
    returns its path."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", package,
                    "--bin", binary], cwd=ROOT, check=True)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return str(Path(json.loads(meta)["target_directory"]) / "release" / binary)


def build_switchboard():
    """Builds the release binary; returns its path."""
    return build_release("switchboard", "switchboard")


def start_switchboard(binary, workdir, port, extensions, env_extra):
    """Switchboard on 127.0.0.1:`port` (UDP), with `extensions` as
    (number, call limit or None) and `env_extra` settings; no HTTP."""
    data = workdir / "switchboard"
    data.mkdir()
    decl = data / "phones.toml"
    with open(decl, "w") as f:
        for n, limit in extensions:
            f.write(f'[[extension]]\nnumber = "{n}"\ndisplay_name = "Phone {n}"\n'
                    f'secret = "{secret(n)}"\n')
            if limit:
                f.write(f"call_limit = {limit}\n")
            f.write("\n")
    env = dict(os.environ, SWITCHBOARD_DATA_DIR=str(data))
    env.pop("SWITCHBOARD_DATABASE_URL", None)
    subprocess.run([binary, "apply", str(decl)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    env.update({
        # The same challenge as Kamailio's: MD5 only.
        "SWITCHBOARD_SIP__DIGEST": "MD5",
        "SWITCHBOARD_SECURITY__RATE_LIMIT": "0",
        "SWITCHBOARD_REGISTRATION__QUALIFY_INTERVAL": "0",
        "SWITCHBOARD_LOG__LEVEL": "warn",
        "SWITCHBOARD_HTTP__LISTEN": "",
    })
    env.update(env_extra)
    proc = subprocess.Popen(
        [binary, "serve", "--sip-listen", "127.0.0.1", "--udp-port", str(port),
         "--tcp-port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.banner = []
    for line in proc.stdout:
        proc.banner.append(line.rstrip("\n"))
        if line.startswith("Stop it with"):
            break
    return proc
