/**
 * Reconnect timing for Switchboard clients: exponential backoff with jitter and a cap.
 *
 * Pure on purpose (no timers, no globals, randomness passed in) so the policy can be read, tested and
 * swapped without touching the socket code.
 * @module reconnect
 */

/**
 * @typedef {object} BackoffPolicy
 * @property {number} [baseMs] the ceiling of the first retry's delay
 * @property {number} [capMs] no delay is ever longer than this
 * @property {number} [factor] how much the ceiling grows per failed attempt
 * @property {number} [jitter] the fraction (0 … 1) of the ceiling that may be taken away at random
 */

/** @type {Readonly<Required<BackoffPolicy>>} */
export const defaultBackoff = Object.freeze({ baseMs: 500, capMs: 8000, factor: 2, jitter: 0.5 });

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first retry).
 *
 * The ceiling grows as `baseMs · factor^attempt` up to `capMs`; jitter then takes a random share of it
 * away, so that the many clients a server restart drops at the same instant do not all come back at
 * the same instant too.
 * @param {number} attempt how many attempts have failed since the connection was last open
 * @param {BackoffPolicy} [policy]
 * @param {() => number} [random] a number in [0, 1); Math.random by default
 * @returns {number} whole milliseconds, never negative
 */
export function backoffDelay(attempt, policy = defaultBackoff, random = Math.random) {
  const { baseMs, capMs, factor, jitter } = { ...defaultBackoff, ...policy };
  const exponent = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(capMs, baseMs * factor ** exponent);
  const share = Math.min(1, Math.max(0, jitter)) * Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(ceiling * (1 - share)));
}

/**
 * @typedef {object} RestartPolicy
 * @property {number} [minMs] the shortest wait after the server said it is restarting
 * @property {number} [maxMs] the longest
 */

/** @type {Readonly<Required<RestartPolicy>>} */
export const defaultRestart = Object.freeze({ minMs: 1000, maxMs: 5000 });

/** WebSocket close code 1012, "service restart": the server is going away and will be back soon. */
export const serviceRestartCode = 1012;

/**
 * How long to wait before the first reconnect after the server closed with 1012 (it is restarting).
 *
 * Uniform over [minMs, maxMs]: a restart drops every client at the same instant, and with the default
 * 1–5 s, 10 000 clients come back at about 2 500 a second instead of all in the first few hundred
 * milliseconds (which is where {@link backoffDelay}'s first retry would put them). It starts at 1 s
 * because a restarting server is seldom back sooner, and earlier tries would only fail. Attempts after
 * this one use the usual backoff.
 * @param {RestartPolicy} [policy]
 * @param {() => number} [random] a number in [0, 1); Math.random by default
 * @returns {number} whole milliseconds in [minMs, maxMs]
 */
export function restartDelay(policy = defaultRestart, random = Math.random) {
  const { minMs, maxMs } = { ...defaultRestart, ...policy };
  const low = Math.max(0, Math.min(minMs, maxMs));
  const high = Math.max(low, maxMs);
  const share = Math.min(1, Math.max(0, random()));
  return Math.round(low + (high - low) * share);
}
