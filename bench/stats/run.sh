#!/usr/bin/env bash
# The `faultline stats` benchmark: faultline against a python-jira 3.4.1 script computing the
# same monthly figures, on the sandbox's Data Center flavor, in interleaved rounds.
#
#   bench/stats/run.sh [BIN_DIR] [--rounds N] [--faults N] [--actions M] [--zone IANA]
#                      [--since DATE] [--until DATE] [--cloud] [--strict] [--keep]
#
# BIN_DIR (default build/release) holds the release build of `faultline` and
# tests/sandbox/faultline-sandbox; this script builds nothing:
#   cmake --preset release && cmake --build build/release --target faultline faultline-sandbox
#
# It starts faultline-sandbox (datacenter, a free loopback port), seeds it with make_seed.py's
# document (POST /_sandbox/seed, "mode":"extend"), checks the sandbox holds every issue,
# writes a faultline config for it, then runs N rounds (default 5) of
#   faultline --config CFG stats --json --since SINCE --until UNTIL
#   python_jira_stats.py --since SINCE --until UNTIL            (/usr/bin/python3, python-jira)
# alternating which goes first, each under /usr/bin/time -f '%e %M %U %S' (wall s, peak RSS
# KiB, user and system CPU s), noting the CPU the sandbox spent serving each run (one lock
# serialises it: it is the floor under any client's wall time). It prints the medians, the
# ratio python/faultline of the wall times (and, for information, of the client CPU times)
# and faultline's peak RSS against the targets (>= 5x, <= 60 MiB), and checks the figures of every output against the seed's
# manifest and against each other (compare.py): monthly fault counts or counts by level that
# disagree fail the benchmark (exit 1). --strict also fails on differing action counts and
# time-to-recover medians / p90. Missed targets exit 3; a missing `faultline stats`, 2.
#
# --cloud also runs faultline alone against a Cloud-flavor sandbox with the same seed.
# SINCE defaults to the first day of the month 12 months back, UNTIL to today (both dates in
# the team zone; a date alone in --until includes that day): the current month so far and the
# 12 before it, which is where make_seed.py puts every fault (a narrower window leaves months
# of the seed out, which the check against the seed reports). --keep keeps the work directory
# (seed, manifest, configs, outputs, sandbox logs) and prints where it is.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3

bin_dir="build/release"
rounds=5
faults=10000
actions=30000
zone="Asia/Shanghai"
since=""
until=""
cloud=0
strict=()
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --faults) faults="$2"; shift 2 ;;
    --actions) actions="$2"; shift 2 ;;
    --zone) zone="$2"; shift 2 ;;
    --since) since="$2"; shift 2 ;;
    --until) until="$2"; shift 2 ;;
    --cloud) cloud=1; shift ;;
    --strict) strict=(--strict); shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) bin_dir="$1"; shift ;;
  esac
