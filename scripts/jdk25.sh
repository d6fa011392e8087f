# Sourced by run-local, .ci/run and benchmark/run: exports JAVA_HOME and PATH for a JDK 25.
# Keeps JAVA_HOME when it already is one; else looks under /usr/lib/jvm (Temurin, Debian, Oracle names).
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME" 2>/dev/null)" != "25" ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" = "25" ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "needs a JDK 25: none found under /usr/lib/jvm and JAVA_HOME is not one" >&2
    exit 1
  fi
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
