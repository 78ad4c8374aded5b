#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# live.sh - how much each drop tracer slows a sender that makes the kernel drop packets as fast
# as one thread can, and whether it loses events: dropscope, perf record and bpftrace side by
# side in one run, against the sender alone (and perf stat, which counts in the kernel).
#
# usage: sudo bench/live.sh [-r REPS] [-t SECONDS] [-c CPU] [-m "rcvbuf noport mix2 mix8"]
#                           [-T "alone perfstat shell top top-no-stacks record record-g perf bpftrace"]
#                           [-D "DROPSCOPE ARGS"] [-w WARMUP] [-q QUIET] [-L LOAD] [-o OUTDIR] [-f]
#   -r   repetitions of every (mode, tool) cell, default 5; the cells are interleaved
#        (rep 1 of every tool, then rep 2, ...) so that drift hits every tool alike
#   -t   seconds per measured sender run, default 5
#   -c   CPU the sender is pinned to, default 1 (the tracers' user space is not pinned)
#   -m   modes of bench/dropsend.c, default "rcvbuf noport mix2 mix8": noport, rcvbuf, csum,
#        noproto (a trailing 6, as noport6, sends over IPv6), and mixN, N distinct busy drop keys
#        at once (mix8: eight; mix2: two, to compare with)
#   -T   tools, default "alone perfstat shell top top-no-stacks record record-g perf bpftrace",
#        each dropscope cell named after what a user types: "shell" (./dropscope, then start,
#        stop, stats, exit piped in), "top" (dropscope top --batch, stacks on as started),
#        "top-no-stacks" (the same with --no-stacks), "record" / "record-g" (dropscope record to a
#        file, record-g with kernel stacks, ended with SIGTERM; its count and losses read back from
#        the file with dropscope report). Also "shell-pinned": the shell with its JVM pinned away
#        from the sender's CPU (taskset); "shell-sampling": the shell with --hot-threshold 0, a
#        perf sample for every drop (no key counted in the kernel); "ringcount": bench/ringcount.c,
#        a minimal C reader of the same perf events as shell-sampling. The names of older runs,
#        "dropscope", "dropscope-pinned" and "dropscope-sampling", are the shell cells.
#   -D   extra dropscope arguments, e.g. "--ring-pages 512"
#   -w   seconds of sender warm-up with the tool running, before the measured run, default 2
#        (a fresh JVM compiles its hot path in the first second of drops)
#   -q   before each run, wait (up to 10 min) until the machine is at most QUIET % busy over
#        2 s and no other process holds perf events, default 10; 100 does not wait
#   -L   a run during which other processes kept the other CPUs more than LOAD % busy is left
#        out and run again, default 20; 100 keeps every run (a smoke test on a busy machine)
#   -o   output directory, default target/live/DATE
#   -f   run even if another process holds perf events (its tracepoints would slow the sender),
#        and keep such runs (runs.csv says so in its note column)
#
# Prerequisites (Debian): root; apt-get install gcc linux-perf bpftrace python3 util-linux
# iproute2; Java 17 and Maven for ./dropscope, which builds target/dropscope.jar on first use.
#
# One run of a cell: start the tool and wait until it is ready (shell: "Kernel monitoring
# activated."; top: its first block; record: its ready file; bpftrace: "Attaching"; perf: 2 s),
# run the sender WARMUP s, then the measured SECONDS, then stop the tool and read its count. The
# sender is bench/dropsend.c, run in a private network namespace (unshare --net), so the
# namespace's /proc/net/snmp and snmp6 count its drops exactly. Tracers see every drop of the
# machine; a count above the exact one is background drops, one below is events lost.
#
# Columns: drops/s of the measured run; slowdown = 1 - rate / median rate of "alone" (same
# mode); exact = the sender's drops while the tool ran (warm-up + measured, from snmp); count =
# what the tool counted in its whole life, at every key; own = what it counted at the mode's own
# (symbol, reason) keys (tools that report keys: the dropscope cells, perf and bpftrace; the
# others "-"); lost = what the tool says it lost (dropscope: stats, top's header, the file; perf: Total
# Lost Samples); count+lost-exact = own (else count) + lost - exact, 0 when the tool accounts
# for every drop exactly (above 0: background drops at the mode's keys, or lost events of other
# keys); CPU s = the tool process's user+system time during the measured run (it does not
# include the kernel's work in the sender's context: that is the slowdown); RSS = the tool's
# peak resident memory (VmHWM) at the end of the run; other load = how busy other processes
# kept the CPUs the sender is not on, during the measured run (/proc/stat minus the tool's own
# CPU time). A run during which another process held perf events, or other load exceeded LOAD %,
# is marked in runs.csv, left out, and run again (at most three attempts).
# Per key: for the tools that report keys, MODE.TOOL.REP.perkey holds, per key of the mode, the
# namespace's count and the tool's; table.md shows tool - exact per key for the modes of several.
set -u
# perf mounts tracefs when it finds none and leaves it mounted: run everything in a private
# mount namespace, so that whatever the tools mount is gone when this script ends.
if [ -z "${LIVE_SH_PRIVATE_MOUNTS:-}" ] && [ "$(id -u)" = 0 ]; then
    exec env LIVE_SH_PRIVATE_MOUNTS=1 unshare --mount --propagation private "$0" "$@"
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=5; SECS=5; CPU=1; MODES="rcvbuf noport mix2 mix8"
TOOLS="alone perfstat shell top top-no-stacks record record-g perf bpftrace"
DS_ARGS=""; OUT=""; FORCE=0; WARMUP=2; QUIET=10; MAX_OTHER=20
while getopts "r:t:c:m:T:D:w:q:L:o:fh" opt; do
    case $opt in
        r) REPS=$OPTARG ;; t) SECS=$OPTARG ;; c) CPU=$OPTARG ;; m) MODES=$OPTARG ;;
        T) TOOLS=$OPTARG ;; D) DS_ARGS=$OPTARG ;; w) WARMUP=$OPTARG ;; q) QUIET=$OPTARG ;; L) MAX_OTHER=$OPTARG ;;
        o) OUT=$OPTARG ;; f) FORCE=1 ;; *) sed -n '4,63p' "$0"; exit 2 ;;
    esac
