import { signAcmeWebhook } from './acme-signature.js';

/**
 * "Acme CRM", a made-up REST API, as a fake: one Fetch API handler (serve it with
 * `serveFetchHandler`, or call it directly). Its rules, which the connector must follow:
 *
 * - `Authorization: Bearer <key>`; a wrong key is 401.
 * - `GET /v1/contacts?limit=50&after=<id>&updated_since=<ISO>`: `{ data, next }`, ordered by id.
 * - `GET|PATCH|DELETE /v1/contacts/:id`; a deleted contact is 404. `PATCH` takes `If-Match:
 *   <version>` and answers 409 `{ error: { code: 'version_conflict' } }` when it is stale.
 * - `POST /v1/contacts` with `Idempotency-Key`: a repeated key replays the first response.
 * - 422 for an invalid body, 429 with `Retry-After`, 500s, all `{ error: { code, message } }`.
 * - Webhooks: `{ id, type: 'contact.updated' | 'contact.deleted', contact_id }`, header
 *   `acme-signature: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 */
export interface AcmeContact {
  id: string;
  name: string;
  email: string | null;
  company: string | null;
  version: number;
  updated_at: string;
}

export type AcmeFailure = 'unauthorized' | 'not_found' | 'rate_limit' | 'server' | 'validation';

const STATUS: Record<AcmeFailure, number> = {
  unauthorized: 401,
  not_found: 404,
  rate_limit: 429,
  server: 500,
  validation: 422,
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);

export function createAcmeApi(options: { apiKey: string }) {
  const contacts = new Map<string, AcmeContact>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const failures: AcmeFailure[] = [];
  let nextId = 1;
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs).toISOString();

  const write = (id: string, fields: Partial<AcmeContact>): AcmeContact => {
    const current = contacts.get(id);
    const next: AcmeContact = {
      id,
      name: fields.name ?? current?.name ?? '',
      email: fields.email !== undefined ? fields.email : (current?.email ?? null),
      company: fields.company !== undefined ? fields.company : (current?.company ?? null),
      version: (current?.version ?? 0) + 1,
      updated_at: now(),
    };
    contacts.set(id, next);
    return next;
  };

  const validFields = (body: unknown): Partial<AcmeContact> | string => {
    if (typeof body !== 'object' || body === null) return 'body must be a JSON object';
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b))
      if (!['name', 'email', 'company'].includes(key)) return `unknown field "${key}"`;
    if (b.name !== undefined && (typeof b.name !== 'string' || b.name === ''))
      return 'name must be a non-empty string';
    return b as Partial<AcmeContact>;
  };

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.headers.get('authorization') !== `Bearer ${options.apiKey}`)
      return error(401, 'unauthorized', 'invalid API key');
    const failure = failures.shift();
    if (failure)
      return error(
        STATUS[failure],
        failure,
        `injected ${failure}`,
        failure === 'rate_limit' ? { 'retry-after': '2' } : {},
      );
    const [, version, resource, id] = url.pathname.split('/');
    if (version !== 'v1' || resource !== 'contacts') return error(404, 'not_found', 'no such endpoint');
    const body =
      request.method === 'POST' || request.method === 'PATCH' ? await request.json().catch(() => null) : null;

    if (id === undefined && request.method === 'GET') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 100);
      const after = url.searchParams.get('after');
      const since = url.searchParams.get('updated_since');
      const all = [...contacts.values()]
        .filter(
          (c) => (after === null || Number(c.id) > Number(after)) && (since === null || c.updated_at > since),
        )
        .sort((a, b) => Number(a.id) - Number(b.id));
      const data = all.slice(0, limit);
      return json(200, { data, next: all.length > limit ? data.at(-1)!.id : null });
    }
    if (id === undefined && request.method === 'POST') {
      const key = request.headers.get('idempotency-key');
      const earlier = key ? replies.get(key) : undefined;
      if (earlier) return json(earlier.status, earlier.body);
      const fields = validFields(body);
      if (typeof fields === 'string') return error(422, 'invalid', fields);
      if (!fields.name) return error(422, 'invalid', 'name is required');
      const created = write(String(nextId++), fields);
      if (key) replies.set(key, { status: 201, body: created });
      return json(201, created);
    }
    const contact = id === undefined ? undefined : contacts.get(id);
    if (!contact) return error(404, 'not_found', `no contact ${id}`);
    if (request.method === 'GET') return json(200, contact);
    if (request.method === 'DELETE') {
      contacts.delete(contact.id);
      return json(204, null);
    }
    if (request.method === 'PATCH') {
      const expected = request.headers.get('if-match');
      if (expected !== null && expected !== String(contact.version))
        return error(409, 'version_conflict', `contact ${contact.id} is at version ${contact.version}`);
      const fields = validFields(body);
      if (typeof fields === 'string') return error(422, 'invalid', fields);
      return json(200, write(contact.id, fields));
    }
    return error(405, 'method_not_allowed', request.method);
  }

  return {
    handle,
    /** Direct access, as a user of Acme's own UI would have. */
    seed: (names: string[]) =>
      names.map((name) =>
        write(String(nextId++), { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@acme.example` }),
      ),
    edit: (id: string, fields: Partial<AcmeContact>) => write(id, fields),
    remove: (id: string) => contacts.delete(id),
    get: (id: string) => contacts.get(id),
    all: () => [...contacts.values()],
    failNext: (kind: AcmeFailure, times = 1) => failures.push(...Array.from({ length: times }, () => kind)),
    advance: (ms: number) => {
      offsetMs += ms;
    },
    reset: () => {
      contacts.clear();
      replies.clear();
      failures.length = 0;
      nextId = 1;
    },
    /** A signed webhook delivery for a change to `id`, as Acme would POST it. */
    webhook(id: string, secret: string) {
      const body = JSON.stringify({
        id: `evt_${id}_${Date.now()}`,
        type: contacts.has(id) ? 'contact.updated' : 'contact.deleted',
        contact_id: id,
      });
      return {
        headers: { 'content-type': 'application/json', 'acme-signature': signAcmeWebhook(body, secret) },
        body,
      };
    },
  };
}

export type AcmeApi = ReturnType<typeof createAcmeApi>;
