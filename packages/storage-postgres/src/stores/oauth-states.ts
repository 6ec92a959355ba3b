import { newOAuthStateSchema, type OAuthState, type OAuthStateStore, parseWith } from '@syncbridge/core';
import { fromRow, OAUTH_STATE, recordset } from './columns.js';
import { insertSql, type StoreContext } from './store-context.js';

const CREATE_FIELDS = [
  'state',
  'organizationId',
  'provider',
  'userId',
  'redirectUri',
  'codeVerifier',
  'scopes',
  'expiresAt',
] as const;

const toState = (row: Record<string, unknown>) => fromRow<OAuthState>(OAUTH_STATE, row);

/** `oauth_states` on Postgres: `consume` is one `DELETE … RETURNING`, so a state is used once. */
export function postgresOAuthStates(ctx: StoreContext): OAuthStateStore {
  const t = ctx.tables.oauthStates;
  const insert = `${insertSql(t, OAUTH_STATE, CREATE_FIELDS)} RETURNING *`;
  return {
    async create(input) {
      const data = parseWith(newOAuthStateSchema, input, 'oauthStates.create');
      const { rows } = await ctx.run({ operation: 'oauthStates.create' }, insert, [
        recordset(CREATE_FIELDS, [data]),
      ]);
      return toState(rows[0]!);
    },
    async consume(state) {
      const { rows } = await ctx.run(
        { operation: 'oauthStates.consume' },
        `DELETE FROM ${t} WHERE state = $1 RETURNING *`,
        [state],
      );
      return rows[0] ? toState(rows[0]) : null;
    },
    async deleteExpired(now) {
      const { rowCount } = await ctx.run(
        { operation: 'oauthStates.deleteExpired' },
        `DELETE FROM ${t} WHERE expires_at < $1::timestamptz`,
        [now.toISOString()],
      );
      return rowCount;
    },
  };
}
