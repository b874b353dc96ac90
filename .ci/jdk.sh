# Sourced by the other scripts: exports JAVA_HOME for a JDK >= 21 (Helidon 4 needs it; the machine's default is 17).
iru_java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
iru_pick_jdk() {
  local home
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    home="${home%/}"
    [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
    local major; major="$(iru_java_major "$home/bin/java")"
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ]; then echo "$home"; return 0; fi
  done
  echo "no JDK 25 found under /usr/lib/jvm; install Temurin 25 or set JAVA_HOME" >&2
  return 1
}
JAVA_HOME="$(iru_pick_jdk)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
