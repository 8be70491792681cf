# Sourced by tests/load/run.sh and tests/perf/throughput.sh: every process they start in the
# background is stopped when the script ends, also on Ctrl-C or a TERM. Each background
# process gets its own process group (set -m), so one signal stops all it started: TERM
# first, KILL after 30 s.

pids=()
cleanup() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 60); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
set -m

# A step in the background, waited for, so that Ctrl-C or a TERM reaches the trap at once
# (bash runs a trap only after a foreground command ends).
step() {
  "$@" &
  pids+=($!)
  wait "$!"
}
