#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# soak.sh - dropscope top --batch and dropscope record, both as a user starts them (defaults),
# side by side for an hour under a steady drop rate; every minute their memory, file descriptors,
# threads and CPU time, and their counts against the kernel's own counters.
#
# usage: sudo bench/soak.sh [-d SECONDS] [-r RATE] [-m "noport rcvbuf"] [-i SECONDS] [-S SECONDS]
#                           [-o OUTDIR]
#   -d   how long both run, default 3600 s
#   -r   drops per second in all, split evenly over the modes, default 10000
#   -m   modes of bench/dropsend.c, sent over IPv6 (::1), default "noport rcvbuf"
#   -i   seconds between two checks, default 60
#   -S   seconds the senders pause before a check, default 3 (below)
#   -o   output directory, default target/soak/DATE
#
# Prerequisites (Debian): root; gcc python3 util-linux iproute2; Java 17 and Maven for
# ./dropscope, which builds target/dropscope.jar on first use (build it before: the soak's clock
# starts when both tools are ready).
#
# The drops: one bench/dropsend.c per mode, paced (-r), in a network namespace of this script's
# own, over IPv6, so that each mode's drops have a (function, reason) key that no IPv4 traffic
# elsewhere on the machine adds to (noport: __udp6_lib_rcv NO_SOCKET, Udp6NoPorts; rcvbuf:
# udpv6_queue_rcv_one_skb SOCKET_RCVBUFF, Udp6RcvbufErrors), and the namespace's
# /proc/net/snmp6 counts exactly those drops. Both tools see every drop of the machine; the script
# compares their row of each key with the kernel's counter.
#
# A check: the senders are stopped (SIGSTOP) for -S seconds, so that both tools have read their
# rings and written what they saw (top prints a block a second; record writes a block within a
# second); then the kernel's counters are read, top's latest complete block, and /proc of both
# JVMs (VmRSS, open fds, threads, user+system CPU time); the senders go on (SIGCONT, no burst to
# catch up), and `dropscope report --format json --until T` reads the record file as it is so
# far, up to the middle of the pause (the file has no end marker yet: report says so and exits 5,
# which is expected mid-run). Each count must equal the kernel's count at every check (unless
# events were lost: then counted <= kernel <= counted + lost). At the end the senders stop, the
# tools get SIGTERM (as a script ends them), top's last block and report of the finished file
# must account for every drop: counted + lost = kernel, exactly, with lost 0 expected.
#
# Memory: RSS alone cannot tell a leak from a heap that has not been filled once yet (G1 keeps the
# pages it has touched, and the default heap is a quarter of the RAM), so each check also reads
# the JVM's old generation in use and its collections so far (jstat, from the JVM's hsperfdata
# file, turned back on with -XX:+UsePerfData: nothing attaches to the JVM). DROPSCOPE_JAVA_OPTS is
# passed on to both tools (and report), after that option,
# e.g. DROPSCOPE_JAVA_OPTS=-Xmn8m for a small young generation, collected every minute or two.
#
# Output in OUTDIR: checks.tsv (one line per check), summary.txt (printed at the end), top.out,
# top.err, record.err, drops.dsr (deleted at the end if every count was exact), sender lines.
set -u
# dropscope mounts tracefs when it finds none and unmounts it at exit: two processes doing so at
# once can pull it from under each other. Here tracefs is mounted once, in a private mount
# namespace, for both.
if [ -z "${SOAK_SH_PRIVATE_MOUNTS:-}" ] && [ "$(id -u)" = 0 ]; then
    exec env SOAK_SH_PRIVATE_MOUNTS=1 unshare --mount --propagation private "$0" "$@"
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=3600; RATE=10000; MODES="noport rcvbuf"; INTERVAL=60; SETTLE=3; OUT=""
while getopts "d:r:m:i:S:o:h" opt; do
    case $opt in
        d) DURATION=$OPTARG ;; r) RATE=$OPTARG ;; m) MODES=$OPTARG ;; i) INTERVAL=$OPTARG ;;
        S) SETTLE=$OPTARG ;; o) OUT=$OPTARG ;; *) sed -n '4,15p' "$0"; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "soak.sh: must run as root" >&2; exit 1; }
