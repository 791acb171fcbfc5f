// Constant POSIX sh scripts run in the guest as `/bin/sh -c SCRIPT sh ARG...`. Nothing the
// user typed is ever pasted into a script: paths and data arrive as positional parameters.
// They use only POSIX sh, coreutils or busybox (stat -c, readlink -f, wc, mv, ln, chown,
// chmod), so they work on Debian, RHEL and Alpine guests alike.

/**
 * Runs "$@" with an optional working directory ($1) and stdin file ($2). With output files
 * ($3, $4), stdout and stderr go to them; when both stay within $5 bytes they are printed
 * and removed, otherwise they are kept and only the marker ($6) is printed on stderr, and
 * guestctl reads the files in chunks. The files are created 0600, refusing existing names;
 * when they cannot be created (e.g. read-only /tmp) the command runs with plain capture.
 */
export const GUEST_EXEC_WRAPPER = `c=$1 i=$2 o=$3 e=$4 l=$5 m=$6
shift 6
if [ -n "$c" ]; then cd -- "$c" || exit 125; fi
if [ -n "$i" ]; then exec <"$i" || exit 125; fi
[ -n "$o" ] || exec "$@"
(umask 077; set -C; : >"$o") 2>/dev/null || exec "$@"
if ! (umask 077; set -C; : >"$e") 2>/dev/null; then rm -f -- "$o"; exec "$@"; fi
"$@" >"$o" 2>"$e"
r=$?
so=$(wc -c <"$o") && se=$(wc -c <"$e") || { echo "guestctl: cannot measure the output in $o" >&2; exit 125; }
if [ $so -le $l ] && [ $se -le $l ]; then
  cat -- "$o" && cat -- "$e" >&2 && rm -f -- "$o" "$e" || exit 125
else
  printf '%s\\n' "$m" >&2
fi
exit $r`;

/**
 * Kill $1 and all its descendants (collected first, so none is orphaned out of reach).
 * kill's "No such process" for one that exited meanwhile is expected; exit 2 when pgrep
 * failed (descendants may survive), with the reason on stderr.
 */
export const KILL_TREE = `t=$1 all=$1 err=
while [ -n "$t" ]; do
  n=
  for p in $t; do
    c=$(pgrep -P "$p"); r=$?
    if [ $r -gt 1 ]; then err="pgrep -P $p failed (exit status $r): descendants of $1 may survive"; break; fi
    n="$n $c"
  done
  [ -z "$err" ] || break
  t=$(echo $n)
  all="$all $t"
done
kill -KILL $all
k=$?
if [ -n "$err" ]; then echo "$err" >&2; exit 2; fi
exit $k`;

/** An empty file readable by its owner only; fails if the name exists. */
export const MAKE_PRIVATE_FILE = `(umask 077; set -C; : >"$1")`;

const STAT_FMT = '%f %s %u %g %h %i %X %Y %Z';

/**
 * stat: $1 = L (follow symlinks) or P, $2 = path, $3 = its directory (for P).
 * Prints the stat line, then the canonical path (L) or canonical directory (P), then for
 * P on a symlink its target.
 */
export const STAT = `if [ "$1" = L ]; then
  stat -L -c '${STAT_FMT}' -- "$2" || exit 1
  readlink -f -- "$2" || exit 1
else
  stat -c '${STAT_FMT}' -- "$2" || exit 1
  readlink -f -- "$3" || exit 1
  if [ -L "$2" ]; then readlink -- "$2" || exit 1; fi
fi
exit 0`;

/**
 * The entries of directory $1 with their lstat data, NUL-separated, after the format letter
 * and the directory's canonical path. With GNU find: "F" and 12 fields per entry (type, mode, size, uid, gid, links, inode, atime, mtime, ctime, link
 * target, name); otherwise (busybox): "S" and 3 fields (stat line, link target, name).
 * An entry that cannot be stat'ed is not dropped: find names it on stderr (exit 5), the
 * busybox loop prints "?" and stat's message in place of the stat line. Only an entry that
 * vanished meanwhile (No such file or directory) is left out.
 */
