# Sourced by scripts/run.sh and scripts/dev.sh: their long-running children (the web server, the
# queue cluster), each started in a process group of its own, and stopping them.
#
# Why groups of their own: Ctrl-C in a terminal sends SIGINT to the whole foreground process
# group. Children in the script's group would get that SIGINT and then the script's SIGTERM, and
# django-q2's cluster (1.11) handles each by calling Cluster.stop(): the second call, arriving
# while the first is inside multiprocessing.Event.set() and holds its lock, waits for that lock
# for good, and the cluster's sentinel and workers with it. In groups of their own, only the
# script hears Ctrl-C, and it tells each child once.

children=()

# Start a command in the background in a process group of its own (job control on for this one
# command), reading /dev/null rather than the terminal, which would stop a background group.
start_child() {
  set -m
  "$@" </dev/null &
  children+=($!)
  set +m
}

# SIGTERM once to each child, then wait for them; what still runs after POMOC_STOP_TIMEOUT
# seconds (30: gunicorn lets requests in flight finish for 20) is killed with its whole process
# group, and so is whatever a child left behind in its group, so that the script always goes on
# to stop the database.
stop_children() {
  local pid timer running
  if ((${#children[@]} == 0)); then return 0; fi
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The time limit is a child of the script like the others, so one `wait -n` returns for
  # whichever ends first, and the script itself reaps every process it started (no orphan).
  sleep "${POMOC_STOP_TIMEOUT:-30}" &
  timer=$!
  while true; do
    running=()
    for pid in "${children[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then running+=("$pid"); fi
    done
    if ((${#running[@]} == 0)); then break; fi
    if ! kill -0 "$timer" 2>/dev/null; then
      echo "stopping: process group(s) ${running[*]} still running after ${POMOC_STOP_TIMEOUT:-30} s: killed" >&2
      break
    fi
    wait -n "${running[@]}" "$timer" 2>/dev/null || true
  done
  kill -KILL "$timer" 2>/dev/null || true
  for pid in "${children[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait "$timer" "${children[@]}" 2>/dev/null || true
}
