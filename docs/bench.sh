#!/usr/bin/env bash
# docs/bench.sh [SECTION...]: measures what BENCHMARKS.md reports, from the repository
# root. Sections: go (the list's Go benchmarks), in-turn=REV (the keystroke benchmarks
# in turn with those of commit REV), fast (each fast path on and off), start
# (hyperfine), frame (docs/firstframe.py), idle, memory, keys (key-to-frame under
# strace), pg (the team store on PostgreSQL, on a server of its own listening on
# loopback TCP with the default durability); all but in-turn when none is named.
# Needs hyperfine, tmux, strace, python3 and GNU time. Everything it makes is under
# $B (default /tmp/rtbench); tmux runs on a private socket.
set -euo pipefail
B=${B:-/tmp/rtbench}
T="tmux -L rtbench"
mkdir -p "$B"
load() { echo "# $(date -u) load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

setup() {
	go build -o "$B/rotatetui" .
	go test -c -o "$B/ui.test" ./ui
	printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$B/hello.go"
	go build -o "$B/hello" "$B/hello.go"
	for n in 10000 100000; do
		[ -s "$B/$n.toml" ] || awk -v n=$n 'BEGIN {
  split("Data Cloud Snow Green Hyper Blue Pay Shop Stack Mail", a, " ")
  split("ly pay flake ify desk hub base works sense metrics", b, " ")
  print "version = 1\ntitle = \"Big\""
  for (i = 0; i < n; i++) {
    name = a[1 + (i * 7) % 10] b[1 + (i * 13 + int(i / 10)) % 10] " " i
    printf "[[sources]]\nid = \"s%d\"\nname = \"%s\"\naliases = [\"alias %d\"]\ncategory = \"Cat %d\"\n", i, name, i, i % 20
    for (j = 0; j < 3; j++) printf "[[sources.steps]]\ntext = \"Step %d of %s.\"\n", j, name
  }
}' >"$B/$n.toml"
	done
	# The state in a directory of its own, as by default: none, and a year of progress
	# (two finished rotations of every built-in source, one under way).
	mkdir -p -m 700 "$B/empty" "$B/year"
	if [ ! -s "$B/year/state.json" ]; then
		"$B/rotatetui" catalog --json | python3 -c 'import json,sys; [print(s["id"], len(s["steps"])) for s in json.load(sys.stdin)["sources"]]' |
			while read -r id n; do for r in 1 2; do "$B/rotatetui" --state "$B/year/state.json" check "$id" $(seq 1 "$n") --yes --force >/dev/null; done; done
		"$B/rotatetui" --state "$B/year/state.json" check snowflake 1 2 3 --yes --force >/dev/null
	fi
}

go_benchmarks() {
	load
	go test -run '^$' -bench 'FirstKeystroke|FirstUseOfALetter|ExtendQuery|^BenchmarkView$|StockList|KeystrokeSequence' -benchmem -benchtime=1s -count 5 ./ui/
	load
}

# in_turn REV: the keystroke benchmarks of this tree and of commit REV, in turn in five
# rounds, which load slows alike.
in_turn() {
	load
	rm -rf "$B/old" && mkdir -p "$B/old"
	git archive "$1" | tar -x -C "$B/old"
	(cd "$B/old" && go test -c -o "$B/old-ui.test" ./ui)
	for round in 1 2 3 4 5; do
		for t in old-ui ui; do
			echo "== $t"
			(cd ui && "$B/$t.test" -test.run '^$' -test.bench '^Benchmark(ExtendQuery|FirstKeystroke)$/100k|^BenchmarkKeystrokeSequence$/^10k$' -test.benchmem)
		done
	done
	load
}

# fast_paths: each fast path on and off, in turn in five rounds (a loaded machine
# slows both alike), from test binaries built once.
fast_paths() {
	load
	go test -c -o "$B/catalog.test" ./catalog
	go test -c -o "$B/state.test" ./state
	for round in 1 2 3 4 5; do
		(cd catalog && "$B/catalog.test" -test.run '^$' -test.bench '^Benchmark(Decode|ParseChunked|Builtin)$' -test.benchmem)
		(cd catalog && "$B/catalog.test" -test.run '^$' -test.bench '^Benchmark(BuiltinFirstCall|ParseChunkedFresh)$' -test.benchtime=5x)
		"$B/state.test" -test.run '^$' -test.bench '^BenchmarkDecode$' -test.benchmem
		"$B/state.test" -test.run '^$' -test.bench '^BenchmarkFirstDecode$' -test.benchtime=20x
	done
	load
}

