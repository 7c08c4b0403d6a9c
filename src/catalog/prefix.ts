/**
 * EVENT_PREFIX, as the starter kit applies it (its `utils/naming.js#getEventName`):
 * - Commerce codes get the prefix after `com.adobe.commerce.`:
 *   `com.adobe.commerce.observer.x` → `com.adobe.commerce.{prefix}.observer.x`
 * - back-office codes (`be-observer.*`) are left as they are;
 * - any other code is prefixed with `{prefix}.`.
 * The prefix keeps the events of several projects on one Commerce instance apart.
 */
const COMMERCE = 'com.adobe.commerce.';
const BACKOFFICE = 'be-observer';

/** The code as it is registered and delivered under `prefix` (empty prefix: unchanged). */
export function prefixedCode(code: string, prefix?: string): string {
  if (!prefix) return code;
  if (code.startsWith(COMMERCE)) return `${COMMERCE}${prefix}.${code.slice(COMMERCE.length)}`;
  if (code.startsWith(BACKOFFICE)) return code;
  return `${prefix}.${code}`;
}

/** The catalog code of a delivered code (the inverse of `prefixedCode`); unprefixed codes pass. */
export function stripPrefix(code: string, prefix?: string): string {
  if (!prefix) return code;
  const commercePrefixed = `${COMMERCE}${prefix}.`;
  if (code.startsWith(commercePrefixed)) return COMMERCE + code.slice(commercePrefixed.length);
  if (code.startsWith(`${prefix}.`)) return code.slice(prefix.length + 1);
  return code;
}
