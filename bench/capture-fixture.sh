#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# capture-fixture.sh - capture the perf ring images in src/test/resources/fixtures/perf/ from the
# running kernel (see the .md sidecar of each image, and RingCapture in src/capture/java).
#
# usage: sudo bench/capture-fixture.sh [CPU]        (CPU to pin the generator to, default 1)
#
# Needs root, Maven, unshare(1), ip(8), taskset(1). The drops are caused inside a private network
# namespace that disappears with the process; nothing on the host network is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
CPU=${1:-1}
OUT=src/test/resources/fixtures/perf
[ "$(id -u)" = 0 ] || { echo "capture-fixture.sh: must run as root" >&2; exit 1; }

mvn -B -q -DskipTests -Dcheckstyle.skip test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/capture.classpath
CP="target/test-classes:target/classes:$(cat target/capture.classpath)"

capture() { # NAME raw|callchain|group NOPORT_COUNT RCVBUF_COUNT
    local cmd="sudo bench/capture-fixture.sh $CPU"
    taskset -c "$CPU" unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
        java -cp "$CP" org.dropscope.source.tracepoint.RingCapture "$OUT" "$1" "$2" "$3" "$4" "$CPU" "$cmd"
}
capture kfree_skb-6.18-udp-raw raw 1024 1024
capture kfree_skb-6.18-udp-callchain callchain 256 256
capture kfree_skb-6.18-group group 256 256
