import { ImageSourceError } from '../model.js';
import { parseChallenges } from './challenge.js';
import { findCredentials, type CredentialOptions, type Credentials } from './credentials.js';
import { describeError, discard, readBody, type Transport } from './http.js';

// Registry auth (distribution spec "token authentication", docs/spec/auth/token.md): try
// anonymously; on 401 answer the WWW-Authenticate challenge with Basic credentials, or fetch a
// Bearer token from the realm (sending Basic credentials when there are any). Tokens are cached
// per scope for the life of the source.

const MAX_TOKEN_RESPONSE = 1024 * 1024;

export class Authenticator {
  private readonly tokens = new Map<string, string>();
  private basic: string | undefined;
  private credentials: Credentials | undefined | null = null;

  constructor(private readonly host: string, private readonly transport: Transport, private readonly credentialOptions: CredentialOptions) {}

  /** The Authorization header already known for `scope`, if any. */
  headerFor(scope: string): string | undefined {
    return this.tokens.get(scope) ?? this.basic;
  }

  /** Answers a 401 challenge; afterwards headerFor(scope) returns the header to retry with. */
  async answer(wwwAuthenticate: string | undefined, scope: string): Promise<void> {
    const challenges = parseChallenges(wwwAuthenticate ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      this.tokens.set(scope, `Bearer ${await this.fetchToken(bearer.params, scope)}`);
      return;
    }
    if (basic) {
      const credentials = await this.lookupCredentials();
      if (!credentials) throw new ImageSourceError(`authentication required for ${this.host} (no credentials found: use --username with --password-stdin, or docker login)`);
      this.basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return;
    }
    throw new ImageSourceError(`authentication required for ${this.host} but its challenge ${JSON.stringify(wwwAuthenticate ?? '')} is neither Basic nor Bearer`);
  }

  /** The error for a 401 that persisted after answering the challenge. */
  async refused(): Promise<ImageSourceError> {
    const credentials = await this.lookupCredentials();
    const who = credentials ? `credentials of user "${credentials.username}" from ${credentials.origin} were refused` : 'anonymous access refused; no credentials found';
    return new ImageSourceError(`authentication failed for ${this.host} (${who})`);
  }

  private async lookupCredentials(): Promise<Credentials | undefined> {
    if (this.credentials === null) this.credentials = await findCredentials(this.host, this.credentialOptions);
    return this.credentials;
  }

  private async fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    if (!params.realm) throw new ImageSourceError(`authentication failed for ${this.host} (Bearer challenge without realm)`);
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch {
      throw new ImageSourceError(`authentication failed for ${this.host} (invalid token realm ${JSON.stringify(params.realm)})`);
    }
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope || scope);
    const credentials = await this.lookupCredentials();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    let body: Buffer;
    let status: number;
    try {
      const response = await this.transport.send(url, headers);
      status = response.statusCode ?? 0;
      if (status !== 200) discard(response);
      body = status === 200 ? await readBody(response, MAX_TOKEN_RESPONSE, `token from ${url.host}`) : Buffer.alloc(0);
    } catch (error) {
      if (error instanceof ImageSourceError) throw error;
      throw new ImageSourceError(`authentication failed for ${this.host} (token server ${url.host}: ${describeError(error)})`);
    }
    if (status === 401 || status === 403) {
      const who = credentials ? `refused the credentials of user "${credentials.username}" from ${credentials.origin}` : 'refused anonymous access; no credentials found';
      throw new ImageSourceError(`authentication failed for ${this.host} (token server ${url.host} ${who})`);
    }
    if (status !== 200) throw new ImageSourceError(`authentication failed for ${this.host} (token server ${url.host} answered HTTP ${status})`);
    return parseToken(body, url.host, this.host);
  }
}

function parseToken(body: Buffer, tokenHost: string, host: string): string {
  let json: { token?: unknown; access_token?: unknown };
  try {
    json = JSON.parse(body.toString('utf8')) as typeof json;
  } catch {
    throw new ImageSourceError(`authentication failed for ${host} (token server ${tokenHost} returned invalid JSON)`);
  }
  const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
  if (typeof token !== 'string' || !token) throw new ImageSourceError(`authentication failed for ${host} (token server ${tokenHost} returned no token)`);
  return token;
}
