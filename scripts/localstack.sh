#!/usr/bin/env bash
# LocalStack (DynamoDB and S3) on this host, without Docker: scripts/localstack.sh up|down|status
#
#   up      install what is missing (a virtualenv under .venv/, DynamoDB Local laid out where LocalStack looks for
#           it), start LocalStack in the background, wait until DynamoDB and S3 answer, print the endpoint.
#           A no-op when it is already up.
#   down    stop the LocalStack this script started (a no-op when it is not running).
#   status  "up" (exit 0) or "down" (exit 3).
#
# stdout is only the endpoint (for `up` and a running `status`), so a caller can write
#   LOCALSTACK_ENDPOINT=$(scripts/localstack.sh up)
# Progress and errors go to stderr. Nothing is exported.
#
# Environment: LOCALSTACK_PORT (default 4566), LOCALSTACK_PYTHON (a Python >= 3.12 to build the virtualenv with),
# LOCALSTACK_JAVA_HOME (a JDK >= 17 for DynamoDB Local; default: JAVA_HOME, else the `java` on PATH),
# LOCALSTACK_START_TIMEOUT (seconds, default 90).
#
# Why: LocalStack's DynamoDB runs DynamoDB Local in a child JVM that it downloads (with a JDK) from outside Maven
# Central on first use; here we lay out DynamoDB Local from Maven Central and the system JDK where LocalStack checks
# for an existing install, so it downloads nothing. See docs/decisions.md ("LocalStack on the host").
set -euo pipefail

LOCALSTACK_CORE_VERSION=2026.3.0
CBOR2_VERSION=5.9.0              # cbor2 6 breaks LocalStack's start-up
PYOPENSSL_VERSION=24.2.1         # pyOpenSSL >= 24.3 breaks it too
CRYPTOGRAPHY_VERSION=43.0.3      # and cryptography >= 44
SERVICE_IDENTITY_VERSION=24.2.0  # not in localstack-core[runtime]; Twisted checks TLS host names with it
DYNAMODB_LOCAL_VERSION=3.3.1     # software.amazon.dynamodb:DynamoDBLocal, from Maven Central
DEPENDENCY_PLUGIN_VERSION=3.8.1  # maven-dependency-plugin, to copy DynamoDB Local and its dependencies
MIN_PYTHON=3.12                  # localstack-core 2026.x: SyntaxError on 3.11

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONSTRAINTS="$ROOT/scripts/localstack-constraints.txt"
VENV="$ROOT/.venv/localstack"
RUN_DIR="$ROOT/.venv/localstack-run"
PID_FILE="$RUN_DIR/localstack.pid"
PORT_FILE="$RUN_DIR/localstack.port"
LOG_FILE="$RUN_DIR/localstack.log"
INSTALL_LOG="$RUN_DIR/install.log"
BUILD_DIR="$ROOT/target/localstack-dynamodb-local"
PORT=${LOCALSTACK_PORT:-4566}
START_TIMEOUT=${LOCALSTACK_START_TIMEOUT:-90}
ENDPOINT="http://127.0.0.1:$PORT"
PINS="localstack-core[runtime]==$LOCALSTACK_CORE_VERSION cbor2==$CBOR2_VERSION pyopenssl==$PYOPENSSL_VERSION"
PINS="$PINS cryptography==$CRYPTOGRAPHY_VERSION service_identity==$SERVICE_IDENTITY_VERSION"