for cmd in gcc python3 unshare nsenter ip java jstat; do
    command -v $cmd >/dev/null || { echo "soak.sh: missing $cmd (see the prerequisites in $0)" >&2; exit 1; }
done
for v in "$DURATION" "$RATE" "$INTERVAL" "$SETTLE"; do
    [[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || { echo "soak.sh: -d, -r, -i and -S take a positive whole number, not '$v'" >&2; exit 2; }
done
declare -A SYMBOL=([noport]=__udp6_lib_rcv [rcvbuf]=udpv6_queue_rcv_one_skb)
declare -A REASON=([noport]=NO_SOCKET [rcvbuf]=SOCKET_RCVBUFF)
declare -A COUNTER=([noport]=Udp6NoPorts [rcvbuf]=Udp6RcvbufErrors)
for m in $MODES; do
    [ -n "${SYMBOL[$m]:-}" ] || { echo "soak.sh: unknown mode $m (noport, rcvbuf)" >&2; exit 2; }
done
NMODES=$(wc -w <<< "$MODES")

OUT=${OUT:-$ROOT/target/soak/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" || exit 1
FILE=$OUT/drops.dsr
HOLDER=""; TOP=""; REC=""; declare -A SENDER=()
cleanup() {
    local p
    for p in "${SENDER[@]}" "$TOP" "$REC"; do
        [ -n "$p" ] && kill -CONT "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
    done
    [ -n "$HOLDER" ] && kill -TERM "$HOLDER" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -O2 -Wall -o "$OUT/dropsend" "$ROOT/bench/dropsend.c" || exit 1
# jstat reads the hsperfdata file, which config/jvm.options turns off.
export DROPSCOPE_JAVA_OPTS="-XX:+UsePerfData ${DROPSCOPE_JAVA_OPTS:-}"
"$ROOT/dropscope" --version > /dev/null || { echo "soak.sh: cannot build or run dropscope" >&2; exit 1; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || exit 1

# The namespace: held by a sleeping process, with lo up and ::1 usable.
unshare --net sh -c 'ip link set lo up && exec sleep infinity' &
HOLDER=$!
for ((i = 0; i < 50; i++)); do
    nsenter --net=/proc/$HOLDER/ns/net ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128' && break
    sleep 0.1
done
counter() { awk -v n="$1" '$1 == n { print $2 }' "/proc/$HOLDER/net/snmp6"; }
for m in $MODES; do
    [ "$(counter "${COUNTER[$m]}")" = 0 ] || { echo "soak.sh: the namespace's ${COUNTER[$m]} is not 0" >&2; exit 1; }
done

# PID -> "rss_kib fds threads cpu_s old_kib gcs", or dashes when it is gone. old_kib and gcs are
# the JVM's own: its old generation in use and its collections so far (jstat reads them from
# the JVM's hsperfdata file: no attach, no thread or fd added to the JVM). RSS alone cannot tell
# a leak from a heap that has not been filled once yet: G1 keeps what it has touched.
proc_line() {
    local rss thr fds cpu gc
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
    thr=$(awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
    fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
    cpu=$(awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck }' "/proc/$1/stat" 2>/dev/null)
    gc=$(jstat -gc "$1" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
        NR == 2 { printf "%.0f %d", $c["OU"], $c["YGC"] + $c["FGC"] }')
    [ -n "$rss" ] && echo "$rss $fds $thr $cpu ${gc:-- -}" || echo "- - - - - -"
}
# Top's last complete block (blocks end with an empty line) -> "time drops_total lost_total" and,
# per mode, the TOTAL of its key's row (0 when there is none).
top_counts() {
    python3 - "$OUT/top.out" $MODES <<PY
import sys
modes = sys.argv[2:]
keys = {$(for m in $MODES; do printf '"%s": ("%s", "%s"), ' "$m" "${SYMBOL[$m]}" "${REASON[$m]}"; done)}
with open(sys.argv[1], "rb") as f:
    f.seek(0, 2)
    f.seek(max(0, f.tell() - 262144))
    text = f.read().decode("utf-8", "replace")
end = text.rfind("\n\n")
start = text.rfind("\n\n", 0, end)
block = text[start + 2:end].split("\n") if end >= 0 and start >= 0 else []
if not block:
    print("- - -", " ".join("-" for _ in modes))
    sys.exit()
head = block[0].split()
drops = head[head.index("drops") + 1]
lost = head[head.index("lost") + 2]  # "lost A/interval B total"
rows = {}
for line in block[2:]:
    f = line.split()
    if len(f) >= 7:
        rows[(f[5], f[6])] = int(f[1])
print(head[0], drops, lost, " ".join(str(rows.get(keys[m], 0)) for m in modes))
PY
}
# report's JSON of the record file (up to --until, if given) -> "exit total lost" and per mode
# the count of its key's row, then the damage message (or "-") on a second line.
record_counts() {
    local json=$OUT/report.json rc
    "$ROOT/dropscope" report --format json --group symbol,reason "$@" "$FILE" > "$json" 2> "$OUT/report.err"
    rc=$?
    python3 - "$json" "$rc" $MODES <<PY
import json, sys
modes = sys.argv[3:]
keys = {$(for m in $MODES; do printf '"%s": ("%s", "%s"), ' "$m" "${SYMBOL[$m]}" "${REASON[$m]}"; done)}
try:
    r = json.load(open(sys.argv[1]))
except ValueError:
    print(sys.argv[2], "- -", " ".join("-" for _ in modes)); print("no JSON"); sys.exit()
rows = {(x.get("symbol"), x.get("reason")): x["count"] for x in r["rows"]}
print(sys.argv[2], r["total"], r["lost"], " ".join(str(rows.get(keys[m], 0)) for m in modes))
print((r.get("damage") or {}).get("message", "-"))
PY
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "kernel: $(uname -r) $(uname -m), $(nproc) CPUs: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | sort -u), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "dropscope: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+changes')"
    echo "soak: $DURATION s, $RATE drops/s over IPv6 ($MODES), a check every $INTERVAL s after a $SETTLE s pause"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

# Both tools as a user starts them; top's batch output and record's file are what is checked.
"$ROOT/dropscope" top --batch < /dev/null > "$OUT/top.out" 2> "$OUT/top.err" &
TOP=$!
"$ROOT/dropscope" record -o "$FILE" --ready-file "$OUT/ready" < /dev/null > /dev/null 2> "$OUT/record.err" &
REC=$!
for ((i = 0; i < 600; i++)); do
    [ -e "$OUT/ready" ] && grep -q ' drops [0-9]* total' "$OUT/top.out" && break
    kill -0 $TOP 2>/dev/null && kill -0 $REC 2>/dev/null || break
    sleep 0.1
done
[ -e "$OUT/ready" ] && grep -q ' drops [0-9]* total' "$OUT/top.out" \
    || { echo "soak.sh: top or record did not start" >&2; cat "$OUT/top.err" "$OUT/record.err" >&2; exit 1; }

for m in $MODES; do
    nsenter --net=/proc/$HOLDER/ns/net "$OUT/dropsend" "$m" -6 -r $((RATE / NMODES)) -t $((DURATION + 3600)) \
        > "$OUT/sender.$m" 2>&1 &
    SENDER[$m]=$!
done
T0=$(date +%s.%N)

TSV=$OUT/checks.tsv
{
    printf 'minute\ttime\tkernel_all'
    for m in $MODES; do printf '\tkernel_%s\ttop_%s\trecord_%s' "$m" "$m" "$m"; done
    printf '\ttop_block\ttop_drops_all\ttop_lost\trecord_exit\trecord_lost\tfile_mib'
    printf '\ttop_rss_kib\ttop_fds\ttop_threads\ttop_cpu_s\ttop_old_kib\ttop_gcs'
    printf '\trec_rss_kib\trec_fds\trec_threads\trec_cpu_s\trec_old_kib\trec_gcs\tverdict\n'
} > "$TSV"
BAD=0
declare -A KERNEL=()
# One check; $1 is the minute, or "end" (the senders then stop for good). Sets KERNEL[mode] (the
# namespace's counters) and writes a line to checks.tsv.
check() {
    local label=$1 mid now m tc rc rl top_p rec_p verdict="ok" kall=0 line
    if [ "$label" = end ]; then
        # for good: a stopped sender given SIGTERM could still send a batch when continued
        for m in $MODES; do kill -TERM "${SENDER[$m]}"; wait "${SENDER[$m]}"; done
        SENDER=()
    else
        for m in $MODES; do kill -STOP "${SENDER[$m]}"; done
    fi
    mid=$(date -u -d "@$(awk -v s="$SETTLE" -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", t + s / 2 }')" '+%Y-%m-%dT%H:%M:%S.%3NZ')
    sleep "$SETTLE"
    for m in $MODES; do
        KERNEL[$m]=$(counter "${COUNTER[$m]}")
        kall=$((kall + KERNEL[$m]))
    done
    tc=($(top_counts))
    top_p=$(proc_line $TOP); rec_p=$(proc_line $REC)
    if [ "$label" != end ]; then
        for m in $MODES; do kill -CONT "${SENDER[$m]}"; done
        rl=$(record_counts --until "$mid")
    else
        rl=""
    fi
    rc=($(head -1 <<< "$rl")); [ -n "$rl" ] || rc=(- - - $(for m in $MODES; do echo -; done))
    now=$(date -u +%H:%M:%S)
    line="$label	$now	$kall"
    local k=0 kv tv rv
    for m in $MODES; do
        kv=${KERNEL[$m]}; tv=${tc[$((3 + k))]}; rv=${rc[$((3 + k))]}
        line="$line	$kv	$tv	$rv"
        # counted <= kernel <= counted + lost, and equal when nothing was lost
        [ "$tv" != - ] && ! { [ "$tv" -le "$kv" ] && [ "$kv" -le $((tv + ${tc[2]})) ]; } && verdict="TOP-MISCOUNT"
        [ "$label" != end ] && [ "$rv" != - ] && ! { [ "$rv" -le "$kv" ] && [ "$kv" -le $((rv + ${rc[2]})) ]; } \
            && verdict="${verdict/ok/}RECORD-MISCOUNT"
        [ "$tv" = - ] && verdict="${verdict/ok/}NO-TOP-BLOCK"
        [ "$label" != end ] && [ "$rv" = - ] && verdict="${verdict/ok/}NO-REPORT"
        k=$((k + 1))
    done
    line="$line	${tc[0]}	${tc[1]}	${tc[2]}	${rc[0]}	${rc[2]}	$(du -m "$FILE" | cut -f1)"
    line="$line	${top_p// /	}	${rec_p// /	}	$verdict"
    echo "$line" >> "$TSV"
    [ "$verdict" = ok ] || { BAD=$((BAD + 1)); tail -1 "$OUT/report.err" >> "$OUT/problems.txt"; echo "$line" >> "$OUT/problems.txt"; }
    echo "[$label $now] kernel$(for m in $MODES; do printf ' %s' "${KERNEL[$m]}"; done), top ${tc[*]:3}, record ${rc[*]:3} (exit ${rc[0]}), top ${top_p}, record ${rec_p}: $verdict" >&2
}

n=0
while :; do
    n=$((n + 1))
    due=$(awk -v t0="$T0" -v n=$n -v i="$INTERVAL" 'BEGIN { printf "%.3f", t0 + n * i }')
    end=$(awk -v t0="$T0" -v d="$DURATION" 'BEGIN { printf "%.3f", t0 + d }')
    [ "$(awk -v a="$due" -v b="$end" 'BEGIN { print (a >= b) }')" = 1 ] && break
    wait_s=$(awk -v d="$due" -v now="$(date +%s.%N)" 'BEGIN { w = d - now; printf "%.3f", (w > 0 ? w : 0) }')
    sleep "$wait_s"
    for p in $TOP $REC; do
        kill -0 "$p" 2>/dev/null || { echo "soak.sh: a tool ended early (pid $p)" >&2; cat "$OUT/top.err" "$OUT/record.err" >&2; exit 1; }
    done
    check "$n"
done
sleep "$(awk -v e="$end" -v now="$(date +%s.%N)" 'BEGIN { w = e - now; printf "%.3f", (w > 0 ? w : 0) }')"

# The end: senders stopped for good (their own summary lines), the tools stopped with SIGTERM.
check end
kill -TERM $TOP $REC
for ((i = 0; i < 600; i++)); do
    kill -0 $TOP 2>/dev/null || kill -0 $REC 2>/dev/null || break
    sleep 0.1
done
wait $TOP; TOP_EXIT=$?; wait $REC; REC_EXIT=$?
TOP=""; REC=""
final_top=($(top_counts))
final_rec=($(record_counts | head -1))
tail -n 2 "$OUT/top.err" "$OUT/record.err" "$OUT/report.err" > "$OUT/final-messages.txt" 2>&1

python3 - "$TSV" "$OUT/summary.txt" "$TOP_EXIT" "$REC_EXIT" "$BAD" "${final_top[*]}" "${final_rec[*]}" \
    "$DURATION" $MODES <<'PY'
import csv, sys
tsv, out, top_exit, rec_exit, bad, ftop, frec, secs = sys.argv[1:9]
modes = sys.argv[9:]
rows = list(csv.DictReader(open(tsv), delimiter="\t"))
mins = [r for r in rows if r["minute"] != "end"]
endrow = rows[-1]
ftop, frec = ftop.split(), frec.split()
lines = []
def say(s=""):
    lines.append(s)
def num(x):
    try:
        return float(x)
    except ValueError:
        return None
kall = int(endrow["kernel_all"])
say(f"drops: {kall:,} in {int(secs):,} s ({kall / int(secs):,.0f}/s on average, the checks' pauses included); "
    f"load average at the end: {open('/proc/loadavg').read().split()[0]}")
say(f"checks: {len(mins)} during the run, {int(bad)} not ok")
for tool, p in (("top", "top"), ("record", "rec")):
    for col, unit in (("rss_kib", "KiB"), ("old_kib", "KiB"), ("gcs", ""), ("fds", ""), ("threads", ""), ("cpu_s", "s")):
        v = [num(r[f"{p}_{col}"]) for r in rows if num(r[f"{p}_{col}"]) is not None]
        if not v:
            continue
        half = v[len(v) // 2]
        fmt = (lambda x: f"{x:,.2f}") if col == "cpu_s" else (lambda x: f"{x:,.0f}")
        say(f"{tool} {col}: first {fmt(v[0])}, min {fmt(min(v))}, max {fmt(max(v))}, last {fmt(v[-1])}; "
            f"growth first->last {fmt(v[-1] - v[0])}, middle->last {fmt(v[-1] - half)} {unit}")
say()
ok = True
top_lost = int(ftop[2]) if ftop[2] != "-" else None
rec_lost = int(frec[2]) if frec[2] != "-" else None
for k, m in enumerate(modes):
    kernel = int(endrow[f"kernel_{m}"])
    t = int(ftop[3 + k]) if ftop[3 + k] != "-" else None
    r = int(frec[3 + k]) if frec[3 + k] != "-" else None
    t_ok = t is not None and t <= kernel <= t + top_lost
    r_ok = r is not None and r <= kernel <= r + rec_lost
    ok = ok and t_ok and r_ok
    def word(counted, good):
        if not good:
            return "MISCOUNT"
        return "exact" if counted == kernel else f"{kernel - counted:,} missing, within the lost events"
    say(f"final {m}: kernel {kernel:,}; top's last block {t if t is None else f'{t:,}'} "
        f"({word(t, t_ok)}); record file {r if r is None else f'{r:,}'} ({word(r, r_ok)})")
say(f"lost events (all drops of the machine, not per key): top {top_lost:,}, record {rec_lost:,}")
say(f"exit codes: top {top_exit}, record {rec_exit}, report of the finished file {frec[0]}")
ok = ok and top_exit == "0" and rec_exit == "0" and frec[0] == "0" and int(bad) == 0
say("verdict: " + ("NOT OK: see checks.tsv and problems.txt" if not ok else
                   "every drop counted exactly" if not top_lost and not rec_lost else
                   "every drop counted or reported lost (counted <= kernel <= counted + lost)"))
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(0 if ok else 1)
PY
ok=$?
cat "$OUT"/sender.* >> "$OUT/summary.txt"
[ $ok = 0 ] && rm -f "$FILE"
echo "raw results: $OUT" >&2
exit $ok
