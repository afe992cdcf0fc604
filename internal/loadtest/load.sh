#!/usr/bin/env bash
# Load test: the signed-in dashboard of `statusads demo` against a bare Fiber
# app (internal/loadtest/plainfiber) on the same machine, both driven by wrk
# over real sockets. It reports numbers; it does not fail on timing. It fails
# when a server does not start, the sign-in does not work, or wrk sees
# answers other than 200 (then the numbers would measure an error page).
#
#   bash internal/loadtest/load.sh               # 10 s per target
#   LOAD_DURATION=3s bash internal/loadtest/load.sh
#
# Needs go, curl and wrk. Uses the embedded SQLite database in a temporary
# directory; nothing outside that directory is touched.
set -euo pipefail

duration=${LOAD_DURATION:-10s}
threads=2
connections=32
demo_email=admin@demo.statusads.example
demo_password=statusads-demo

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

for tool in go curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "load.sh: $tool is not installed" >&2
		exit 1
	fi
done
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "load.sh: wrk is not installed; installing it with apt-get" >&2
		apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || true
	fi
	if ! command -v wrk >/dev/null 2>&1; then
		cat >&2 <<-'EOF'
			load.sh: wrk is not installed (https://github.com/wg/wrk). Install it with
			  sudo apt-get install wrk    # Debian, Ubuntu
			  brew install wrk            # macOS
		EOF
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/statusads-load.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a loopback port that nothing answers on.
free_port() {
	local port
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "load.sh: found no free port" >&2
	return 1
}

# wait_ready URL PID LOG waits up to 30 s for URL to answer 200.
wait_ready() {
	local url=$1 pid=$2 log=$3
	for _ in $(seq 1 150); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "load.sh: the server for $url exited; its output:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.2
	done
	echo "load.sh: $url did not answer within 30 s; server output:" >&2
	cat "$log" >&2
	return 1
}

echo "Building into $tmp"
go build -o "$tmp/statusads" ./cmd/statusads
go build -o "$tmp/plainfiber" ./internal/loadtest/plainfiber

# The environment must not point the server at another database or switch
# it to __Host- cookie names.
app_port=$(free_port)
app="http://127.0.0.1:$app_port"
env -u DATABASE_URL -u STATUSADS_BASE_URL -u STATUSADS_COOKIE_SECURE -u STATUSADS_SECRET_KEY -u STATUSADS_SECRET_KEY_FILE \
	STATUSADS_DATA_DIR="$tmp/data" STATUSADS_ADDR="127.0.0.1:$app_port" STATUSADS_LOG_LEVEL=warn \
	"$tmp/statusads" demo >"$tmp/statusads.log" 2>&1 &
pids+=($!)
wait_ready "$app/readyz" "${pids[-1]}" "$tmp/statusads.log"

plain_port=$(free_port)
plain="http://127.0.0.1:$plain_port"
"$tmp/plainfiber" "127.0.0.1:$plain_port" >"$tmp/plainfiber.log" 2>&1 &
pids+=($!)
wait_ready "$plain/" "${pids[-1]}" "$tmp/plainfiber.log"

echo "Signing in as $demo_email"
jar="$tmp/cookies.txt"
login_page=$(curl -fsS -c "$jar" -b "$jar" "$app/login")
csrf=$(sed -n 's/.*<meta name="csrf-token" content="\([^"]*\)".*/\1/p' <<<"$login_page" | head -n 1)
if [ -z "$csrf" ]; then
	echo "load.sh: no <meta name=\"csrf-token\"> on $app/login" >&2
	exit 1
fi
answer=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
	--data-urlencode "email=$demo_email" --data-urlencode "password=$demo_password" --data-urlencode "_csrf=$csrf" \
	"$app/login")
if [ "$answer" != "303 $app/dashboard" ]; then
	echo "load.sh: POST /login answered \"$answer\", want \"303 $app/dashboard\"" >&2
	exit 1
fi
# Netscape cookie jar: domain, subdomains, path, secure, expiry, name, value.
session=$(awk -F '\t' '$6 == "statusads_session" { print $7 }' "$jar")
csrf_seed=$(awk -F '\t' '$6 == "statusads_csrf" { print $7 }' "$jar")
if [ -z "$session" ]; then
	echo "load.sh: POST /login set no statusads_session cookie" >&2
	exit 1
fi
# A returning browser sends its CSRF cookie too; without it every answer
# would mint a new one.
cookie="statusads_session=$session; statusads_csrf=$csrf_seed"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$app/dashboard")
if [ "$status" != 200 ]; then
	echo "load.sh: GET /dashboard with the session answered $status, want 200" >&2
	exit 1
fi

# wrk counts only 4xx and 5xx as errors, but a lost session answers 303 to
# the sign-in page: count everything that is not 200. Both targets run the
# same script, so its cost does not skew the ratio.
cat >"$tmp/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body)
	if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do n = n + t:get("non200") end
	io.write(string.format("Non-200 responses: %d\n", n))
end
LUA

# run_wrk NAME URL [HEADER] runs wrk and keeps its report in $tmp/NAME.txt.
run_wrk() {
	local name=$1 url=$2
	shift 2
	local args=(-t"$threads" -c"$connections" -d"$duration" --latency -s "$tmp/count.lua")
	if [ $# -gt 0 ]; then
		args+=(-H "$1")
	fi
	echo
	echo "== $name: wrk ${args[*]:0:4} $url"
	wrk "${args[@]}" "$url" | tee "$tmp/$name.txt"
}
run_wrk dashboard "$app/dashboard" "Cookie: $cookie"
run_wrk plainfiber "$plain/"

field() { # field NAME what
	case $2 in
	rps) awk '$1 == "Requests/sec:" { print $2 }' "$tmp/$1.txt" ;;
	avg) awk '$1 == "Latency" { print $2; exit }' "$tmp/$1.txt" ;;
	p99) awk '$1 == "99%" { print $2 }' "$tmp/$1.txt" ;;
	bad) awk '$1 == "Non-200" { n = $NF } END { print n + 0 }' "$tmp/$1.txt" ;;
	sock) awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); s = $0 } END { print (s == "" ? "none" : s) }' "$tmp/$1.txt" ;;
	esac
}

echo
echo "Summary ($(nproc 2>/dev/null || echo '?') CPUs, wrk -t$threads -c$connections -d$duration)"
printf '%-28s %12s %10s %10s %10s  %s\n' target requests/s avg p99 non-200 "socket errors"
for name in dashboard plainfiber; do
	label=$name
	[ "$name" = dashboard ] && label="statusads GET /dashboard"
	[ "$name" = plainfiber ] && label="plain Fiber GET /"
	printf '%-28s %12s %10s %10s %10s  %s\n' "$label" "$(field "$name" rps)" "$(field "$name" avg)" \
		"$(field "$name" p99)" "$(field "$name" bad)" "$(field "$name" sock)"
done
awk -v a="$(field dashboard rps)" -v b="$(field plainfiber rps)" 'BEGIN {
	if (a > 0 && b > 0) printf "dashboard / plain Fiber: %.1f%% of the baseline'"'"'s requests/s (plain Fiber is %.1fx faster)\n", 100 * a / b, b / a
}'

for name in dashboard plainfiber; do
	if [ "$(field "$name" bad)" != 0 ]; then
		echo "load.sh: $name answered $(field "$name" bad) requests with a status other than 200; its numbers do not measure the page" >&2
		exit 1
	fi
done
