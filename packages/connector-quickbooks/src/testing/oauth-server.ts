import { randomBytes } from 'node:crypto';

/** OAuth behaviour switches a test can flip. */
export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Redirect URIs registered for the app; empty accepts any. */
  redirectUris: readonly string[];
  /** `rotate` (default): every refresh issues a new refresh token and supersedes the old one. `stable`: the same value comes back while it is younger than `stableForMs` (Intuit does this for ~24 h). */
  refreshTokenMode: 'rotate' | 'stable';
  stableForMs: number;
  /** Answer the authorize endpoint with `error=access_denied`. */
  deny: boolean;
  /** Which realm the user picks on the consent screen. */
  realmId: string;
}

export interface OAuthStats {
  authorizeCalls: number;
  codeExchanges: number;
  refreshCalls: number;
  revokeCalls: number;
  invalidGrants: number;
}

interface Grant {
  readonly realmId: string;
  readonly createdAt: number;
  refreshToken: string;
  refreshIssuedAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
}

export interface AccessTokenInfo {
  readonly realmId: string;
  readonly expiresAt: number;
  readonly grant: Grant;
}

const ACCESS_TTL_S = 3600;
const REFRESH_TTL_S = 8_726_400;
const HARD_TTL_S = 5 * 365 * 24 * 3600;

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

function oauthError(error: string, description?: string, status = 400): Response {
  return Response.json(
    { error, ...(description === undefined ? {} : { error_description: description }) },
    { status, headers: { 'cache-control': 'no-store' } },
  );
}

/** Intuit's OAuth 2.0 endpoints: authorize (auto-consent), token (code and refresh grants), revoke. */
export class OAuthServer {
  readonly stats: OAuthStats = {
    authorizeCalls: 0,
    codeExchanges: 0,
    refreshCalls: 0,
    revokeCalls: 0,
    invalidGrants: 0,
  };
  private readonly codes = new Map<string, { realmId: string; redirectUri: string; used: boolean }>();
  private readonly grantsByRefresh = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessTokenInfo>();

  constructor(
    readonly options: FakeOAuthOptions,
    private readonly now: () => number,
  ) {}

  /** The access token's realm when it is valid now; the reason otherwise. */
  checkAccessToken(value: string): AccessTokenInfo | 'unknown' | 'expired' {
    const info = this.accessTokens.get(value);
    if (info === undefined || info.grant.revoked) return 'unknown';
    if (info.expiresAt <= this.now()) return 'expired';
    return info;
  }

  /** Issues a grant directly (no consent screen), for tests that start connected. */
  issue(realmId: string): { accessToken: string; refreshToken: string; expiresAt: number } {
    const grant: Grant = {
      realmId,
      createdAt: this.now(),
      refreshToken: token('RT1-'),
      refreshIssuedAt: this.now(),
      refreshExpiresAt: this.now() + REFRESH_TTL_S * 1000,
      revoked: false,
    };
    this.grantsByRefresh.set(grant.refreshToken, grant);
    const accessToken = this.newAccessToken(grant);
    return { accessToken, refreshToken: grant.refreshToken, expiresAt: this.now() + ACCESS_TTL_S * 1000 };
  }

  private newAccessToken(grant: Grant): string {
    const value = token('eyJ-');
    this.accessTokens.set(value, {
      realmId: grant.realmId,
      expiresAt: this.now() + ACCESS_TTL_S * 1000,
      grant,
    });
    return value;
  }

  authorize(url: URL): Response {
    this.stats.authorizeCalls++;
    const redirectUri = url.searchParams.get('redirect_uri');
    const state = url.searchParams.get('state');
    if (url.searchParams.get('client_id') !== this.options.clientId || redirectUri === null)
      return new Response('invalid client_id or redirect_uri', { status: 400 });
    if (this.options.redirectUris.length > 0 && !this.options.redirectUris.includes(redirectUri))
      return new Response('redirect_uri is not registered for this app', { status: 400 });
    if (url.searchParams.get('response_type') !== 'code')
      return new Response('response_type must be code', { status: 400 });
    const target = new URL(redirectUri);
    if (this.options.deny) {
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = token('AB1-');
      this.codes.set(code, { realmId: this.options.realmId, redirectUri, used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('realmId', this.options.realmId);
    }
    if (state !== null) target.searchParams.set('state', state);
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  }

  private clientOk(request: Request): boolean {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    return decoded === `${this.options.clientId}:${this.options.clientSecret}`;
  }

  async token(request: Request): Promise<Response> {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    if (!this.clientOk(request)) return oauthError('invalid_client', undefined, 401);
    if (!(request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded'))
      return oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(await request.text());
    const hard = request.headers.get('x-include-refresh-token-hard-expires-in') === 'true';
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      this.stats.codeExchanges++;
      const code = this.codes.get(form.get('code') ?? '');
      if (code === undefined || code.used || code.redirectUri !== form.get('redirect_uri')) {
        if (code) code.used = true;
        this.stats.invalidGrants++;
        return oauthError('invalid_grant');
      }
      code.used = true;
      const issued = this.issue(code.realmId);
      const grant = this.grantsByRefresh.get(issued.refreshToken) as Grant;
      return this.tokenResponse(issued.accessToken, grant, hard);
    }
    if (grantType === 'refresh_token') {
      this.stats.refreshCalls++;
      const presented = form.get('refresh_token') ?? '';
      const grant = this.grantsByRefresh.get(presented);
      if (
        grant === undefined ||
        grant.revoked ||
        grant.refreshToken !== presented ||
        grant.refreshExpiresAt <= this.now()
      ) {
        this.stats.invalidGrants++;
        return oauthError(
          'invalid_grant',
          grant?.revoked ? 'Token revoked' : 'Incorrect or invalid refresh token',
        );
      }
      const keep =
        this.options.refreshTokenMode === 'stable' &&
        this.now() - grant.refreshIssuedAt < this.options.stableForMs;
      if (!keep) {
        grant.refreshToken = token('RT1-');
        grant.refreshIssuedAt = this.now();
        this.grantsByRefresh.set(grant.refreshToken, grant);
      }
      grant.refreshExpiresAt = this.now() + REFRESH_TTL_S * 1000;
      return this.tokenResponse(this.newAccessToken(grant), grant, hard);
    }
    return oauthError('unsupported_grant_type');
  }

  private tokenResponse(accessToken: string, grant: Grant, hard: boolean): Response {
    const hardLeft = Math.max(0, Math.floor((grant.createdAt + HARD_TTL_S * 1000 - this.now()) / 1000));
    return Response.json(
      {
        token_type: 'bearer',
        access_token: accessToken,
        refresh_token: grant.refreshToken,
        expires_in: ACCESS_TTL_S,
        x_refresh_token_expires_in: REFRESH_TTL_S,
        ...(hard ? { x_refresh_token_hard_expires_in: hardLeft } : {}),
      },
      { headers: { 'cache-control': 'no-store' } },
    );
  }

  async revoke(request: Request): Promise<Response> {
    this.stats.revokeCalls++;
    if (!this.clientOk(request)) return oauthError('invalid_client', undefined, 401);
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return oauthError('invalid_request', 'body must be JSON {"token": ...}');
    }
    const value = (body as { token?: unknown } | null)?.token;
    if (typeof value !== 'string') return oauthError('invalid_request', 'token is required');
    const grant = this.grantsByRefresh.get(value) ?? this.accessTokens.get(value)?.grant;
    if (grant) grant.revoked = true;
    return new Response(null, { status: 200 });
  }
}