done
# The cells of older runs, under their new names.
TOOLS=$(sed -E 's/(^| )dropscope( |$)/\1shell\2/g; s/dropscope-/shell-/g' <<< "$TOOLS")
[ "$(id -u)" = 0 ] || { echo "live.sh: must run as root" >&2; exit 1; }
for cmd in gcc perf bpftrace python3 unshare taskset ip java; do
    command -v $cmd >/dev/null || { echo "live.sh: missing $cmd (see the prerequisites in $0)" >&2; exit 1; }
done
NCPU=$(nproc)
OTHER_CPUS=$(python3 -c "print(','.join(str(c) for c in range($NCPU) if c != $CPU))")

# The tool under test, stopped whatever way this script ends.
CUR_PID=""
cleanup() { [ -n "$CUR_PID" ] && kill -TERM "$CUR_PID" 2>/dev/null; rm -f "${OUT:-/nonexistent}/fifo" "${OUT:-/nonexistent}/perf.data"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

OUT=${OUT:-$ROOT/target/live/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
SEND=$OUT/dropsend
gcc -O2 -Wall -o "$SEND" "$ROOT/bench/dropsend.c" || exit 1
gcc -O2 -Wall -o "$OUT/ringcount" "$ROOT/bench/ringcount.c" || exit 1
# The tracepoint id, from tracefs (mounted here if needed: the mount namespace is private).
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
TP_ID=$(cat /sys/kernel/tracing/events/skb/kfree_skb/id)
[ -n "$TP_ID" ] || { echo "live.sh: cannot read the skb:kfree_skb tracepoint id" >&2; exit 1; }
"$ROOT/dropscope" --version > /dev/null || { echo "live.sh: cannot build or run dropscope" >&2; exit 1; }
BT_PROG='tracepoint:skb:kfree_skb { @[ksym(args->location), args->reason] = count(); }'
CSV=$OUT/runs.csv
echo "mode,tool,rep,drops_per_s,exact,count,own,lost,count+lost-exact,cpu_s,rss_kib,other_busy,disturbed,note" > "$CSV"

# PIDs of processes that hold perf event fds, except $1 (the tool under test).
foreign_perf_users() {
    local p
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "${1:-}" ] && continue
        ls -l "$p/fd" 2>/dev/null | grep -q 'perf_event' && echo "${p#/proc/}"
    done
}
# Waits until no other process holds perf events and the whole machine is at most QUIET % busy
# over 2 s; gives up after 10 minutes (the run then goes ahead, and is marked if perf events
# are still held).
wait_quiet() {
    local i a b busy
    [ "$QUIET" -ge 100 ] && return 0
    for ((i = 0; i < 300; i++)); do
        if [ -z "$(foreign_perf_users)" ]; then
            a=$(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat)
            sleep 2
            b=$(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat)
            busy=$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }')
            [ "$busy" -le "$QUIET" ] && return 0
        else
            sleep 2
        fi
    done
    echo "live.sh: the machine did not become quiet in 10 minutes; running anyway" >&2
}
busy_jiffies() { # "busy total" of every CPU but the sender's, from /proc/stat
    awk -v skip="cpu$CPU" '/^cpu[0-9]/ && $1 != skip { t = 0; for (i = 2; i <= NF; i++) t += $i; b += t - $5 - $6; a += t }
        END { print b, a }' /proc/stat
}
cpu_s() { # user+system seconds of a process (all its threads, and reaped children)
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / tck }' \
        "/proc/$1/stat" 2>/dev/null || echo 0
}
send() { # MODE SECONDS -> one dropsend line on stdout
    local m=$1 v6=()
    case $m in mix*) ;; *6) m=${m%6}; v6=(-6) ;; esac
    taskset -c "$CPU" unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$SEND" "$m" "${v6[@]}" -t "$2" -c "$CPU"
}
# The (symbol, reason) keys a mode of dropsend.c drops at, one "KIND SYMBOL REASON" a line, as
# skb:kfree_skb names them on Linux 6.18 x86_64 (see dropsend.c); mixN: the first N kinds.
mode_keys() { # MODE
    local kinds=$1 k
    case $1 in mix*) kinds=$(printf '%s\n' noport rcvbuf noport6 rcvbuf6 csum csum6 noproto noproto6 | head -n "${1#mix}") ;; esac
    for k in $kinds; do
        case $k in
            noport) echo "$k __udp4_lib_rcv NO_SOCKET" ;; noport6) echo "$k __udp6_lib_rcv NO_SOCKET" ;;
            rcvbuf) echo "$k udp_queue_rcv_one_skb SOCKET_RCVBUFF" ;;
            rcvbuf6) echo "$k udpv6_queue_rcv_one_skb SOCKET_RCVBUFF" ;;
            csum) echo "$k __udp4_lib_rcv UDP_CSUM" ;; csum6) echo "$k __udp6_lib_rcv UDP_CSUM" ;;
            noproto) echo "$k ip_local_deliver_finish IP_NOPROTO" ;; noproto6) echo "$k ip6_input_finish IP_NOPROTO" ;;
        esac
    done
}
# "COUNT OWN LOST" from a tool's output file: every drop it counted, those at the mode's keys
# ("-" when the tool does not report keys) and the events it says it lost. Where it reports keys,
# PREFIX.perkey gets a line per key of the mode: "KIND SYMBOL REASON EXACT TOOL", EXACT being the
# namespace's count of that kind (snmp_KIND of PREFIX.warmup and PREFIX.send).
tally() { # TOOL FILE MODE PREFIX
    python3 - "$1" "$2" "$(mode_keys "$3")" /sys/kernel/tracing/events/skb/kfree_skb/format "$4" <<'PY'
import json, re, sys
tool, path, keys, fmt, prefix = sys.argv[1:6]
keys = {(f[1], f[2]): f[0] for f in (k.split() for k in keys.splitlines()) if len(f) == 3}
text = open(path, errors="replace").read()
count, lost, per = 0, 0, None
def add(symbol, reason, n):
    kind = keys.get((symbol, reason))
    if kind:
        per[kind] = per.get(kind, 0) + n
if tool.startswith("shell"):
    # "N drops at SYMBOL+OFF (0xADDR) [software] reason: REASON"; stats: "all EVENTS LOST"
    per = {}
    for m in re.finditer(r"^(\d+) drops at (\S+) .*?(?:reason: (\S+))?$", text, re.M):
        n = int(m.group(1)); count += n
        add(m.group(2).split("+")[0], m.group(3), n)
    lost = sum(int(m.group(1)) for m in re.finditer(r"^all\s+\d+\s+(\d+)", text, re.M))
elif tool.startswith("top"):
    # The last block: "... lost A/interval B total  drops N total", titles, rows.
    blocks = [b for b in text.split("\n\n") if " drops " in b.split("\n")[0]]
    per = {}
    if blocks:
        lines = blocks[-1].strip("\n").split("\n")
        head = lines[0].split()
        count = int(head[head.index("drops") + 1])
        lost = int(head[head.index("lost") + 2])
        for line in lines[2:]:
            f = line.split()
            if len(f) >= 7:
                add(f[5], f[6], int(f[1]))
elif tool.startswith("record"):
    r = json.loads(text)
    count, lost, per = r["total"], r["lost"], {}
    for row in r["rows"]:
        add(row.get("symbol"), row.get("reason"), row["count"])
elif tool == "perf":
    # "N SYMBOL REASON" a line
    per = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 3:
            count += int(f[0])
            add(f[1], f[2], int(f[0]))
elif tool == "bpftrace":
    # "@[SYMBOL, REASON_CODE]: N"; the codes' names from the tracepoint's print format.
    names = dict(re.findall(r"\{\s*(\d+),\s*\"(\w+)\"\s*\}", open(fmt).read()))
    per = {}
    for m in re.finditer(r"^@\[(\S+), (\d+)\]: (\d+)$", text, re.M):
        n = int(m.group(3)); count += n
        add(m.group(1), names.get(m.group(2), m.group(2)), n)
if per is not None:
    sent = ""
    for part in ("warmup", "send"):
        try:
            sent += " " + open(f"{prefix}.{part}").read()
        except OSError:
            pass
    with open(prefix + ".perkey", "w") as out:
        for (symbol, reason), kind in keys.items():
            exact = sum(int(v) for v in re.findall(r"\bsnmp_" + kind + r"=(\d+)", sent))
            print(kind, symbol, reason, exact, per.get(kind, 0), file=out)
print(count, "-" if per is None else sum(per.values()), lost)
PY
}
vmhwm() { # PID -> peak resident KiB, or "-"
    local v; v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null); echo "${v:--}"
}
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<< "$2"; }
wait_for() { # FILE REGEX PID MAX_SECONDS
    local i
    for ((i = 0; i < $4 * 10; i++)); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_pid() { # PID: SIGINT, then SIGTERM after 20 s, then SIGKILL
    local i
    kill -INT "$1" 2>/dev/null
    for ((i = 0; i < 200; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && { kill -TERM "$1"; sleep 2; }
    kill -0 "$1" 2>/dev/null && kill -KILL "$1"
    wait "$1" 2>/dev/null
}

# Runs the sender (warm-up, then measured) with the tool started as PID; sets RATE, EXACT,
# CPU_S, BUSY, DISTURBED, NOTE.
measure() { # MODE PID PREFIX
    local warm line c0 j0 j1
    warm=$(send "$1" "$WARMUP")
    c0=$(cpu_s "$2"); j0=$(busy_jiffies)
    line=$(send "$1" "$SECS")
    CPU_S=$(awk -v a="$c0" -v b="$(cpu_s "$2")" 'BEGIN { printf "%.2f", b - a }')
    [ "$2" = $$ ] && CPU_S=0
    j1=$(busy_jiffies)
    # Other processes' share of the other CPUs: their busy time minus the tool's own.
    BUSY=$(awk -v a="$j0" -v b="$j1" -v tool="${CPU_S:-0}" -v tck="$(getconf CLK_TCK)" 'BEGIN {
        split(a, x, " "); split(b, y, " "); v = 100 * (y[1] - x[1] - tool * tck) / (y[2] - x[2]);
        printf "%.0f", v < 0 ? 0 : v }')
    local foreign; foreign=$(foreign_perf_users "$2" | tr '\n' ' ')
    DISTURBED=""; NOTE=""
    if [ -n "$foreign" ]; then
        # with -f such runs are kept, and said to be
        if [ "$FORCE" = 1 ]; then NOTE="perf events held by ${foreign% }"; else DISTURBED="perf events held by ${foreign% }"; fi
    fi
    [ -z "$DISTURBED" ] && [ "$BUSY" -gt "$MAX_OTHER" ] && DISTURBED="load $BUSY%"
    echo "$warm" > "$3.warmup"; echo "$line" > "$3.send"
    RATE=$(field drops_per_s "$line")
    # The exact count is the namespace's; the sender's own sent - delivered must agree with it.
    local l; for l in "$warm" "$line"; do
        [ "$(field drops "$l")" = "$(field snmp_drops "$l")" ] ||
            echo "live.sh: the sender's drops and its namespace's counters differ: $l" >&2
    done
    EXACT=$(( $(field snmp_drops "$warm") + $(field snmp_drops "$line") ))
}

# The kernel tests' machine lock (src/test/java/org/dropscope/it/MachineLock.java, in the JVM's
# java.io.tmpdir, /tmp): a POSIX record lock (fcntl), which flock(1) would not see. Held for each
# run, so that a test run (mvn verify) and this benchmark take turns instead of counting each
# other's drops at the same keys.
LOCK_FILE=/tmp/dropscope-kernel-tests.lock
machine_lock() {
    coproc LOCKER { exec python3 -c '
import fcntl, sys
f = open(sys.argv[1], "a")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    print("live.sh: kernel tests hold " + sys.argv[1] + "; waiting for them", file=sys.stderr, flush=True)
    fcntl.lockf(f, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
' "$LOCK_FILE"; }
    local line; read -r line <&"${LOCKER[0]}"
}
machine_unlock() { # closing the holder's stdin ends it, and the kernel drops its lock
    local pid=$LOCKER_PID fd=${LOCKER[1]}
    exec {fd}>&-
    wait "$pid" 2>/dev/null
}

run_cell() { # MODE TOOL REP
    local mode=$1 tool=$2 pfx=$OUT/$1.$2.$3 pid data i t
    RATE=""; EXACT=""; COUNT=""; OWN="-"; LOST=""; CPU_S=""; BUSY=""; DISTURBED=""; NOTE=""; RSS="-"
    wait_quiet
    local foreign; foreign=$(foreign_perf_users)
    if [ -n "$foreign" ]; then
        echo "live.sh: processes $(tr '\n' ' ' <<< "$foreign")hold perf events: their tracepoints slow the sender too" >&2
        [ "$FORCE" = 1 ] || exit 1
    fi
    case $tool in
        alone)
            measure "$mode" $$ "$pfx" ;;
        perfstat)
            perf stat -e skb:kfree_skb -a -x, -o "$pfx.stat" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid; sleep 1
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid); stop_pid $pid
            COUNT=$(awk -F, '/skb:kfree_skb/ { print $1 }' "$pfx.stat"); LOST=0 ;;
        perf)
            data=$OUT/perf.data; rm -f "$data"
            perf record -e skb:kfree_skb -a -o "$data" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid; sleep 2
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid); stop_pid $pid
            perf report -i "$data" --stats > "$pfx.stats" 2>&1
            perf report -i "$data" --stdio --sort sym > "$pfx.report" 2>&1
            COUNT=$(awk '/skb:kfree_skb stats/ { f = 1 } f && /SAMPLE events/ { print $3; exit }' "$pfx.stats")
            LOST=$(awk '/^# Total Lost Samples:/ { print $NF; exit }' "$pfx.report")
            # "N SYMBOL REASON" per key, from each sample's "location=SYM+OFF ... reason: REASON"
            perf script -i "$data" -F trace 2> /dev/null | awk '{ l = ""
                for (i = 1; i <= NF; i++) if ($i ~ /^location=/) { l = substr($i, 10); sub(/\+.*/, "", l) }
                c[l " " $NF]++ } END { for (k in c) print c[k], k }' > "$pfx.keys"
            read -r _ OWN _ <<< "$(tally perf "$pfx.keys" "$mode" "$pfx")"
            rm -f "$data" ;;
        bpftrace)
            bpftrace -e "$BT_PROG" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" Attaching $pid 60 || { echo "bpftrace did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            sleep 0.5
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid); stop_pid $pid
            read -r COUNT OWN LOST <<< "$(tally bpftrace "$pfx.out" "$mode" "$pfx")" ;;
        ringcount)
            "$OUT/ringcount" "$TP_ID" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" Counting $pid 10 || { echo "ringcount did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid); stop_pid $pid
            COUNT=$(sed -n 's/^samples=\([0-9]*\) .*/\1/p' "$pfx.out")
            LOST=$(sed -n 's/.* lost=\([0-9]*\)$/\1/p' "$pfx.out") ;;
        shell|shell-pinned|shell-sampling)
            # ./dropscope with the commands piped in, as its README shows
            local pin=() extra=()
            [ "$tool" = shell-pinned ] && pin=(taskset -c "$OTHER_CPUS")
            [ "$tool" = shell-sampling ] && extra=(--hot-threshold 0)
            rm -f "$OUT/fifo"; mkfifo "$OUT/fifo"
            # shellcheck disable=SC2086
            "${pin[@]}" "$ROOT/dropscope" "${extra[@]}" $DS_ARGS < "$OUT/fifo" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            exec 3> "$OUT/fifo"
            echo start >&3
            wait_for "$pfx.out" 'Kernel monitoring activated' $pid 60 || { echo "dropscope did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid)
            printf 'stop\nstats\nexit\n' >&3
            exec 3>&-
            for ((i = 0; i < 300; i++)); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
            kill -0 $pid 2>/dev/null && kill -TERM $pid
            wait $pid 2>/dev/null
            rm -f "$OUT/fifo"
            read -r COUNT OWN LOST <<< "$(tally shell "$pfx.out" "$mode" "$pfx")" ;;
        top|top-no-stacks)
            # dropscope top as started (stacks on), or with --no-stacks; ended with SIGTERM, its
            # last block, printed once every ring is drained, holds the run's totals.
            local ns=(); [ "$tool" = top-no-stacks ] && ns=(--no-stacks)
            # shellcheck disable=SC2086
            "$ROOT/dropscope" top --batch "${ns[@]}" $DS_ARGS < /dev/null > "$pfx.out" 2> "$pfx.err" &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" ' drops [0-9]+ total' $pid 60 || { echo "dropscope top did not start" >&2; cat "$pfx.err" >&2; exit 1; }
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid)
            kill -TERM $pid
            for ((i = 0; i < 300; i++)); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
            kill -0 $pid 2>/dev/null && { echo "live.sh: dropscope top did not end in 30 s" >&2; kill -KILL $pid; }
            wait $pid 2>/dev/null
            read -r COUNT OWN LOST <<< "$(tally top "$pfx.out" "$mode" "$pfx")" ;;
        record|record-g)
            # dropscope record into a file (-g: with kernel stacks), ended with SIGTERM as a script
            # ends it; its count and losses are what the file holds, read back with report.
            local file=$OUT/record.dsr g=(); [ "$tool" = record-g ] && g=(-g)
            rm -f "$file" "$OUT/ready"
            # shellcheck disable=SC2086
            "$ROOT/dropscope" record --source tracepoint "${g[@]}" $DS_ARGS -o "$file" --ready-file "$OUT/ready" \
                > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            for ((i = 0; i < 600; i++)); do [ -e "$OUT/ready" ] || ! kill -0 $pid 2>/dev/null && break; sleep 0.1; done
            [ -e "$OUT/ready" ] || { echo "dropscope record did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            # A background job of a script ignores SIGINT: SIGTERM is how scripts end it.
            measure "$mode" $pid "$pfx"; RSS=$(vmhwm $pid); kill -TERM $pid; wait $pid
            "$ROOT/dropscope" report --format json --group symbol,reason "$file" > "$pfx.json" 2>> "$pfx.out"
            read -r COUNT OWN LOST <<< "$(tally record "$pfx.json" "$mode" "$pfx")"
            ls -l "$file" >> "$pfx.out"; rm -f "$file" ;;
        *) echo "live.sh: unknown tool $tool" >&2; exit 2 ;;
    esac
    CUR_PID=""
    # own (else count) + lost - exact: 0 when the tool accounts for every drop of the run
    t=$OWN; [ "$t" = - ] && t=$COUNT
    DIFF=""
    [[ "$t" =~ ^[0-9]+$ && "$LOST" =~ ^[0-9]+$ && "$EXACT" =~ ^[0-9]+$ ]] && DIFF=$((t + LOST - EXACT))
    [ -n "$DISTURBED" ] && echo "live.sh: run disturbed ($DISTURBED), left out" >&2
    echo "$mode,$tool,$3,$RATE,$EXACT,$COUNT,$OWN,$LOST,$DIFF,$CPU_S,$RSS,$BUSY,$DISTURBED,$NOTE" >> "$CSV"
    [ -n "$NOTE" ] && echo "live.sh: run kept, -f: $NOTE" >&2
    echo "[$mode $tool $3] drops/s=$RATE exact=$EXACT count=$COUNT own=$OWN lost=$LOST count+lost-exact=$DIFF" \
        "cpu_s=$CPU_S rss_kib=$RSS busy=$BUSY" >&2
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "kernel: $(uname -r) $(uname -m), $(nproc) CPUs: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | sort -u)"
    echo "perf: $(perf --version 2>&1)"; echo "bpftrace: $(bpftrace --version 2>&1)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "dropscope: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+changes') args: ${DS_ARGS:-none}"
    echo "sender: 1 thread pinned to CPU $CPU, $SECS s per run after a $WARMUP s warm-up, $REPS runs per cell"
} | tee "$OUT/machine.txt"

