#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# live.sh - how much each drop tracer slows a sender that makes the kernel drop packets as fast
# as one thread can, and whether it loses events: dropscope, perf record and bpftrace side by
# side in one run, against the sender alone (and perf stat, which counts in the kernel).
#
# usage: sudo bench/live.sh [-r REPS] [-t SECONDS] [-c CPU] [-m "rcvbuf noport"]
#                           [-T "alone perfstat dropscope perf bpftrace"] [-D "DROPSCOPE ARGS"]
#                           [-w WARMUP] [-q QUIET] [-o OUTDIR] [-f]
#   -r   repetitions of every (mode, tool) cell, default 3; the cells are interleaved
#        (rep 1 of every tool, then rep 2, ...) so that drift hits every tool alike
#   -t   seconds per measured sender run, default 5
#   -c   CPU the sender is pinned to, default 1 (the tracers' user space is not pinned)
#   -m   modes of bench/dropsend.c, default "rcvbuf noport"
#   -T   tools, default "alone perfstat dropscope perf bpftrace"; also "dropscope-pinned":
#        dropscope with its JVM pinned away from the sender's CPU (taskset); "dropscope-sampling":
#        dropscope with --hot-threshold 0, a perf sample for every drop (no key counted in the
#        kernel); and "ringcount":
#        bench/ringcount.c, a minimal C reader of the same perf events as dropscope-sampling, and
#        "record" / "record-g": dropscope record to a file (record-g: with kernel stacks), ended
#        with SIGTERM, its count and losses read back from the file with dropscope report; "top" /
#        "top-nostacks": dropscope top --batch as a user starts it (stacks on) or with --no-stacks,
#        ended with SIGTERM, its count and losses from its last block
#   -D   extra dropscope arguments, e.g. "--ring-pages 512"
#   -w   seconds of sender warm-up with the tool running, before the measured run, default 2
#        (a fresh JVM compiles its hot path in the first second of drops)
#   -q   before each run, wait (up to 10 min) until the machine is at most QUIET % busy over
#        2 s and no other process holds perf events, default 10; 100 does not wait
#   -o   output directory, default target/live/DATE
#   -f   run even if another process holds perf events (its tracepoints would slow the sender)
#
# Prerequisites (Debian): root; apt-get install gcc linux-perf bpftrace python3 util-linux
# iproute2; Java 17 and Maven for ./dropscope, which builds target/dropscope.jar on first use.
#
# One run of a cell: start the tool and wait until it is ready (dropscope: "Kernel monitoring
# activated."; bpftrace: "Attaching"; perf: 2 s), run the sender WARMUP s, then the
# measured SECONDS, then stop the tool and read its count. The sender is bench/dropsend.c, run
# in a private network namespace (unshare --net), so the namespace's /proc/net/snmp counts its
# drops exactly. Tracers see every drop of the machine; a count above the exact one is
# background drops, one below is events lost.
#
# Columns: drops/s of the measured run; slowdown = 1 - rate / median rate of "alone" (same
# mode); exact = the sender's drops while the tool ran (warm-up + measured, from snmp); count =
# what the tool counted in its whole life; lost = what the tool says it lost (dropscope: stats;
# perf: Total Lost Samples); CPU s = the tool process's user+system time during the measured
# run (it does not include the kernel's work in the sender's context: that is the slowdown);
# other load = how busy other processes kept the CPUs the sender is not on, during the measured
# run (/proc/stat minus the tool's own CPU time). A run during which another process held perf
# events, or other load exceeded 20 %, is marked in runs.csv, left out, and run again (at most
# three attempts).
set -u
# perf mounts tracefs when it finds none and leaves it mounted: run everything in a private
# mount namespace, so that whatever the tools mount is gone when this script ends.
if [ -z "${LIVE_SH_PRIVATE_MOUNTS:-}" ] && [ "$(id -u)" = 0 ]; then
    exec env LIVE_SH_PRIVATE_MOUNTS=1 unshare --mount --propagation private "$0" "$@"
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=3; SECS=5; CPU=1; MODES="rcvbuf noport"; TOOLS="alone perfstat dropscope perf bpftrace"
DS_ARGS=""; OUT=""; FORCE=0; WARMUP=2; QUIET=10; MAX_OTHER=20
while getopts "r:t:c:m:T:D:w:q:o:fh" opt; do
    case $opt in
        r) REPS=$OPTARG ;; t) SECS=$OPTARG ;; c) CPU=$OPTARG ;; m) MODES=$OPTARG ;;
        T) TOOLS=$OPTARG ;; D) DS_ARGS=$OPTARG ;; w) WARMUP=$OPTARG ;; q) QUIET=$OPTARG ;;
        o) OUT=$OPTARG ;; f) FORCE=1 ;; *) sed -n '4,41p' "$0"; exit 2 ;;
    esac
