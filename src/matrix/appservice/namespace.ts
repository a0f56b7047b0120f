/**
 * Which users an application service may act for (docs/protocol.md §7). Synapse compiles each
 * `namespaces.users[].regex` with Python's `re` and tests it with `regex.match(user_id)`
 * (`synapse/appservice/__init__.py`, `_matches_regex`): anchored at the **start** of the user ID
 * only, so `@_bridge_.*` also admits `@_bridge_x:other.server`, and `@a` admits `@ab:x`. The sender
 * user (`@<sender_localpart>:<server>`) is always allowed. The server additionally requires the user
 * to exist (`403 M_FORBIDDEN` otherwise), which only the server can tell.
 *
 * Python syntax is translated to JavaScript's where they differ: `(?P<name>…)` and `(?P=name)`,
 * `\A` and `\Z`, and leading inline flags (`(?i)`, `(?s)`, `(?m)`; `(?x)` is refused). Matching uses
 * the sticky flag from index 0, which is `re.match` exactly (each alternative anchored at the start).
 * Known gap: Python's `\d`/`\w` also match non-ASCII digits and letters; JavaScript's do not.
 */

/** Compiles a registration regex (Python syntax) for `re.match` semantics. @throws SyntaxError */
export function compilePythonRegex(source: string): RegExp {
  let flags = 'y';
  let rest = source;
  // Global inline flags at the start, e.g. `(?i)`; Python 3.11+ allows them only there.
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(rest);
    if (!m) break;
    for (const flag of m[1] ?? '') {
      if (flag === 'x') throw new SyntaxError('verbose mode (?x) is not supported here');
      if ((flag === 'i' || flag === 'm' || flag === 's') && !flags.includes(flag)) flags += flag;
    }
    rest = rest.slice(m[0].length);
  }
  return new RegExp(translate(rest), flags);
}

/** Rewrites Python-only constructs outside character classes. */
function translate(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === '\\') {
      const next = source.charAt(i + 1);
      i += 1;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in both dialects.
      if (source[i + 1] === '^') out += source.charAt(++i);
      if (source[i + 1] === ']') out += `\\${source.charAt(++i)}`;
      continue;
    }
    if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(source.slice(i));
    if (backref) {
      out += `\\k<${backref[1] ?? ''}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** A registration's user namespace: the sender plus the users its regexes admit. */
export type UserNamespace = {
  senderUserId: string;
  userRegexes: readonly string[];
};

/** Whether the service may act for `userId`, by Synapse's rules (the server still requires it to exist). */
export function isInUserNamespace(namespace: UserNamespace, userId: string): boolean {
  if (userId === namespace.senderUserId) return true;
  return namespace.userRegexes.some((source) => {
    const regex = compilePythonRegex(source);
    regex.lastIndex = 0;
    return regex.test(userId);
  });
}

/** The shape of a user ID (`@localpart:server`); anything else is refused before any request. */
export function isUserIdShaped(userId: string): boolean {
  return /^@[^:\s]+:[^\s]+$/.test(userId);
}
