#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# guest-start.sh - how long dropscope's JVM takes to start inside the NET_DM guest (Debian's kernel
# under qemu, docs/netdm-vm.md), with the class-data sharing archive ./dropscope makes and without.
#
# usage: sudo bench/guest-start.sh [-n STARTS]
#   -n   starts per command and archive setting, default 5
#
# Boots the guest once (scripts/netdm-vm/boot) and, in it, starts the jar the way the NET_DM tests
# do (scripts/netdm-vm/scenarios: config/jvm.options and C1 alone), STARTS times each:
#   version   `--version`, until it exits
#   netdm     `--source netdm` (the shell on NET_DM) with `exit` as its input, until it exits
# in three settings: "jdk", plain `java -jar` with the JDK's defaults (its own archive of JDK
# classes); "off", the tests' options with -Xshare:off; "on", the tests' options with
# target/dropscope.jsa (-Xshare:auto), as the tests start it.
# Prints one line per start (command, archive, seconds) and the median per cell. Wall-clock time
# under software emulation: the host's other load spreads it, so run it on a quiet machine.
#
# Prerequisites: root, the netdm-vm guest (scripts/netdm-vm/boot --prepare), a built jar and archive
# (./dropscope --version makes both).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STARTS=5
while getopts n: opt; do
    case $opt in
        n) STARTS=$OPTARG;;
        *) sed -n '8,9p' "$0" >&2; exit 2;;
    esac
done
[ -f "$ROOT/target/dropscope.jar" ] && [ -f "$ROOT/target/dropscope.jsa" ] \
    || "$ROOT/dropscope" --version > /dev/null
[ -f "$ROOT/target/dropscope.jsa" ] || { echo "guest-start.sh: no target/dropscope.jsa was made" >&2; exit 1; }

# The guest's part: it sees the host's files at their paths.
# shellcheck disable=SC2016
GUEST='
set -u
root=$1 starts=$2
cds=(-Xshare:auto -XX:SharedArchiveFile="$root/target/dropscope.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
now() { date +%s%N; }
for archive in jdk off on; do
    case $archive in
        jdk) jvm=(java); share=();;   # plain java -jar: the JDK defaults, as before config/jvm.options
        off) jvm=(java @"$root/config/jvm.options" -XX:TieredStopAtLevel=1); share=(-Xshare:off);;
        on) share=("${cds[@]}");;
    esac
    for i in $(seq "$starts"); do
        t0=$(now)
        "${jvm[@]}" "${share[@]}" -jar "$root/target/dropscope.jar" --version > /dev/null
        echo "version $archive $(( ($(now) - t0) / 1000000 ))"
        t0=$(now)
        echo exit | "${jvm[@]}" "${share[@]}" -jar "$root/target/dropscope.jar" --source netdm > /dev/null 2>&1
        echo "netdm $archive $(( ($(now) - t0) / 1000000 ))"
    done
done
'
"$ROOT/scripts/netdm-vm/boot" --timeout 1800 -- bash -c "$GUEST" guest "$ROOT" "$STARTS" | awk '
    { print; fflush() }
    $1 ~ /^(version|netdm)$/ && $2 ~ /^(jdk|off|on)$/ && $3 ~ /^[0-9]+$/ { v[$1 " " $2] = v[$1 " " $2] " " $3 }
    END {
        split("version jdk,version off,version on,netdm jdk,netdm off,netdm on", keys, ",")
        for (c = 1; c <= 6; c++) {
            k = keys[c]
            if (!(k in v)) continue
            n = split(substr(v[k], 2), a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            printf "median %-12s %5.2f s (%.2f .. %.2f) over %d starts\n", k, \
                (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) / 1000, a[1] / 1000, a[n] / 1000, n
        }
    }'