done
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
echo "mode,tool,rep,drops_per_s,exact,count,lost,cpu_s,other_busy,disturbed" > "$CSV"

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
    taskset -c "$CPU" unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$SEND" "$1" -t "$2" -c "$CPU"
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
# CPU_S, BUSY, DISTURBED.
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
    DISTURBED=$(foreign_perf_users "$2" | tr '\n' ' ')
    [ -z "$DISTURBED" ] && [ "$BUSY" -gt "$MAX_OTHER" ] && DISTURBED="load $BUSY%"
    echo "$warm" > "$3.warmup"; echo "$line" > "$3.send"
    RATE=$(field drops_per_s "$line")
    EXACT=$(( $(field snmp_drops "$warm") + $(field snmp_drops "$line") ))
}

run_cell() { # MODE TOOL REP
    local mode=$1 tool=$2 pfx=$OUT/$1.$2.$3 pid data
    RATE=""; EXACT=""; COUNT=""; LOST=""; CPU_S=""; BUSY=""; DISTURBED=""
    wait_quiet
    local foreign; foreign=$(foreign_perf_users)
    if [ -n "$foreign" ]; then
        echo "live.sh: processes $foreign hold perf events: their tracepoints slow the sender too" >&2
        [ "$FORCE" = 1 ] || exit 1
    fi
    case $tool in
        alone)
            measure "$mode" $$ "$pfx" ;;
        perfstat)
            perf stat -e skb:kfree_skb -a -x, -o "$pfx.stat" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid; sleep 1
            measure "$mode" $pid "$pfx"; stop_pid $pid
            COUNT=$(awk -F, '/skb:kfree_skb/ { print $1 }' "$pfx.stat"); LOST=0 ;;
        perf)
            data=$OUT/perf.data; rm -f "$data"
            perf record -e skb:kfree_skb -a -o "$data" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid; sleep 2
            measure "$mode" $pid "$pfx"; stop_pid $pid
            perf report -i "$data" --stats > "$pfx.stats" 2>&1
            perf report -i "$data" --stdio --sort sym > "$pfx.report" 2>&1
            COUNT=$(awk '/skb:kfree_skb stats/ { f = 1 } f && /SAMPLE events/ { print $3; exit }' "$pfx.stats")
            LOST=$(awk '/^# Total Lost Samples:/ { print $NF; exit }' "$pfx.report")
            rm -f "$data" ;;
        bpftrace)
            bpftrace -e "$BT_PROG" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" Attaching $pid 60 || { echo "bpftrace did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            sleep 0.5
            measure "$mode" $pid "$pfx"; stop_pid $pid
            COUNT=$(awk '/^@\[/ { s += $NF } END { print s + 0 }' "$pfx.out"); LOST=0 ;;
        ringcount)
            "$OUT/ringcount" "$TP_ID" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" Counting $pid 10 || { echo "ringcount did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            measure "$mode" $pid "$pfx"; stop_pid $pid
            COUNT=$(sed -n 's/^samples=\([0-9]*\) .*/\1/p' "$pfx.out")
            LOST=$(sed -n 's/.* lost=\([0-9]*\)$/\1/p' "$pfx.out") ;;
        dropscope|dropscope-pinned|dropscope-sampling)
            local pin=() extra=()
            [ "$tool" = dropscope-pinned ] && pin=(taskset -c "$OTHER_CPUS")
            [ "$tool" = dropscope-sampling ] && extra=(--hot-threshold 0)
            rm -f "$OUT/fifo"; mkfifo "$OUT/fifo"
            # shellcheck disable=SC2086
            "${pin[@]}" "$ROOT/dropscope" "${extra[@]}" $DS_ARGS < "$OUT/fifo" > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            exec 3> "$OUT/fifo"
            echo start >&3
            wait_for "$pfx.out" 'Kernel monitoring activated' $pid 60 || { echo "dropscope did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            measure "$mode" $pid "$pfx"
            printf 'stop\nstats\nexit\n' >&3
            exec 3>&-
            for ((i = 0; i < 300; i++)); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
            kill -0 $pid 2>/dev/null && kill -TERM $pid
            wait $pid 2>/dev/null
            rm -f "$OUT/fifo"
            COUNT=$(awk '/^[0-9]+ drops at / { s += $1 } END { print s + 0 }' "$pfx.out")
            LOST=$(awk '$1 == "all" { print $3 }' "$pfx.out") ;;
        top|top-nostacks)
            # dropscope top --batch, ready at its first block, ended with SIGTERM: its last block
            # is printed after the rings are drained and holds the run's totals.
            local nostacks=(); [ "$tool" = top-nostacks ] && nostacks=(--no-stacks)
            # shellcheck disable=SC2086
            "$ROOT/dropscope" top --batch --source tracepoint -l none "${nostacks[@]}" $DS_ARGS > "$pfx.out" 2>&1 &
            pid=$!; CUR_PID=$pid
            wait_for "$pfx.out" ' events/s ' $pid 60 || { echo "dropscope top did not start" >&2; cat "$pfx.out" >&2; exit 1; }
            measure "$mode" $pid "$pfx"; kill -TERM $pid; wait $pid
            COUNT=$(sed -n 's/.* drops \([0-9]*\) total.*/\1/p' "$pfx.out" | tail -1)
            LOST=$(sed -n 's/.*  lost [0-9]*\/interval \([0-9]*\) total .*/\1/p' "$pfx.out" | tail -1) ;;
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
            measure "$mode" $pid "$pfx"; kill -TERM $pid; wait $pid
            "$ROOT/dropscope" report --format json --group reason "$file" > "$pfx.json" 2>> "$pfx.out"
            COUNT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$pfx.json")
            LOST=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lost"])' "$pfx.json")
            ls -l "$file" >> "$pfx.out"; rm -f "$file" ;;
        *) echo "live.sh: unknown tool $tool" >&2; exit 2 ;;
    esac
    CUR_PID=""
    [ -n "$DISTURBED" ] && echo "live.sh: run disturbed (other processes: $DISTURBED), left out" >&2
    echo "$mode,$tool,$3,$RATE,$EXACT,$COUNT,$LOST,$CPU_S,$BUSY,$DISTURBED" >> "$CSV"
    echo "[$mode $tool $3] drops/s=$RATE exact=$EXACT count=$COUNT lost=$LOST cpu_s=$CPU_S busy=$BUSY" >&2
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
                run_cell "$mode" "$tool" "$rep"
                [ -z "$DISTURBED" ] && break
            done
        done
    done