say() { echo "localstack: $*" >&2; }
die() { echo "localstack: error: $*" >&2; exit 1; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

[[ $PORT =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "LOCALSTACK_PORT must be a port number, was '$PORT'"
[[ $START_TIMEOUT =~ ^[0-9]+$ ]] || die "LOCALSTACK_START_TIMEOUT must be whole seconds, was '$START_TIMEOUT'"

# ---- Python ------------------------------------------------------------------------------------------------------

python_ok() { # a Python that runs and is >= MIN_PYTHON
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= (${MIN_PYTHON/./, }) else 1)" > /dev/null 2>&1
}

find_python() {
  if [ -n "${LOCALSTACK_PYTHON:-}" ]; then
    python_ok "$LOCALSTACK_PYTHON" \
      || die "LOCALSTACK_PYTHON=$LOCALSTACK_PYTHON does not run or is older than Python $MIN_PYTHON"
    echo "$LOCALSTACK_PYTHON"
    return
  fi
  local candidate pyenv_root
  for candidate in python3.13 python3.12; do # pyenv shims exist but fail when that version is not selected
    if command -v "$candidate" > /dev/null && python_ok "$candidate"; then command -v "$candidate"; return; fi
  done
  pyenv_root=${PYENV_ROOT:-$(pyenv root 2> /dev/null || echo "$HOME/.pyenv")}
  for candidate in "$pyenv_root"/versions/3.13*/bin/python3 "$pyenv_root"/versions/3.12*/bin/python3; do
    if [ -x "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return; fi
  done
  if command -v python3 > /dev/null && python_ok python3; then command -v python3; return; fi
  die "no Python >= $MIN_PYTHON found (looked for python3.13/python3.12 on PATH, pyenv versions, python3): install one or set LOCALSTACK_PYTHON"
}

install_venv() {
  local stamp="$VENV/.pins" wanted
  wanted="$PINS $(md5sum < "$CONSTRAINTS" | cut -c1-32)"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2> /dev/null)" = "$wanted" ]; then
    return
  fi
  local python started
  python=$(find_python)
  started=$(now_ms)
  say "installing localstack-core $LOCALSTACK_CORE_VERSION into $VENV with $python ($("$python" -V 2>&1)); log: $INSTALL_LOG"
  rm -rf "$VENV"
  # shellcheck disable=SC2086 # PINS is a list of requirement specifiers
  if ! { "$python" -m venv "$VENV" \
      && "$VENV/bin/python" -m pip install --disable-pip-version-check -c "$CONSTRAINTS" $PINS; } \
      >> "$INSTALL_LOG" 2>&1; then
    tail -n 15 "$INSTALL_LOG" >&2
    die "installing localstack-core failed: see $INSTALL_LOG"
  fi
  echo "$wanted" > "$stamp"
  say "installed localstack-core in $(seconds_since "$started") s"
}

# ---- Java and DynamoDB Local, where LocalStack looks for them ------------------------------------------------------

find_jdk() {
  local home=${LOCALSTACK_JAVA_HOME:-${JAVA_HOME:-}}
  if [ -z "$home" ]; then
    command -v java > /dev/null || die "no Java found: install a JDK >= 17 or set LOCALSTACK_JAVA_HOME"
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  [ -x "$home/bin/java" ] || die "$home is not a JDK (no bin/java): set LOCALSTACK_JAVA_HOME to a JDK >= 17"
  local version
  version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ ${version%%.*} =~ ^[0-9]+$ ]] && ((${version%%.*} >= 17)) \
    || die "$home is Java ${version:-unknown}; DynamoDB Local $DYNAMODB_LOCAL_VERSION needs 17 or newer (set LOCALSTACK_JAVA_HOME)"
  echo "$home"
}

# Where LocalStack looks for installed packages (/var/lib/localstack/lib inside a container, which LocalStack also
# assumes on a CI machine that is one; under the virtualenv when it runs directly on a host).
localstack_var_libs() {
  (cd "$RUN_DIR" && "$VENV/bin/python" -c 'from localstack import config; print(config.dirs.var_libs)' 2> /dev/null) \
    | tail -n 1
}

install_java_link() { # LocalStack's DynamoDB wants "Java 21" at <var_libs>/java/21; a JDK 17 runs DynamoDB Local 3.x
  local libs=$1 link="$1/java/21"
  [ -x "$link/bin/java" ] && return
  local jdk
  jdk=$(find_jdk)
  mkdir -p "$libs/java" 2> /dev/null && [ -w "$libs/java" ] || die "cannot write $libs/java: run as root or as the owner of $libs"
  rm -rf "$link"
  ln -s "$jdk" "$link"
  say "linked $link -> $jdk"
}

