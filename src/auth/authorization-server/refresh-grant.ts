import type { AuthorizationServerContext } from './authorization-server-context';
import type { KnownClient } from './client-directory';
import { checkResource } from './code-grant';
import type { TokenResponseBody } from './grants';
import { single } from './http-exchange';
import { OAuthError, upstreamUnavailable } from './oauth-error';
import { recordKeys, type GrantRecord, type RefreshRecord, type SuccessorRecord } from './records';
import { openSuccessor, sealSuccessor } from './successor-seal';
import { UpstreamRefusedError, UpstreamUnavailableError } from './upstream-sessions';

/** How long a concurrent use waits for the rotation another request is doing. */
const OUTCOME_WAIT_MS = 15_000;
const OUTCOME_POLL_MS = 25;

/**
 * `grant_type=refresh_token`. The token is bound to its client; `scope` may narrow, never widen.
 * Each use rotates: the first request claims the rotation, re-checks the user with the upstream,
 * and issues a new pair; every use within `refreshGraceSeconds` (concurrent ones too) gets that same
 * response. A use after the window revokes the whole grant (RFC 9700 §4.14.2). Upstream refusal
 * revokes the grant; an upstream that is down is a 503 and changes nothing.
 */
export async function refreshGrant(ctx: AuthorizationServerContext, client: KnownClient, form: URLSearchParams): Promise<TokenResponseBody> {
  const token = single(form, 'refresh_token');
  if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
  if (!client.grantTypes.includes('refresh_token')) throw new OAuthError('unauthorized_client', 'This client did not register the refresh_token grant');
  const record = await ctx.records.read<RefreshRecord>(recordKeys.refresh(token));
  if (!record || record.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'The refresh token is unknown, expired or was issued to another client');
  checkResource(ctx, form);
  const grant = await ctx.grants.read(record.grantId);
  if (!grant) throw new OAuthError('invalid_grant', 'The grant of this refresh token was revoked');
  const scopes = narrowedScopes(grant, single(form, 'scope'));

  if (record.rotatedAt !== undefined) return successorOf(ctx, token, record);
  const claimed = await ctx.records.write<SuccessorRecord>(recordKeys.successor(token), { pending: true }, ctx.settings.refreshGraceSeconds, true);
  if (!claimed) return awaitSuccessor(ctx, token);
  return rotate(ctx, client, token, record, grant, scopes);
}

async function rotate(
  ctx: AuthorizationServerContext,
  client: KnownClient,
  token: string,
  record: RefreshRecord,
  grant: GrantRecord,
  scopes: string[],
): Promise<TokenResponseBody> {
  const successorKey = recordKeys.successor(token);
  let identity;
  try {
    identity = await ctx.sessions.recheck(grant.identity.userId);
  } catch (error) {
    if (error instanceof UpstreamRefusedError) {
      await ctx.grants.revoke(record.grantId);
      const refused = new OAuthError('invalid_grant', `${ctx.upstream.name} no longer accepts this user; log in again`);
      await ctx.records.write<SuccessorRecord>(successorKey, { error: refused.code, description: refused.description }, ctx.settings.refreshGraceSeconds);
      throw refused;
    }
    // Nothing changed: the claim goes, so the same token can be used again once the upstream is back.
    await ctx.records.delete(successorKey);
    if (error instanceof UpstreamUnavailableError) throw upstreamUnavailable(ctx.upstream.name);
    throw error;
  }
  const updated: GrantRecord = { ...grant, identity };
  await ctx.grants.save(record.grantId, updated);
  const body = await ctx.grants.issue(record.grantId, updated, scopes, true);
  await ctx.records.write<SuccessorRecord>(successorKey, { sealed: sealSuccessor(token, body) }, ctx.settings.refreshGraceSeconds);
  await ctx.records.write<RefreshRecord>(recordKeys.refresh(token), { ...record, rotatedAt: Math.floor(Date.now() / 1000) }, ctx.settings.refreshTokenTtlSeconds);
  await ctx.clients.touch(client);
  return body;
}

/** A rotated token: within the grace window, the same successor response; after it, the grant ends. */
async function successorOf(ctx: AuthorizationServerContext, token: string, record: RefreshRecord): Promise<TokenResponseBody> {
  const withinGrace = Math.floor(Date.now() / 1000) < record.rotatedAt! + ctx.settings.refreshGraceSeconds;
  const outcome = withinGrace ? await ctx.records.read<SuccessorRecord>(recordKeys.successor(token)) : null;
  if (outcome && !('pending' in outcome)) return fromOutcome(token, outcome);
  await ctx.grants.revoke(record.grantId);
  throw new OAuthError('invalid_grant', 'The refresh token was already used; the grant is revoked');
}

/** Another request is rotating this token right now: its outcome is this request's too. */
async function awaitSuccessor(ctx: AuthorizationServerContext, token: string): Promise<TokenResponseBody> {
  const deadline = Date.now() + OUTCOME_WAIT_MS;
  for (;;) {
    const outcome = await ctx.records.read<SuccessorRecord>(recordKeys.successor(token));
    if (!outcome) throw upstreamUnavailable(ctx.upstream.name);
    if (!('pending' in outcome)) return fromOutcome(token, outcome);
    if (Date.now() >= deadline) throw upstreamUnavailable(ctx.upstream.name);
    await new Promise((done) => setTimeout(done, OUTCOME_POLL_MS));
  }
}

function fromOutcome(token: string, outcome: Exclude<SuccessorRecord, { pending: true }>): TokenResponseBody {
  if ('error' in outcome) throw new OAuthError(outcome.error as OAuthError['code'], outcome.description);
  try {
    return openSuccessor(token, outcome.sealed);
  } catch {
    throw new OAuthError('invalid_grant', 'The refresh token is unknown, expired or was issued to another client');
  }
}

/** The scopes of the new access token: the grant's, or fewer — never more (`invalid_scope`). */
function narrowedScopes(grant: GrantRecord, scope: string | undefined): string[] {
  if (scope === undefined) return grant.scopes;
  const requested = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  const extra = requested.filter((s) => !grant.scopes.includes(s));
  if (extra.length > 0) throw new OAuthError('invalid_scope', `The grant does not include: ${extra.join(', ')}`);
  return requested;
}
