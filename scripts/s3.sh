# A throwaway S3-compatible server for the tests: moto's standalone server mode, in memory, on a
# loopback port. Production uses MinIO or a cloud bucket; the portal speaks only the plain S3 API
# to either. Source after lib.sh (uses $VENV and port_in_use).

# start_s3 DIR PORT: start it in the background (pid in DIR/s3.pid, log in DIR/s3.log) and wait
# until it answers. Any access key works: the server only checks that requests are signed.
start_s3() {
  local dir="$1" port="$2" pid i
  if port_in_use "$port"; then
    echo "Port $port is in use by another program, so the S3 server cannot start on it." >&2
    return 1
  fi
  mkdir -p "$dir"
  "$VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$port" >"$dir/s3.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/s3.pid"
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    port_in_use "$port" && return 0
    sleep 0.1
  done
  echo "The S3 server did not start; see $dir/s3.log" >&2
  return 1
}

stop_s3() {
  local dir="$1" pid i
  [ -f "$dir/s3.pid" ] || return 0
  pid="$(cat "$dir/s3.pid")"
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/s3.pid"
}
