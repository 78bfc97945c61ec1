/**
 * Shell-style `*` globs for operator-written patterns (mute rules, protected user names).
 * Only `*` is special; everything else matches literally.
 *
 * @example globMatches('terraform-*', 'terraform-ci') // true
 */
export function globToRegExp(pattern: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, options.caseInsensitive ? 'i' : '');
}

export function globMatches(pattern: string, value: string, options: { caseInsensitive?: boolean } = {}): boolean {
  return globToRegExp(pattern, options).test(value);
}
