/** A value Stripe's form encoding can carry. */
export type StripeParamValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | readonly StripeParamValue[]
  | { readonly [key: string]: StripeParamValue };

function encodeValue(value: string): string {
  // Brackets stay readable, as stripe-node sends them; Stripe accepts both forms.
  return encodeURIComponent(value).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

/**
 * Encodes params the way Stripe's v1 API reads them (`application/x-www-form-urlencoded`):
 * nested hashes as `address[line1]=…`, arrays as `items[0][price]=…`, dates as unix seconds,
 * `null` as an empty value (Stripe's "unset this field"; `metadata: { k: null }` removes a key),
 * `undefined` left out.
 *
 * ```ts
 * encodeStripeForm({ name: 'Ada', metadata: { host_id: 'c_1' }, expand: ['customer'] });
 * // 'name=Ada&metadata[host_id]=c_1&expand[0]=customer'
 * ```
 */
export function encodeStripeForm(params: { readonly [key: string]: StripeParamValue }): string {
  const pairs: string[] = [];
  const walk = (key: string, value: StripeParamValue): void => {
    if (value === undefined) return;
    if (value === null) {
      pairs.push(`${encodeValue(key)}=`);
    } else if (value instanceof Date) {
      pairs.push(`${encodeValue(key)}=${Math.floor(value.getTime() / 1000)}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(`${key}[${i}]`, item);
      });
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(`${key}[${k}]`, v);
    } else {
      pairs.push(`${encodeValue(key)}=${encodeValue(String(value))}`);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return pairs.join('&');
}