install_dynamodb_local() {
  local libs=$1 dir="$1/dynamodb-local/2"
  local stamp="$dir/.lambda-idempotency" wanted="DynamoDBLocal $DYNAMODB_LOCAL_VERSION, launcher jar, no-op agent"
  if [ -f "$dir/DynamoDBLocal.jar" ]; then
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" = "$wanted" ]; then
      return # ours and current, or installed by LocalStack itself (a machine with internet): leave it
    fi
  fi
  local jdk started
  jdk=$(find_jdk)
  [ -x "$jdk/bin/javac" ] && [ -x "$jdk/bin/jar" ] || die "$jdk has no javac/jar: LOCALSTACK_JAVA_HOME must be a JDK, not a JRE"
  command -v mvn > /dev/null || die "mvn not found: Maven is needed to fetch DynamoDB Local from Maven Central"
  mkdir -p "$libs/dynamodb-local" 2> /dev/null && [ -w "$libs/dynamodb-local" ] \
    || die "cannot write $libs/dynamodb-local: run as root or as the owner of $libs"
  started=$(now_ms)
  say "laying out DynamoDB Local $DYNAMODB_LOCAL_VERSION in $dir; log: $INSTALL_LOG"
  rm -rf "$BUILD_DIR"
  mkdir -p "$BUILD_DIR/layout/DynamoDBLocal_lib" "$BUILD_DIR/agent/classes"

  # 1. DynamoDB Local and its runtime dependencies, through Maven (its cache, its mirrors, its proxy settings)
  cat > "$BUILD_DIR/pom.xml" << EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- generated by scripts/localstack.sh: only to copy DynamoDB Local and its dependencies -->
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.localstack</groupId>
  <artifactId>dynamodb-local-layout</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>software.amazon.dynamodb</groupId>
      <artifactId>DynamoDBLocal</artifactId>
      <version>$DYNAMODB_LOCAL_VERSION</version>
      <exclusions><exclusion><groupId>org.mockito</groupId><artifactId>mockito-core</artifactId></exclusion></exclusions>
    </dependency>
  </dependencies>
</project>
EOF
  if ! mvn -B -f "$BUILD_DIR/pom.xml" \
      "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$BUILD_DIR/layout/DynamoDBLocal_lib" >> "$INSTALL_LOG" 2>&1; then
    tail -n 15 "$INSTALL_LOG" >&2
    die "fetching DynamoDB Local $DYNAMODB_LOCAL_VERSION with Maven failed: see $INSTALL_LOG"
  fi

  # 2. DynamoDBLocal.jar: a launcher whose manifest class-paths DynamoDBLocal_lib/*.jar, as in AWS's own zip
  local class_path="Class-Path:" jar
  for jar in "$BUILD_DIR"/layout/DynamoDBLocal_lib/*.jar; do class_path="$class_path DynamoDBLocal_lib/${jar##*/}"; done
  {
    echo "Main-Class: software.amazon.dynamodb.services.local.main.ServerRunner"
    echo "$class_path" | fold -b -w 70 | sed '2,$s/^/ /' # manifest lines: at most 72 bytes, continued with a space
  } > "$BUILD_DIR/launcher.mf"
  "$jdk/bin/jar" --create --file "$BUILD_DIR/layout/DynamoDBLocal.jar" --manifest "$BUILD_DIR/launcher.mf" \
    >> "$INSTALL_LOG" 2>&1

  # 3. ddb-local-loader-0.1.jar: LocalStack adds it with -javaagent (upstream it patches the GSI limit); a no-op here
  cat > "$BUILD_DIR/agent/DynamoDbLocalNoOpAgent.java" << 'EOF'
/** Stands in for LocalStack's ddb-local-loader agent (generated by scripts/localstack.sh). */
public final class DynamoDbLocalNoOpAgent {
    public static void premain(String arguments, java.lang.instrument.Instrumentation instrumentation) {
    }
}
EOF
  "$jdk/bin/javac" --release 17 -d "$BUILD_DIR/agent/classes" "$BUILD_DIR/agent/DynamoDbLocalNoOpAgent.java" \
    >> "$INSTALL_LOG" 2>&1
  echo "Premain-Class: DynamoDbLocalNoOpAgent" > "$BUILD_DIR/agent.mf"
  "$jdk/bin/jar" --create --file "$BUILD_DIR/layout/ddb-local-loader-0.1.jar" --manifest "$BUILD_DIR/agent.mf" \
    -C "$BUILD_DIR/agent/classes" . >> "$INSTALL_LOG" 2>&1

  echo "$wanted" > "$BUILD_DIR/layout/.lambda-idempotency"
  # 4. into place in one rename, so LocalStack never sees half a layout (DynamoDBLocal.jar is its "installed" marker)
  local staging="$dir.staging.$$"
  rm -rf "$staging"
  cp -r "$BUILD_DIR/layout" "$staging"
  rm -rf "$dir"
  mv "$staging" "$dir"
  say "laid out DynamoDB Local ($(ls "$dir/DynamoDBLocal_lib" | wc -l) jars) in $(seconds_since "$started") s"
}