export const LIST = `if [ ! -d "$1" ]; then
  if [ -e "$1" ]; then echo "$1: Not a directory" >&2; else echo "$1: No such file or directory" >&2; fi
  exit 1
fi
cd -- "$1" || { [ -x "$1" ] || echo "$1: Permission denied" >&2; exit 1; }
if find . -maxdepth 0 -printf '' 2>/dev/null; then
  printf 'F\\0%s\\0' "$(pwd -P)"
  find . -mindepth 1 -maxdepth 1 -printf '%y\\0%m\\0%s\\0%U\\0%G\\0%n\\0%i\\0%A@\\0%T@\\0%C@\\0%l\\0%f\\0' || exit 5
  exit 0
fi
printf 'S\\0%s\\0' "$(pwd -P)"
for f in * .[!.]* ..?*; do
  case $f in '*'|'.[!.]*'|'..?*') [ -e "$f" ] || [ -L "$f" ] || continue ;; esac
  if ! s=$(stat -c '${STAT_FMT}' -- "$f" 2>&1); then
    case $s in *'No such file or directory'*) continue ;; esac
    printf '?\\0%s\\0%s\\0' "$s" "$f"
    continue
  fi
  t=
  if [ -L "$f" ]; then t=$(readlink -- "$f"; echo .); t=\${t%??}; fi
  printf '%s\\0%s\\0%s\\0' "$s" "$t" "$f"
done`;

/**
 * A whole subtree in one round trip (GNU find only): $1 = directory, $2 = at most this many
 * entries. Prints "T", the canonical directory and its device number, then 13 NUL-separated
 * fields per entry in pre-order (as LIST, then the device number, then the path relative to
 * $1). Symlinks are listed, never entered; other filesystems are not entered either (-xdev:
 * their mount points show up with another device number). Exit 4: no GNU find (busybox),
 * the caller lists one directory at a time. Unreadable directories are named on stderr.
 */
export const LIST_TREE = `if [ ! -d "$1" ]; then
  if [ -e "$1" ]; then echo "$1: Not a directory" >&2; else echo "$1: No such file or directory" >&2; fi
  exit 1
fi
cd -- "$1" || { [ -x "$1" ] || echo "$1: Permission denied" >&2; exit 1; }
find . -maxdepth 0 -printf '' 2>/dev/null && head -z -n 0 </dev/null 2>/dev/null || exit 4
printf 'T\\0%s\\0%s\\0' "$(pwd -P)" "$(stat -c %d .)"
find . -xdev -mindepth 1 -printf '%y\\0%m\\0%s\\0%U\\0%G\\0%n\\0%i\\0%A@\\0%T@\\0%C@\\0%l\\0%D\\0%P\\0' | head -z -n "$2"
exit 0`;

/**
 * Before an upload: $1 = path, $2 = random suffix. Resolves $1 (symlinks followed, the last
 * component may be missing), refuses directories and special files, prints "uid gid mode"
 * of the existing file (or "-"), then creates the private sibling temp file and prints its
 * path and the resolved path.
 */
export const PREPARE_WRITE = `r=$(readlink -f -- "$1") || r=
[ -n "$r" ] || { echo "$1: No such file or directory" >&2; exit 1; }
if [ -d "$r" ]; then echo "$r: Is a directory" >&2; exit 1; fi
if [ -e "$r" ]; then
  [ -f "$r" ] || { echo "$r: not a regular file" >&2; exit 3; }
  stat -c '%u %g %a' -- "$r" || exit 1
else
  echo -
fi
t="\${r%/*}/.\${r##*/}.guestctl-$2"
(umask 077; set -C; : >"$t") || exit 1
printf '%s\\n%s' "$t" "$r"`;

/** COMMIT_WRITE's stderr marker (exit 5): the old file's xattrs, which this guest cannot set. */
export const XATTRS_UNKEPT = 'guestctl-xattrs-unkept';
/** COMMIT_WRITE's stdout line: the guest has no getfattr, the old file's xattrs are unknown. */
export const XATTRS_UNKNOWN = 'guestctl-xattrs-unknown';

