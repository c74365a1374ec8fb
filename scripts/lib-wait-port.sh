# shellcheck shell=bash
# Small helpers for starting a local server in a test script: pick a free
# loopback port, wait for it to accept connections, stop the server.
# Source this file; it defines functions only and changes no shell options.

# pick_free_port PYTHON -> prints a port that was free on 127.0.0.1 a moment ago.
pick_free_port() {
    "${1:-python3}" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# port_open PORT -> status 0 when 127.0.0.1:PORT accepts a TCP connection.
# One short attempt (at most 1 s), using bash's /dev/tcp.
port_open() {
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# process_alive PID -> status 0 while PID runs (an exited but not yet reaped
# child, a zombie, counts as gone; kill -0 alone would say it is alive).
process_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# wait_for_port PORT PID DEADLINE_SECONDS [LOG]
# Polls every 0.1 s until the port accepts connections (status 0). Fails
# (status 1) as soon as process PID has exited, or when the deadline passes;
# then prints the last lines of LOG, if given, to stderr.
wait_for_port() {
    local port=$1 pid=$2 deadline=$3 log=${4:-}
    local end=$((SECONDS + deadline))
    while :; do
        if port_open "$port"; then
            return 0
        fi
        if ! process_alive "$pid"; then
            echo "server (pid $pid) exited before port $port opened" >&2
            break
        fi
        if ((SECONDS >= end)); then
            echo "port $port did not open within ${deadline}s" >&2
            break
        fi
        sleep 0.1
    done
    if [[ -n $log && -f $log ]]; then
        echo "--- last lines of $log:" >&2
        tail -n 30 "$log" >&2
    fi
    return 1
}

# stop_process PID [GRACE_SECONDS]
# Sends SIGTERM to PID's process group (PID was started with setsid, so it
# leads its own group) and to PID itself, waits up to GRACE_SECONDS (default
# 10) for it to exit, then sends SIGKILL. Reaps it if it is our child.
stop_process() {
    local pid=$1 grace=${2:-10}
    [[ -n $pid ]] || return 0
    process_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local end=$((SECONDS + grace))
    while process_alive "$pid" && ((SECONDS < end)); do
        sleep 0.1
    done
    if process_alive "$pid"; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
