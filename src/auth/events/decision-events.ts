import type { TransportKind } from '../../pipeline/request-context';
import type { Target } from '../../metadata/targets';
import type { AuthContext } from '../auth-context';
import { NextMCPAuthError } from '../errors';
import type { AuthDeniedEvent, EventCaller } from './auth-event-map';
import type { AuthEvents } from './auth-events';

/** A request as a decision reports it. */
export interface DecidedRequest {
  method: string;
  /** The target addressed; absent when it names none (or no known one). */
  target?: Target;
  transport: TransportKind;
}

/**
 * `auth:allowed` / `auth:denied` from wherever a call is decided (the pipeline, the HTTP gate):
 * payloads built only from names and ids, and only when someone listens.
 */
export class DecisionEvents {
  constructor(private readonly events: AuthEvents) {}

  /** A call allowed; reported when there is a caller to name. */
  allowed(request: DecidedRequest, auth: AuthContext | undefined): void {
    if (!auth || !this.events.has('auth:allowed')) return;
    this.events.emit('auth:allowed', { method: request.method, target: nameOf(request.target), caller: callerOf(auth), transport: request.transport });
  }

  /** A request refused with `error`; anything but an auth refusal (-31001/-31003) is not reported. */
  denied(request: DecidedRequest, auth: AuthContext | undefined, error: unknown): void {
    if (!(error instanceof NextMCPAuthError) || !this.events.has('auth:denied')) return;
    const { data } = error;
    const event: AuthDeniedEvent = {
      method: request.method,
      target: nameOf(request.target),
      ...(auth && { caller: callerOf(auth) }),
      transport: request.transport,
      code: error.code,
      reason: data.error,
    };
    if ('missing_scopes' in data) {
      if (data.missing_scopes.length > 0) event.missingScopes = [...data.missing_scopes];
      if (data.required_roles.length > 0) event.requiredRoles = [...data.required_roles];
      if (data.required_permissions.length > 0) event.requiredPermissions = [...data.required_permissions];
    }
    this.events.emit('auth:denied', event);
  }
}

function nameOf(target: Target | undefined): string | null {
  return target?.name ?? null;
}

function callerOf(auth: AuthContext): EventCaller {
  return { provider: auth.provider, userId: auth.userId };
}
