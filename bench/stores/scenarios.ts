import type { OpenScenario } from '../lib/scenario';
import { runWindow, type Operation } from '../lib/window';
import type { FilledStore } from './filled-stores';
import { PROVIDER } from './bench-sessions';

export const STORES = 'stores';

/** `1k`, `10k`, `100k`. */
export function sizeLabel(count: number): string {
  return count >= 1000 ? `${count / 1000}k` : String(count);
}

export type OpName = 'save' | 'load' | 'findByAccessToken' | 'findByAccessToken (hot 1k)';

export function storeScenarioName(label: string, op: OpName, count: number): string {
  return `${label} ${op} @${sizeLabel(count)}`;
}

/** Each operation on a random existing session, its answer checked against what was saved. */
function operation(op: OpName, filled: FilledStore): Operation {
  const { store, sessions } = filled;
  if (op === 'save') {
    // Re-saves a user's session (same token): the full write path, index included, count unchanged.
    return async () => {
      await store.save(sessions.session(sessions.pick()));
      return undefined;
    };
  }
  if (op === 'load') {
    return async () => {
      const i = sessions.pick();
      const found = await store.load(sessions.userId(i), PROVIDER);
      return found?.accessToken === sessions.token(i) ? undefined : `load(${sessions.userId(i)}) gave ${found ? 'another session' : 'null'}`;
    };
  }
  // The hot variant asks for the first 1k sessions only: the index is the same, the working set fits the CPU caches.
  const pick = op === 'findByAccessToken' ? () => sessions.pick() : () => Math.floor(Math.random() * Math.min(1000, sessions.count));
  return async () => {
    const i = pick();
    const found = await store.findByAccessToken(sessions.token(i));
    return found?.userId === sessions.userId(i) ? undefined : `findByAccessToken gave ${found ? found.userId : 'null'}`;
  };
}

/**
 * save / load / findByAccessToken on each filled store; the baseline of each (store, operation) is
 * the same operation on the smallest store of that kind, so the ratio shows how cost grows. The
 * largest Memory store is also asked for a hot subset of 1k tokens, which separates the index's
 * cost from the CPU cache misses of a large working set.
 */
export function storeScenarios(filled: readonly FilledStore[]): OpenScenario[] {
  const smallest = (label: string) => Math.min(...filled.filter((f) => f.label === label).map((f) => f.sessions.count));
  const ops: OpName[] = ['findByAccessToken', 'load', 'save'];
  const largestMemory = Math.max(...filled.filter((f) => f.label === 'Memory').map((f) => f.sessions.count));
  return filled.flatMap((f) =>
    [...ops, ...(f.label === 'Memory' && f.sessions.count === largestMemory ? (['findByAccessToken (hot 1k)'] as const) : [])].map((op) => ({
      group: STORES,
      name: storeScenarioName(f.label, op, f.sessions.count),
      baseline: storeScenarioName(f.label, op === 'findByAccessToken (hot 1k)' ? 'findByAccessToken' : op, smallest(f.label)),
      measure: (windowMs: number) => runWindow(operation(op, f), windowMs),
      close: async () => undefined,
    })),
  );
}
