/**
 * Runs one bench scenario long enough to profile it; the profile is of this process (for HTTP:
 * the server, with the load in the child process). Summarize with `bench/profile-summary.ts`.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only bench/profile.ts next-jwt 8 [inFlight]
 *
 * Scenarios: sdk, next, next-jwt, next-api-key, next-oauth (in-process, `inFlight` calls at a
 * time, default 1); http-sdk, http-sdk-bearer, http-next-stateless, http-next-stateful (sequential load).
 */
import 'reflect-metadata';
import { startLocalIssuer, type LocalIssuer } from './fixtures/local-jwks';
import * as inProcess from './in-process/scenarios';
import { echoScenarios, type EchoConnection } from './in-process/echo-client';
import { LoadProcess } from './http/load-process';
import { sdkBearerAuth, startSdkStateless, type RunningServer } from './http/sdk-servers';
import { startNextJwt } from './http/next-servers';
import type { WindowSample } from './lib/sample';

type Runner = { measure(windowMs: number): Promise<WindowSample>; close(): Promise<void> };

const IN_PROCESS: Record<string, (issuer: LocalIssuer) => Promise<EchoConnection>> = {
  sdk: () => inProcess.sdkBaseline(),
  next: () => inProcess.nextNoAuth(),
  'next-jwt': (issuer) => inProcess.nextJwt(issuer),
  'next-api-key': () => inProcess.nextApiKey(),
  'next-oauth': () => inProcess.nextOAuthSession(),
};

const HTTP: Record<string, (issuer: LocalIssuer) => Promise<{ server: RunningServer; auth: boolean; stateful: boolean }>> = {
  'http-sdk': async () => ({ server: await startSdkStateless(), auth: false, stateful: false }),
  'http-sdk-bearer': async (issuer) => {
    let url = '';
    const server = await startSdkStateless(sdkBearerAuth(issuer, () => url));
    url = server.url.href;
    return { server, auth: true, stateful: false };
  },
  'http-next-stateless': async (issuer) => ({ server: await startNextJwt(issuer, true), auth: true, stateful: false }),
  'http-next-stateful': async (issuer) => ({ server: await startNextJwt(issuer, false), auth: true, stateful: true }),
};

async function runner(name: string, issuer: LocalIssuer, inFlight: number): Promise<Runner> {
  if (IN_PROCESS[name]) return echoScenarios(await IN_PROCESS[name](issuer), [inFlight])[0];
  if (!HTTP[name]) throw new Error(`unknown scenario ${name}; one of ${[...Object.keys(IN_PROCESS), ...Object.keys(HTTP)].join(', ')}`);
  const { server, auth, stateful } = await HTTP[name](issuer);
  const load = LoadProcess.start();
  const token = auth ? await issuer.mint({ audience: server.url.href, scope: 'echo' }) : undefined;
  return {
    measure: (windowMs) =>
      load.run({ url: server.url.href, headers: token ? { authorization: `Bearer ${token}` } : {}, inFlight: 1, windowMs, stateful }),
    close: async () => {
      await load.stop();
      await server.close();
    },
  };
}

async function main(): Promise<void> {
  const [name = 'next-jwt', seconds = '8', inFlight = '1'] = process.argv.slice(2);
  const issuer = await startLocalIssuer();
  const scenario = await runner(name, issuer, Number(inFlight));
  try {
    await scenario.measure(1000); // warm-up; skip the first seconds of the profile (startup, compile)
    const sample = await scenario.measure(Number(seconds) * 1000);
    console.log(`${name}: ${Math.round(sample.opsPerSec)} ops/s, p50 ${sample.p50.toFixed(1)} µs, ${sample.errors} errors`);
  } finally {
    await scenario.close();
    await issuer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
