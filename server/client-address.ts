import type { Config } from './config.js';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

/**
 * Whether the limits (connections, unfinished interviews and REST requests per address, answers per
 * connection) apply to a client. They guard a public server against one client taking it over; a
 * client on this machine is the operator's own tool or load test, so it is exempt unless
 * LIMIT_LOOPBACK=on. Behind a reverse proxy or tunnel on the same host every client arrives from
 * loopback: the exemption then lifts the limits for everyone (the server logs a warning the first
 * time it lets a loopback client past them), and LIMIT_LOOPBACK=on would make all clients share one
 * address's allowance. Limit per client at the proxy there.
 */
export function perAddressLimitsApply(config: Pick<Config, 'LIMIT_LOOPBACK'>, ip: string): boolean {
  return config.LIMIT_LOOPBACK === 'on' || !isLoopback(ip);
}
