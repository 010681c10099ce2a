import type { Config } from './config.js';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

/**
 * Whether the limits (connections, unfinished interviews and REST requests per address, answers per
 * connection) apply to a client. They guard a public server against one client taking it over; a
 * client on this machine is the operator's own tool or load test, so it is exempt unless LIMIT_LOOPBACK=on. Behind a
 * reverse proxy on the same host every client arrives from loopback, so set LIMIT_LOOPBACK=on
 * there only together with a proxy that limits by the real address itself.
 */
export function perAddressLimitsApply(config: Pick<Config, 'LIMIT_LOOPBACK'>, ip: string): boolean {
  return config.LIMIT_LOOPBACK === 'on' || !isLoopback(ip);
}
