# Sourced by run-local and benchmark/run: exports JAVA_HOME and PATH for a JDK 25, whatever `java` is.
# (The Maven build finds one by itself: every pom selects a JDK 25 toolchain by discovery.)
# Keeps JAVA_HOME when it already is one; else looks where JDK installers put them.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME" 2>/dev/null)" != "25" ]; then
  JAVA_HOME=""
  for candidate in ${JAVA25_HOME:-} /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25* \
                   /opt/java/*25* "$HOME"/.sdkman/candidates/java/25* "$HOME"/.jdks/*25* \
                   /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" = "25" ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "needs a JDK 25 and found none: install one (for example Temurin 25 from https://adoptium.net), or set JAVA_HOME to it" >&2
    exit 1
  fi
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