for mode in $MODES; do
    for rep in $(seq 1 "$REPS"); do
        for tool in $TOOLS; do
            for attempt in 1 2 3; do
                machine_lock
                run_cell "$mode" "$tool" "$rep"
                machine_unlock
                [ -z "$DISTURBED" ] && break
            done
        done
    done
done

python3 - "$CSV" "$OUT" <<'PY' | tee "$OUT/table.md"
import csv, sys, statistics as st
allrows = list(csv.DictReader(open(sys.argv[1])))
rows = [r for r in allrows if not r["disturbed"]]
def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None
def spread(v, fmt):
    v = [x for x in v if x is not None]
    if not v:
        return "-"
    return fmt.format(st.median(v)) + " (" + fmt.format(min(v)) + " .. " + fmt.format(max(v)) + ")"
print("| mode | tool | runs | drops/s | slowdown vs alone | exact drops | tool count | own keys | lost (tool's report)"
      " | count+lost-exact | exact every run | tool CPU s | RSS MB | other load |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for mode in dict.fromkeys(r["mode"] for r in rows):
    alone = [num(r["drops_per_s"]) for r in rows if r["mode"] == mode and r["tool"] == "alone"]
    base = st.median(alone) if alone else None
    for tool in dict.fromkeys(r["tool"] for r in rows if r["mode"] == mode):
        rs = [r for r in rows if r["mode"] == mode and r["tool"] == tool]
        rate = [num(r["drops_per_s"]) for r in rs]
        slow = [100 * (1 - x / base) for x in rate if x and base] if tool != "alone" else []
        exact = [num(r["exact"]) for r in rs]
        count = [num(r["count"]) for r in rs]
        own = [num(r["own"]) for r in rs]
        lost = [num(r["lost"]) for r in rs]
        diff = [num(r["count+lost-exact"]) for r in rs]
        known = [d for d in diff if d is not None]
        every = "-" if tool == "alone" else (
            ("yes" if len(known) == len(rs) and all(d == 0 for d in known) else "no")
            + f" {sum(1 for d in known if d == 0)}/{len(rs)}")
        cpu = [num(r["cpu_s"]) for r in rs]
        rss = [num(r["rss_kib"]) / 1024 if num(r["rss_kib"]) is not None else None for r in rs]
        busy = [num(r["other_busy"]) for r in rs]
        print(f"| {mode} | {tool} | {len(rs)} | {spread(rate, '{:,.0f}')} | "
              f"{spread(slow, '{:.1f}%') if slow else '-'} | {spread(exact, '{:,.0f}')} | "
              f"{spread(count, '{:,.0f}')} | {spread(own, '{:,.0f}')} | {spread(lost, '{:,.0f}')} | "
              f"{spread(diff, '{:,.0f}')} | {every} | {spread(cpu, '{:.2f}')} | {spread(rss, '{:.0f}')} | "
              f"{spread(busy, '{:.0f}%')} |")
# Per key of the modes with more than one: the tool's count minus the namespace's, over the runs
# kept (PREFIX.perkey, written by the last attempt of each run).
import glob, os
perkey = {}
kept = {(r["mode"], r["tool"], r["rep"]) for r in rows}
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.perkey"))):
    mode, tool, rep = os.path.basename(path)[:-len(".perkey")].split(".")
    if (mode, tool, rep) not in kept:
        continue
    lines = [l.split() for l in open(path) if l.strip()]
    if len(lines) < 2:
        continue
    for kind, symbol, reason, exact, got in lines:
        perkey.setdefault((mode, tool), {}).setdefault((kind, symbol, reason), []).append(int(got) - int(exact))
if perkey:
    print()
    print("Per key, tool count - exact (median (min .. max) over the runs; above 0: other processes' drops at the key):")
    print()
    kinds = list(dict.fromkeys(k for v in perkey.values() for k in v))
    print("| mode | tool | " + " | ".join(f"{k} ({s} {r})" for k, s, r in kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    for (mode, tool), v in perkey.items():
        print(f"| {mode} | {tool} | " + " | ".join(spread(v[k], '{:,.0f}') if k in v else "" for k in kinds) + " |")
left = len(allrows) - len(rows)
noted = sum(1 for r in rows if r["note"])
print()
print("Cells are median (min .. max) over the runs; count+lost-exact uses own keys where the tool reports them;"
      " exact every run: runs with count+lost-exact = 0, of all." + (f" {left} disturbed runs left out." if left else "")
      + (f" {noted} runs kept while other processes held perf events (-f)." if noted else ""))
PY
echo "raw results: $OUT" >&2
