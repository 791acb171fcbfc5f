// Guest-controlled text (file names, GECOS, command lines, journal lines, os-release IDs)
// must not reach a terminal raw: an ESC in a file name could clear the screen, retitle the
// window or fake a prompt. Control characters are shown as C escapes, the way `ls -b` shows
// them: \e \n \t \r \a \b \f \v, other C0 controls and DEL as \xHH, C1 controls and the
// bidirectional overrides (which can reorder what is displayed) as \uHHHH. A backslash is
// left as it is, so a Windows path stays readable; --json output is never escaped.

const NAMED: Record<string, string> = { '\x1b': '\\e', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

// C0, DEL, C1, the bidi embeddings/overrides/isolates and the line/paragraph separators.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEP_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of guest text, safe to print: every control character escaped (newlines too). */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Many lines of guest text (journal output): newlines and tabs kept, everything else escaped. */
export function escapeLinesForTerminal(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, escapeChar);
}