# Starts DynamoDB Local the way LocalStack does, with -help: proves the JDK link, the launcher's class path and the agent
# in about a second, and says what is wrong when they are not right (LocalStack only logs that the process exited,
# and restarts it in a busy loop).
check_dynamodb_local() {
  local libs=$1 dir="$1/dynamodb-local/2" output
  if ! output=$(cd "$RUN_DIR" && DDB_LOCAL_TELEMETRY=0 timeout 60 "$libs/java/21/bin/java" \
      -javaagent:"$dir/ddb-local-loader-0.1.jar" -Djava.library.path="$dir/DynamoDBLocal_lib" \
      -jar "$dir/DynamoDBLocal.jar" -help 2>&1) \
      || ! grep -q "^usage:" <<< "$output"; then
    echo "$output" | head -n 5 >&2
    echo "DynamoDB Local in $dir does not start (delete $dir and run up again to lay it out anew)"
    return 1
  fi
}

install_all() {
  mkdir -p "$RUN_DIR"
  install_venv
  local libs
  libs=$(localstack_var_libs)
  [ -n "$libs" ] || die "the virtualenv $VENV cannot import localstack: delete it and run up again"
  install_java_link "$libs"
  install_dynamodb_local "$libs"
  LIBS=$libs
  local problem # before LocalStack starts: it would restart a crashing DynamoDB Local in a busy loop
  problem=$(check_dynamodb_local "$libs") || die "$problem"
}

# ---- the process -------------------------------------------------------------------------------------------------

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2> /dev/null); do echo "$child"; descendants "$child"; done
}

running_pid() { # the pid of the LocalStack this script started, if it is still alive
  local pid
  pid=$(cat "$PID_FILE" 2> /dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2> /dev/null && echo "$pid"
}

# Prints LocalStack's health as "dynamodb=running s3=available" when it answers on PORT and both services are
# there; fails otherwise. (The venv's Python, so that no curl is needed.)
health() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - "$ENDPOINT/_localstack/health" << 'EOF' 2> /dev/null
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    services = json.load(response).get("services", {})
states = {name: services.get(name) for name in ("dynamodb", "s3")}
if all(state in ("available", "running") for state in states.values()):
    print(" ".join(f"{name}={state}" for name, state in states.items()))
else:
    sys.exit(1)
EOF
}

show_log() { # the end of the log, without LocalStack's line per restart of a crashing DynamoDB Local
  grep -v "Restarting process" "$LOG_FILE" | tail -n 20 >&2 || true
}

port_in_use() {
  (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null
}

# One DynamoDB and one S3 call: the first DynamoDB call starts DynamoDB Local (a JVM), so `up` proves the layout works
# and tests do not pay the start.
warm_up() {
  "$VENV/bin/python" - "$ENDPOINT" << 'EOF'
import sys, boto3
from botocore.config import Config
kwargs = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test",
              aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}, read_timeout=60))
boto3.client("dynamodb", **kwargs).list_tables()
boto3.client("s3", **kwargs).list_buckets()
EOF
}

# The port of the LocalStack this script started (LOCALSTACK_PORT may differ now).
use_running_port() {
  local port
  port=$(cat "$PORT_FILE" 2> /dev/null) && [[ $port =~ ^[0-9]+$ ]] || return 0
  PORT=$port
  ENDPOINT="http://127.0.0.1:$PORT"
}

