/** Reconnect timing for Switchboard clients: exponential backoff with jitter and a cap (reconnect.js). */

/** How the wait before each reconnect attempt grows; every field falls back to {@link defaultBackoff}. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay, in milliseconds. */
  baseMs?: number;
  /** No delay is ever longer than this, in milliseconds. */
  capMs?: number;
  /** How much the ceiling grows per failed attempt. */
  factor?: number;
  /** The fraction (0 … 1) of the ceiling that may be taken away at random. */
  jitter?: number;
}

/** The first reconnect's wait after the server closed with 1012 (it is restarting). */
export interface RestartPolicy {
  /** The shortest wait, in milliseconds. */
  minMs?: number;
  /** The longest wait, in milliseconds. */
  maxMs?: number;
}

/** `{ baseMs: 500, capMs: 8000, factor: 2, jitter: 0.5 }` */
export declare const defaultBackoff: Readonly<Required<BackoffPolicy>>;

/** `{ minMs: 1000, maxMs: 5000 }` */
export declare const defaultRestart: Readonly<Required<RestartPolicy>>;

/** WebSocket close code 1012, "service restart". */
export declare const serviceRestartCode: 1012;

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first retry).
 * @param random a number in [0, 1); Math.random by default
 * @returns whole milliseconds, never negative
 */
export declare function backoffDelay(attempt: number, policy?: BackoffPolicy, random?: () => number): number;

/**
 * How long to wait before the first reconnect after a close with 1012: uniform over [minMs, maxMs].
 * @param random a number in [0, 1); Math.random by default
 */
export declare function restartDelay(policy?: RestartPolicy, random?: () => number): number;
