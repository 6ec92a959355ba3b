import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Makes Stripe-looking ids (`cus_` + 14 base62 characters) whose first six characters are a
 * counter, so ids of one fake sort in creation order, which Stripe's lists rely on for objects
 * created in the same second.
 */
export function createIdGenerator(): (prefix: string) => string {
  let counter = 0;
  return (prefix) => {
    counter += 1;
    let n = counter;
    let head = '';
    for (let i = 0; i < 6; i++) {
      head = ALPHABET[n % 62] + head;
      n = Math.floor(n / 62);
    }
    let tail = '';
    for (const byte of randomBytes(8)) tail += ALPHABET[byte % 62];
    return `${prefix}_${head}${tail}`;
  };
}