done
[[ "$bin_dir" = /* ]] || bin_dir="$repo/$bin_dir"
faultline="$bin_dir/faultline"
sandbox="$bin_dir/tests/sandbox/faultline-sandbox"

die() { echo "run.sh: $1" >&2; exit "${2:-1}"; }
[[ -x "$faultline" ]] || die "no faultline binary at $faultline (build it: cmake --preset release && cmake --build build/release --target faultline faultline-sandbox)" 2
[[ -x "$sandbox" ]] || die "no faultline-sandbox at $sandbox (build target faultline-sandbox)" 2
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)" 2
$py -c 'import jira, sys; sys.exit(0 if jira.__version__ == "3.4.1" else 1)' 2>/dev/null ||
  die "$py needs python-jira 3.4.1 (Debian: python3-jira)" 2
command -v curl >/dev/null || die "curl is needed" 2
# An unknown subcommand still prints the main help, with exit 0: look for stats' own usage line.
if ! "$faultline" stats --help 2>/dev/null | grep -qE '^Usage: .*[[:space:]/]?stats[[:space:]]'; then
  die "\`faultline stats\` is missing from $faultline: nothing to benchmark" 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench-stats.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $keep -eq 1 ]]; then echo "run.sh: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
export BENCH_JIRA_TOKEN="sandbox-token"

# ---- the seed
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
t0=$(date +%s.%N)
$py "$here/make_seed.py" --faults "$faults" --actions "$actions" --now "$now" --zone "$zone" \
  --out "$work/seed.json" --manifest "$work/manifest.json"
t1=$(date +%s.%N)
manifest() { $py -c "import json,sys; print(json.load(open('$work/manifest.json'))[sys.argv[1]])" "$1"; }
[[ -n "$since" ]] || since="$(manifest since_date)"
[[ -n "$until" ]] || until="$(TZ="$zone" date +%F)"
printf 'seed: %d faults, %d actions, %d versions, %s MB; written in %.1f s\n' "$faults" "$actions" \
  "$(manifest versions)" "$(( $(stat -c %s "$work/seed.json") / 1000000 ))" "$(awk "BEGIN {print $t1 - $t0}")"
echo "window: --since $since --until $until (zone $zone, now $now)"

# Starts a sandbox of flavor $1; sets sb_url and sb_pid.
start_sandbox() {
  local flavor="$1" out="$work/sandbox-$1.out"
  "$sandbox" --flavor "$flavor" --host 127.0.0.1 --port 0 >"$out" 2>"$work/sandbox-$1.log" &
  sb_pid=$!
  pids+=("$sb_pid")
  for _ in $(seq 100); do
    sb_url="$(head -n1 "$out" 2>/dev/null || true)"
    [[ "$sb_url" == http://* ]] && return 0
    kill -0 "$sb_pid" 2>/dev/null || die "the $flavor sandbox exited: $(cat "$work/sandbox-$1.log")"
    sleep 0.1
  done
  die "the $flavor sandbox printed no URL within 10 s"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# Seeds the sandbox at $sb_url and checks the counts; $1 = flavor.
seed_sandbox() {
  local flavor="$1" t0 t1 code
  t0=$(date +%s.%N)
  code=$(curl -sS -o "$work/seed-$flavor.resp" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$work/seed.json" "$sb_url/_sandbox/seed")
  t1=$(date +%s.%N)
  [[ "$code" == 200 ]] || die "seeding the $flavor sandbox: HTTP $code $(head -c 300 "$work/seed-$flavor.resp")"
  printf 'sandbox %s: seeded in %.1f s; sandbox RSS now %d MiB (peak %d MiB)\n' "$flavor" "$(awk "BEGIN {print $t1 - $t0}")" \
    $(( $(rss_kib "$sb_pid") / 1024 )) $(( $(hwm_kib "$sb_pid") / 1024 ))
  # The sandbox skips a seed issue it cannot create: count what it holds.
  local f a
  if [[ "$flavor" == datacenter ]]; then
    count() {
      curl -sS -G -H 'Authorization: Bearer sandbox-token' --data-urlencode "jql=$1" --data-urlencode maxResults=0 \
        "$sb_url/rest/api/2/search" | $py -c 'import json,sys; print(json.load(sys.stdin)["total"])'
    }
  else
    count() {
      curl -sS -u 'oncall@example.com:sandbox-token' -H 'Content-Type: application/json' \
        --data "$($py -c 'import json,sys; print(json.dumps({"jql": sys.argv[1]}))' "$1")" \
        "$sb_url/rest/api/3/search/approximate-count" | $py -c 'import json,sys; print(json.load(sys.stdin)["count"])'
    }
  fi
  # A sandbox that compresses (cpp-httplib picks Brotli at quality 11 when a client such as
  # libcurl accepts "br") spends ~200 ms of CPU per search page: the figures would measure that.
  if curl -sS -o /dev/null -D - -H 'Accept-Encoding: br, gzip' "$sb_url/rest/api/2/serverInfo" |
    grep -qi '^content-encoding:'; then
    echo "run.sh: WARNING: this sandbox compresses its answers (tests/sandbox/src/server.cpp on_request" \
      "drops Accept-Encoding in a fixed tree); faultline's timings will mostly be the sandbox's Brotli" >&2
  fi
  f=$(count 'project = FAULT AND issuetype = Fault')
  a=$(count 'project = FAULT AND labels = fault-action')
  [[ "$f" == "$faults" && "$a" == "$actions" ]] ||
    die "the $flavor sandbox holds $f faults and $a actions after seeding, not $faults and $actions"
}

# Writes the faultline config for the sandbox at $sb_url; $1 = flavor, $2 = file.
write_config() {
  local flavor="$1" file="$2" login ids
  if [[ "$flavor" == datacenter ]]; then
    login='auth = "bearer"'
    ids=(alice bob carol dave oncall)
  else
    login=$'auth = "basic"\nuser = "oncall@example.com"'
    ids=(5b10a2844c20165700ede21a 5b10a2844c20165700ede21b 5b10a2844c20165700ede21c 5b10a2844c20165700ede21d
         5b10a2844c20165700ede21e)
  fi
  cat >"$file" <<EOF
# faultline config for the stats benchmark: the sandbox ($flavor) at $sb_url
[jira]
url = "$sb_url"
flavor = "$flavor"
$login
token_env = "BENCH_JIRA_TOKEN"
project = "FAULT"
fault_type = "Fault"
subtask_type = "Sub-task"

[jira.fields]
level = "Fault Level"
type = "Fault Type"
source = "Fault Source"
team = "Team"
business_unit = "Business Unit"
service = "Service"
started_at = "Started At"
detected_at = "Detected At"
recovered_at = "Recovered At"
reviewed_at = "Reviewed At"

[jira.workflow]
reported = "Reported"
handling = "Handling"
recovered = "Recovered"
reviewing = "Reviewing"
closed = "Closed"

[team]
timezone = "$zone"
review_due_hours = 24

[stats]
release_projects = ["FAULT"]

[people.alice]
jira = "${ids[0]}"
team = "payments"

[people.bob]
jira = "${ids[1]}"
team = "storefront"

[people.carol]
jira = "${ids[2]}"
team = "infra"

[people.dave]
jira = "${ids[3]}"
team = "infra"

[people.oncall]
jira = "${ids[4]}"
team = "identity"
EOF
}

# CPU seconds the sandbox has used so far (user + system).
clk_tck=$(getconf CLK_TCK)
sandbox_cpu() { awk -v hz="$clk_tck" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$sb_pid/stat"; }

# One timed run: $1 = name, $2 = round, then the command. Appends "wall_s peak_rss_kib user_s
# sys_s sandbox_cpu_s" to $work/$1.times (the sandbox's CPU: what it spent serving the run).
timed() {
  local name="$1" round="$2" c0 c1 line
  shift 2
  c0=$(sandbox_cpu)
  if ! /usr/bin/time -f '%e %M %U %S' -o "$work/$name.$round.time" "$@" >"$work/$name.$round.json" 2>"$work/$name.$round.err"; then
    echo "run.sh: $name failed in round $round:" >&2
    tail -n 20 "$work/$name.$round.err" >&2
    exit 1
  fi
  c1=$(sandbox_cpu)
  line="$(tail -n1 "$work/$name.$round.time") $(awk "BEGIN {printf \"%.2f\", $c1 - $c0}")"
  echo "$line" >>"$work/$name.times"
  printf '  round %d %-15s %s s wall, %s KiB peak RSS, %s s user, %s s sys; sandbox %s s CPU\n' "$round" "$name" $line
}

run_faultline() { timed faultline"$1" "$2" "$faultline" --config "$3" stats --json --since "$since" --until "$until"; }
run_python() {
  timed python "$1" $py "$here/python_jira_stats.py" --server "$sb_url" --token sandbox-token \
    --since "$since" --until "$until" --zone "$zone"
}

# ---- Data Center: faultline vs python-jira, interleaved
start_sandbox datacenter
seed_sandbox datacenter
write_config datacenter "$work/faultline-datacenter.toml"
echo "rounds (datacenter, $rounds):"
for round in $(seq "$rounds"); do
  if (( round % 2 )); then
    run_faultline "" "$round" "$work/faultline-datacenter.toml"
    run_python "$round"
  else
    run_python "$round"
    run_faultline "" "$round" "$work/faultline-datacenter.toml"
  fi
done
printf 'sandbox datacenter: RSS after the rounds %d MiB (peak %d MiB)\n' \
  $(( $(rss_kib "$sb_pid") / 1024 )) $(( $(hwm_kib "$sb_pid") / 1024 ))

echo "figures:"
fl_outputs=()
for round in $(seq "$rounds"); do fl_outputs+=(--faultline "$work/faultline.$round.json"); done
status=0
$py "$here/compare.py" figures --manifest "$work/manifest.json" --python "$work/python.1.json" \
  "${fl_outputs[@]}" "${strict[@]}" || status=1
echo "timings (datacenter, $faults faults + $actions actions):"
targets=0
$py "$here/compare.py" times python="$work/python.times" faultline="$work/faultline.times" || targets=$?

# ---- Cloud: faultline alone
if [[ $cloud -eq 1 ]]; then
  kill "$sb_pid" 2>/dev/null || true
  wait "$sb_pid" 2>/dev/null || true
  start_sandbox cloud
  seed_sandbox cloud
  write_config cloud "$work/faultline-cloud.toml"
  echo "rounds (cloud, faultline alone, $rounds):"
  for round in $(seq "$rounds"); do run_faultline -cloud "$round" "$work/faultline-cloud.toml"; done
  cl_outputs=()
  for round in $(seq "$rounds"); do cl_outputs+=(--faultline "$work/faultline-cloud.$round.json"); done
  echo "figures (cloud):"
  $py "$here/compare.py" figures --manifest "$work/manifest.json" --python "$work/python.1.json" \
    "${cl_outputs[@]}" "${strict[@]}" || status=1
  echo "timings (cloud):"
  $py "$here/compare.py" times faultline-cloud="$work/faultline-cloud.times" || true
fi

if [[ $status -ne 0 ]]; then
  echo "run.sh: FAILED: the figures disagree (see above)" >&2
  exit 1
fi
[[ $targets -eq 0 ]] || { echo "run.sh: the figures agree, but a target was missed" >&2; exit 3; }
echo "run.sh: the figures agree and the targets are met"