/**
 * After an upload: $1 = temp file, $2 = destination, $3 = size, $4 = SHA-256 (or - when
 * guestctl verified it itself), $5 = uid:gid, $6 = mode, $7 = backup path or empty, $8 =
 * random suffix. Verifies, sets owner, mode, the old file's extended attributes (ACLs, file
 * capabilities, SELinux label: all of getfattr -m -, set after chown, which clears
 * capabilities, and chmod, which rewrites the ACL mask), keeps a backup (the old inode,
 * hard-linked), then renames over the destination. Exit 3: verification failed; 4: no
 * sha256sum in the guest; 5: xattrs it cannot set (XATTRS_UNKEPT); XATTRS_UNKNOWN on stdout:
 * no getfattr, so they could not be read.
 */
export const COMMIT_WRITE = `t=$1 r=$2
n=$(wc -c <"$t") || exit 1
[ $n -eq "$3" ] || { echo "size check failed: $n bytes arrived, $3 sent" >&2; exit 3; }
if [ "$4" != - ]; then
  command -v sha256sum >/dev/null 2>&1 || exit 4
  s=$(sha256sum <"$t") || exit 1
  [ "\${s%% *}" = "$4" ] || { echo "SHA-256 check failed after the upload" >&2; exit 3; }
fi
chown -- "$5" "$t" || exit 1
chmod -- "$6" "$t" || exit 1
if [ -e "$r" ]; then
  if command -v getfattr >/dev/null; then
    x=$(getfattr --absolute-names -h -d -m - -e hex -- "$r") || exit 1
    if [ -n "$x" ]; then
      if ! command -v setfattr >/dev/null; then
        printf '${XATTRS_UNKEPT}\\t%s\\n' "$(printf '%s\\n' "$x" | sed -n '/^# file: /d; s/=.*//p' | tr '\\n' ' ')" >&2
        exit 5
      fi
      printf '%s\\n' "$x" | while IFS= read -r l; do
        case $l in '# file: '*) ;; *=*) setfattr -h -n "\${l%%=*}" -v "\${l#*=}" -- "$t" || exit 1 ;; esac
      done || exit 1
    fi
  else
    echo ${XATTRS_UNKNOWN}
  fi
fi
if [ -e "$r" ] && [ -f /sys/fs/selinux/enforce ] && command -v chcon >/dev/null 2>&1; then
  chcon --reference="$r" -- "$t" || exit 1
fi
if [ -n "$7" ] && [ -e "$r" ]; then
  b="\${7%/*}/.\${7##*/}.guestctl-$8"
  ln -- "$r" "$b" || exit 1
  mv -f -- "$b" "$7" || { rm -f -- "$b"; exit 1; }
fi
sync -- "$t" || { echo "sync of the new content failed" >&2; exit 1; }
mv -f -- "$t" "$r" || exit 1
exit 0`;

/** Copy regular file $1 to $2 (followed) atomically; an existing $2 keeps its owner and mode. $3 = random suffix. */
export const COPY = `[ -f "$1" ] || { if [ -e "$1" ]; then echo "$1: not a regular file" >&2; exit 3; fi; echo "$1: No such file or directory" >&2; exit 1; }
r=$(readlink -f -- "$2") || r=
[ -n "$r" ] || { echo "$2: No such file or directory" >&2; exit 1; }
if [ -d "$r" ]; then echo "$r: Is a directory" >&2; exit 1; fi
ref=$1
[ -e "$r" ] && ref=$r
o=$(stat -c %u:%g -- "$ref") && m=$(stat -c %a -- "$ref") || exit 1
t="\${r%/*}/.\${r##*/}.guestctl-$3"
(umask 077; set -C; : >"$t") || exit 1
if cat -- "$1" >"$t" && chown -- "$o" "$t" && chmod -- "$m" "$t" && mv -f -- "$t" "$r"; then exit 0; fi
rm -f -- "$t"
exit 1`;

export const EXISTS = `[ -e "$1" ]`;

export const REALPATH = `[ -e "$1" ] || { echo "$1: No such file or directory" >&2; exit 1; }
readlink -f -- "$1"`;

