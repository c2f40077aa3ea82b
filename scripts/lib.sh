# Shared helpers of the operator scripts; sourced, not run. Works from the project folder.
JAR=target/pubsub-gateway.jar
DEV_SECRET=conf/dev-secret

# Builds the fat jar when it is missing (tests skipped: run them with the README's test command).
ensure_jar() {
  if [ ! -f "$JAR" ]; then
    echo "building $JAR (first start)..." >&2
    mvn -q -B -DskipTests package >&2
  fi
}

# Writes a random HS256 dev secret to conf/dev-secret (git-ignored) unless it exists.
ensure_dev_secret() {
  if [ ! -s "$DEV_SECRET" ]; then
    umask 077
    head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$DEV_SECRET"
    echo "generated a random dev secret in $DEV_SECRET" >&2
  fi
}