done

python3 - "$CSV" <<'PY' | tee "$OUT/table.md"
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
print("| mode | tool | runs | drops/s | slowdown vs alone | exact drops | tool count | missed | lost (tool's report) | tool CPU s | other load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for mode in dict.fromkeys(r["mode"] for r in rows):
    alone = [num(r["drops_per_s"]) for r in rows if r["mode"] == mode and r["tool"] == "alone"]
    base = st.median(alone) if alone else None
    for tool in dict.fromkeys(r["tool"] for r in rows if r["mode"] == mode):
        rs = [r for r in rows if r["mode"] == mode and r["tool"] == tool]
        rate = [num(r["drops_per_s"]) for r in rs]
        slow = [100 * (1 - x / base) for x in rate if x and base] if tool != "alone" else []
        exact = [num(r["exact"]) for r in rs]
        count = [num(r["count"]) for r in rs]
        missed = [e - c for e, c in zip(exact, count) if e is not None and c is not None]
        lost = [num(r["lost"]) for r in rs]
        cpu = [num(r["cpu_s"]) for r in rs]
        busy = [num(r["other_busy"]) for r in rs]
        print(f"| {mode} | {tool} | {len(rs)} | {spread(rate, '{:,.0f}')} | "
              f"{spread(slow, '{:.1f}%') if slow else '-'} | {spread(exact, '{:,.0f}')} | "
              f"{spread(count, '{:,.0f}')} | {spread(missed, '{:,.0f}') if missed else '-'} | "
              f"{spread(lost, '{:,.0f}')} | {spread(cpu, '{:.2f}')} | {spread(busy, '{:.0f}%')} |")
left = len(allrows) - len(rows)
print()
print("Cells are median (min .. max) over the runs." + (f" {left} disturbed runs left out." if left else ""))
PY
echo "raw results: $OUT" >&2