export const READLINK = `if [ -L "$1" ]; then exec readlink -- "$1"; fi
if [ -e "$1" ]; then echo "$1: not a symbolic link" >&2; exit 3; fi
echo "$1: No such file or directory" >&2
exit 1`;

/** Marker of REMOVE's stderr lines naming a mount point at or below the tree (exit 6). */
export const MOUNTED_MARK = 'guestctl-mounted';

/**
 * $1 = path, $2 = "r" for recursive. A symlink is removed itself, never followed. A tree is
 * checked against the live mount table (/proc/self/mountinfo, read now: mounts made since
 * the session opened count) and refused when it is or holds a mount point (exit 6, each one
 * on stderr after MOUNTED_MARK); rm then never leaves its filesystem (--one-file-system, or
 * busybox find -xdev where rm lacks it).
 */
export const REMOVE = `if [ -d "$1" ] && [ ! -L "$1" ]; then
  [ "$2" = r ] || exec rmdir -- "$1"
  r=$(readlink -f -- "$1") || exit 1
  [ -n "$r" ] || { echo "$1: cannot resolve the path" >&2; exit 1; }
  m=$(awk 'BEGIN { p = ARGV[1]; ARGV[1] = "" }
    function dec(s,  o, i, c) {
      o = ""
      while ((i = index(s, "\\\\")) > 0) {
        c = substr(s, i + 1, 3)
        o = o substr(s, 1, i - 1) sprintf("%c", substr(c, 1, 1) * 64 + substr(c, 2, 1) * 8 + substr(c, 3, 1))
        s = substr(s, i + 4)
      }
      return o s
    }
    { m = dec($5); if (m == p || index(m, p "/") == 1) print m }' "$r" /proc/self/mountinfo) || { echo "cannot read the mount table /proc/self/mountinfo" >&2; exit 1; }
  if [ -n "$m" ]; then printf '%s\\n' "$m" | sed 's/^/${MOUNTED_MARK}\t/' >&2; exit 6; fi
  if rm --help 2>&1 | grep -q -- --one-file-system; then exec rm -rf --one-file-system -- "$1"; fi
  # busybox rm: find -xdev never enters another filesystem; files first, then directories deepest first.
  find "$1" -xdev ! -type d -exec rm -f -- {} + || exit 1
  exec find "$1" -xdev -depth -type d -exec rmdir -- {} +
fi
if [ -e "$1" ] || [ -L "$1" ]; then exec rm -f -- "$1"; fi
echo "$1: No such file or directory" >&2
exit 1`;

/** rename(2) semantics: $2 is replaced, not entered (GNU mv -T; plain mv where -T is unknown). */
export const RENAME = `[ -e "$1" ] || [ -L "$1" ] || { echo "$1: No such file or directory" >&2; exit 1; }
if mv --help 2>&1 | grep -q -- '-T'; then exec mv -f -T -- "$1" "$2"; fi
if [ -d "$2" ] && [ ! -L "$2" ]; then echo "$2: File exists" >&2; exit 1; fi
exec mv -f -- "$1" "$2"`;

export const SYMLINK = `if [ -e "$2" ] || [ -L "$2" ]; then echo "$2: File exists" >&2; exit 1; fi
exec ln -s -- "$1" "$2"`;

/** Live facts for `info`: package format and manager, init system, installed kernels. */
export const FACTS = `if [ -f /var/lib/dpkg/status ]; then echo pkg=deb
elif [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; then echo pkg=rpm
elif [ -d /lib/apk/db ]; then echo pkg=apk
elif [ -d /var/lib/pacman ]; then echo pkg=pacman
fi
for m in apt-get zypper dnf5 dnf yum apk pacman; do
  if command -v $m >/dev/null 2>&1; then echo "mgr=$m"; break; fi
done
if [ -d /run/systemd/system ]; then echo init=systemd
else echo "init=$(readlink -f /sbin/init 2>/dev/null)"
fi
for f in /boot/vmlinuz-* /boot/vmlinux-* /boot/kernel-*; do [ -f "$f" ] && echo "kernel=\${f##*/}"; done
exit 0`;
