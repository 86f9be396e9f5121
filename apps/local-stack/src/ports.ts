/**
 * Port layout and availability checks. Every service's port is derived from
 * one base so that several stacks (a developer's and a test run's) can coexist.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { StackError } from './errors.ts';

export interface PortLayout {
  /** The gateway: /rest/v1, /auth/v1, /functions/v1. */
  api: number;
  db: number;
  postgrest: number;
  postgrestAdmin: number;
  slackSink: number;
  /** The dashboard's Node server (started by `npm start`, not by test stacks). */
  dashboard: number;
}

export const DEFAULT_PORT_BASE = 54321;
/**
 * How many consecutive ports a stack occupies from its base (six used, the rest kept
 * free for new services). Edge functions listen on ports the OS hands out, so two
 * stacks on nearby bases never fight over them.
 */
export const PORT_SPAN = 10;

export function portLayout(base: number): PortLayout {
  return {
    api: base,
    db: base + 1,
    postgrest: base + 2,
    postgrestAdmin: base + 3,
    slackSink: base + 4,
    dashboard: base + 5,
  };
}

/** A port on 127.0.0.1 that the OS says is free right now (for an edge function's server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

const SERVICE_NAMES: Record<keyof PortLayout, string> = {
  api: 'API gateway',
  db: 'Postgres',
  postgrest: 'PostgREST',
  postgrestAdmin: 'PostgREST admin',
  slackSink: 'Slack sink',
  dashboard: 'dashboard',
};

/** Every port a stack on `base` would take. */
function allPorts(base: number): number[] {
  const layout = portLayout(base);
  return [layout.api, layout.db, layout.postgrest, layout.postgrestAdmin, layout.slackSink, layout.dashboard];
}

/** True when every port of a stack on `base` is free right now. */
export async function isPortBaseFree(base: number): Promise<boolean> {
  return (await Promise.all(allPorts(base).map(isPortFree))).every(Boolean);
}

/**
 * The first base above `base`, in steps of 100, whose ports are all free
 * now: what the error messages suggest, so the suggestion works when tried.
 */
export async function suggestPortBase(base: number): Promise<number | undefined> {
  for (let candidate = base + 100; candidate + PORT_SPAN <= 65535 && candidate <= base + 5000; candidate += 100) {
    if (await isPortBaseFree(candidate)) return candidate;
  }
  return undefined;
}

/** `--port-base N` with a free N, or advice to pick one. */
export async function portBaseAdvice(base: number): Promise<string> {
  const free = await suggestPortBase(base);
  return free ? `--port-base ${free} (free right now)` : '--port-base with a free range of ports';
}

/** Throws a StackError naming the first taken port and how to get around it. */
export async function assertPortsFree(layout: PortLayout, base: number): Promise<void> {
  for (const [key, name] of Object.entries(SERVICE_NAMES)) {
    const port = layout[key as keyof PortLayout];
    if (!(await isPortFree(port))) {
      throw new StackError(
        `Port ${port} (${name}) is already in use.`,
        `Stop whatever listens there (\`ss -ltnp 'sport = :${port}'\` shows it; maybe another stack is running) or start on other ports with ${await portBaseAdvice(base)}.`,
      );
    }
  }
}

/**
 * The kernel's range for outgoing connections' local ports: a listener there
 * can lose its port to any client socket between our check and its listen.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: assume the IANA range
  }
  return [49152, 65535];
}

/**
 * Finds a base with PORT_SPAN consecutive free ports for a private test stack,
 * below the ephemeral range (so no outgoing connection takes one meanwhile).
 */
export async function findFreePortBase(from = 20000, to = Math.min(30000, ephemeralRange()[0] - PORT_SPAN)): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = from + Math.floor(Math.random() * ((to - from - PORT_SPAN) / 10)) * 10;
    if (await isPortBaseFree(base)) return base;
  }
  throw new StackError('Could not find a free range of ports.', 'Free some ports or pass --port-base.');
}