# hf RUNS NAME COMMAND [NAME COMMAND...]: three rounds of hyperfine, the commands in
# turn within each, and the median of each command in each round.
hf() {
	local runs=$1 args=()
	shift
	while [ $# -gt 0 ]; do args+=(-n "$1" "$2") && shift 2; done
	for round in 1 2 3; do
		hyperfine -N --warmup 5 --runs "$runs" --export-json "$B/hf.json" "${args[@]}" >/dev/null 2>"$B/hf.err"
		python3 -c 'import json,sys; print("'"$(date -u +%T)"' round '$round': " + "; ".join("%s %.2f ms" % (r["command"], 1000*r["median"]) for r in json.load(open(sys.argv[1]))["results"]))' "$B/hf.json"
	done
}

start() {
	load
	hf 200 hello "$B/hello" status "$B/rotatetui --state $B/empty/state.json status" \
		"status, a year of state" "$B/rotatetui --state $B/year/state.json status"
	hf 20 "status, 10k catalog" "$B/rotatetui --no-builtin --catalog $B/10000.toml --state $B/empty/state.json status"
	load
}

frame() {
	load
	for round in 1 2 3; do
		python3 docs/firstframe.py 100 hello "$B/hello"
		python3 docs/firstframe.py 100 sources "$B/rotatetui" --state "$B/empty/state.json"
	done
	FF_CTTY=1 python3 docs/firstframe.py 100 hello "$B/hello"
	FF_CTTY=1 python3 docs/firstframe.py 100 sources "$B/rotatetui" --state "$B/empty/state.json"
	load
}

# session NAME COMMAND: starts COMMAND in a tmux window of 100x30 and sets PID to it.
session() {
	$T kill-server 2>/dev/null || true
	$T new-session -d -s "$1" -x 100 -y 30 "exec $2"
	sleep 2
	PID=$($T list-panes -t "$1" -F '#{pane_pid}')
}
cpu() { awk '{print $14+$15}' "/proc/$PID/stat"; } # user+system, in 10 ms ticks
switches() { cat /proc/"$PID"/task/*/status | awk '/ctxt/ {s+=$2} END {print s}'; }

idle() {
	load
	for round in 1 2 3; do
		for mode in rotatetui display bubbletea; do
			if [ $mode = rotatetui ]; then
				session idle "$B/rotatetui --state $B/year/state.json"
			else
				session idle "env ROTATETUI_UI_IDLE=$mode $B/ui.test -test.run ^TestHelperIdle\$"
			fi
			c1=$(cpu) s1=$(switches)
			sleep 10
			echo "$mode ($(cat /proc/$PID/comm)): $(($(cpu) - c1)) ticks, $(($(switches) - s1)) context switches in 10 s"
			$T kill-server
		done
	done
	load
}

rss() { awk '/VmRSS|VmHWM/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$PID/status"; echo "$*"; }

memory() {
	load
	/usr/bin/time -f 'status, built-in: %M KB max RSS, %e s' "$B/rotatetui" --state "$B/empty/state.json" status >/dev/null
	/usr/bin/time -f 'status, 100k: %M KB max RSS, %e s' "$B/rotatetui" --no-builtin --catalog "$B/100000.toml" --state "$B/empty/state.json" status >/dev/null
	session mem "$B/rotatetui --state $B/empty/state.json"
	rss "built-in, the list shown"
	$T send-keys -t mem / s n o w Enter
	sleep 1
	$T send-keys -t mem n
	$T send-keys -t mem -l 'a note'
	sleep 1
	rss "built-in, after /snow, opening it and typing a note"
	session mem "$B/rotatetui --no-builtin --catalog $B/100000.toml --state $B/empty/state.json"
	sleep 3
	rss "100k, the list shown"
	$T send-keys -t mem / s n o w BSpace BSpace BSpace BSpace
	sleep 2
	rss "100k, after /snow and four backspaces"
	$T kill-server
	load
}

# keys: the time from reading each key to writing its frame, under strace (which
# slows both), keys sent 150 ms apart, on the built-in catalog and at 100k.
keys() {
	load
	for cat in builtin 100000; do
		args="--state $B/empty/state.json"
		[ $cat = builtin ] || args="--no-builtin --catalog $B/$cat.toml $args"
		session keys "strace -ttt -f -e trace=read,write -o $B/keys.trace $B/rotatetui $args"
		sleep 3
		for k in / s n o w BSpace BSpace BSpace BSpace a p BSpace BSpace Escape j j k; do
			$T send-keys -t keys "$k"
			sleep 0.15
		done
		sleep 1
		$T kill-server
		python3 - "$B/keys.trace" "$cat" <<'EOF'
import re, statistics, sys
reads, lat = None, []
for line in open(sys.argv[1]):
    # A key: a read of fd 0 that returned bytes. Its frame: the next write to fd 1
    # (from the call's start: a long one is logged unfinished, resumed later).
    m = re.match(r'\d+\s+([\d.]+) (read|write)\((\d+), (.*)', line)
    if not m: continue
    t, call, fd = float(m[1]), m[2], m[3]
    if call == 'read' and fd == '0' and reads is None and re.search(r'= [1-9]\d*$', m[4]): reads = t
    elif call == 'write' and fd == '1' and reads is not None: lat.append((t - reads) * 1000); reads = None
print('%s: %d keys, key to frame median %.1f ms, max %.1f ms' % (sys.argv[2], len(lat), statistics.median(lat), max(lat)))
EOF
	done
	load
}


# pg: the team store's figures on a throwaway PostgreSQL server of its own, started
# from the machine's packages on 127.0.0.1:$PGPORT with the default durability (fsync
# on, unlike the tests' server), as the postgres user when run as root.
pg() {
	load
	# Not local: the EXIT trap below runs after the function has returned.
	bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
	dir="$B/pg" port=${PGPORT:-55432}
	run=""
	[ "$(id -u)" = 0 ] && run="runuser -u postgres --"
	rm -rf "$dir" && mkdir -p "$dir" && { [ -z "$run" ] || chown postgres "$dir"; }
	$run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
	$run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir" start >/dev/null
	# Stopped however the script ends: a failed command ends it at once (set -e).
	trap '$run "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null' EXIT
	"$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -c 'CREATE DATABASE rotatetui' postgres
	url="postgres://postgres@127.0.0.1:$port/rotatetui?sslmode=disable"
	# Save p99 and the time to a second instance, in Go (state/pg_bench_test.go).
	ROTATETUI_BENCH_PG_URL=$url go test -run '^$' -bench 'BenchmarkPG' -benchtime=2000x -count 3 ./state/
	# Start: status on the database against status on the file, the same year of state.
	"$B/rotatetui" state copy "$B/year/state.json" "$url" --overwrite >/dev/null
	hyperfine -N --warmup 5 --runs 200 "$B/rotatetui --state $B/year/state.json status" "$B/rotatetui --state $url status"
	# Idle: the checklist on the database, listening, for 10 s.
	for round in 1 2 3; do
		session idle "env ROTATETUI_STATE=$url $B/rotatetui"
		c1=$(cpu) s1=$(switches)
		sleep 10
		echo "database ($(cat /proc/$PID/comm)): $(($(cpu) - c1)) ticks, $(($(switches) - s1)) context switches in 10 s"
		$T kill-server
	done
	load
}

setup
sections=${*:-go fast start frame idle memory keys pg}
for s in $sections; do
	case $s in
	go) go_benchmarks ;;
	in-turn=*) in_turn "${s#in-turn=}" ;;
	fast) fast_paths ;;
	pg) pg ;;
	start | frame | idle | memory | keys) $s ;;
	*) echo "unknown section $s" >&2 && exit 2 ;;
	esac
done
