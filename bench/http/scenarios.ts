import { loadLabel, type OpenScenario } from '../lib/scenario';
import type { LocalIssuer } from '../fixtures/local-jwks';
import type { LoadProcess } from './load-process';
import { sdkBearerAuth, startSdkStateless, type RunningServer } from './sdk-servers';
import { startNextJwt } from './next-servers';

export const HTTP = 'http';

interface Target {
  name: string;
  server: RunningServer;
  token?: string;
  stateful: boolean;
}

/**
 * The four HTTP servers, each loaded sequentially and with 32 requests in flight by the load
 * process. The baseline of each load level is the SDK's stateless pattern without auth.
 */
export async function httpScenarios(issuer: LocalIssuer, load: LoadProcess, inFlightLevels: readonly number[]): Promise<OpenScenario[]> {
  const targets: Target[] = [];
  const closeAll = () => Promise.all(targets.map((t) => t.server.close())).then(() => undefined);
  try {
    targets.push({ name: 'SDK stateless, no auth', server: await startSdkStateless(), stateful: false });
    let sdkAuthUrl = '';
    const sdkAuth = await startSdkStateless(sdkBearerAuth(issuer, () => sdkAuthUrl));
    sdkAuthUrl = sdkAuth.url.href;
    targets.push({ name: 'SDK stateless + requireBearerAuth (jose)', server: sdkAuth, stateful: false });
    targets.push({ name: 'NextMCP stateless + JwtProvider', server: await startNextJwt(issuer, true), stateful: false });
    targets.push({ name: 'NextMCP stateful + JwtProvider', server: await startNextJwt(issuer, false), stateful: true });
    for (const target of targets.slice(1)) target.token = await issuer.mint({ audience: target.server.url.href, scope: 'echo' });
  } catch (error) {
    await closeAll();
    throw error;
  }

  let closed = false;
  const scenarios = inFlightLevels.flatMap((inFlight) =>
    targets.map((target): OpenScenario => {
      const label = loadLabel(inFlight);
      return {
        group: HTTP,
        name: `${target.name} [${label}]`,
        baseline: `${targets[0].name} [${label}]`,
        measure: (windowMs) =>
          load.run({
            url: target.server.url.href,
            headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
            inFlight,
            windowMs,
            stateful: target.stateful,
          }),
        close: async () => {
          if (closed) return;
          closed = true;
          await closeAll();
        },
      };
    }),
  );
  return scenarios;
}