up() {
  local pid requested=$PORT
  if pid=$(running_pid); then
    use_running_port
    [ "$PORT" = "$requested" ] \
      || die "LocalStack is already running on port $PORT (pid $pid): scripts/localstack.sh down first to use port $requested"
  fi
  if [ -n "${pid:-}" ] && health > /dev/null; then
    say "already up (pid $pid)"
    echo "$ENDPOINT"
    return
  fi
  if [ -z "${pid:-}" ] && port_in_use; then
    if health > /dev/null; then
      say "a LocalStack not started by this script already answers on port $PORT; using it (down will not stop it)"
      echo "$ENDPOINT"
      return
    fi
    die "port $PORT is in use by another process: stop it or set LOCALSTACK_PORT"
  fi
  local started
  if [ -z "${pid:-}" ]; then
    started=$(now_ms)
    install_all
    say "install checks done in $(seconds_since "$started") s"
    started=$(now_ms)
    : > "$LOG_FILE"
    # DNS_ADDRESS=0: no DNS server; LocalStack believes it owns the machine when it finds /.dockerenv, and would
    # bind port 53 and point /etc/resolv.conf at itself. DISABLE_EVENTS, SKIP_SSL_CERT_DOWNLOAD: no calls out.
    # setsid: its own process group, detached from the caller's terminal.
    (
      cd "$RUN_DIR"
      exec env GATEWAY_LISTEN="127.0.0.1:$PORT" SERVICES=dynamodb,s3 DYNAMODB_IN_MEMORY=1 \
        DNS_ADDRESS=0 DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 \
        setsid "$VENV/bin/python" -m localstack.runtime.main < /dev/null >> "$LOG_FILE" 2>&1
    ) &
    pid=$!
    echo "$pid" > "$PID_FILE"
    echo "$PORT" > "$PORT_FILE"
    say "starting (pid $pid, port $PORT); log: $LOG_FILE"
  else
    started=$(now_ms)
    say "pid $pid is running but not healthy yet; waiting"
  fi
  local deadline=$(($(now_ms) + START_TIMEOUT * 1000))
  until health > /dev/null; do
    if ! kill -0 "$pid" 2> /dev/null; then
      rm -f "$PID_FILE"
      show_log
      die "LocalStack exited during start-up: see $LOG_FILE"
    fi
    if (($(now_ms) > deadline)); then
      show_log
      down
      die "LocalStack did not become healthy on $ENDPOINT within $START_TIMEOUT s (stopped it again): see $LOG_FILE"
    fi
    sleep 0.25
  done
  local healthy_after
  healthy_after=$(seconds_since "$started")
  if ! warm_up >> "$LOG_FILE" 2>&1; then
    show_log
    down
    local problem=""
    [ -z "${LIBS:-}" ] || problem=$(check_dynamodb_local "$LIBS") || true
    die "LocalStack started but its DynamoDB or S3 does not answer (stopped it again): ${problem:+$problem; }see $LOG_FILE"
  fi
  say "up in $(seconds_since "$started") s (gateway healthy after $healthy_after s, then DynamoDB Local started): $ENDPOINT"
  echo "$ENDPOINT"
}

down() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE" "$PORT_FILE"
    say "not running"
    return
  fi
  local started waited=0 children child
  started=$(now_ms)
  children=$(descendants "$pid") # DynamoDB Local's JVM runs in a session of its own
  kill -TERM "$pid" 2> /dev/null || true
  while kill -0 "$pid" 2> /dev/null && ((waited < 150)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2> /dev/null; then
    say "pid $pid did not stop within 15 s; killing it"
    kill -KILL "$pid" 2> /dev/null || true
  fi
  for child in $children; do # LocalStack stops them on TERM; not when it had to be killed
    kill -KILL "$child" 2> /dev/null || true
  done
  rm -f "$PID_FILE" "$PORT_FILE"
  say "stopped (pid $pid) in $(seconds_since "$started") s"
}

status() {
  local pid state
  if pid=$(running_pid); then use_running_port; fi
  if [ -n "${pid:-}" ] && state=$(health); then
    say "up (pid $pid, port $PORT, $state)"
    echo "$ENDPOINT"
  elif [ -n "${pid:-}" ]; then
    say "pid $pid is running but $ENDPOINT does not answer as LocalStack (starting, or broken: see $LOG_FILE)"
    exit 3
  else
    say "down"
    exit 3
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/localstack.sh up|down|status" >&2; exit 2 ;;
esac
