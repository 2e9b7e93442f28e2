/**
 * Feeds what the proxies run (xDS server `proxies()`, proxy-sync.ts) into status, so a Gateway
 * is `Programmed` only while one of its proxies runs its configuration (gatewayapi/programmed.ts).
 *
 * Proxy events (a stream identified or closed, a push, an ACK, a NACK) schedule one evaluation:
 * it reads every proxy's state, sums it up per Gateway and, only if that summary changed, hands
 * it to the reconciler, which recomputes status (no translation) and the writer writes the
 * objects whose status differs. Bound: at most one evaluation per `minIntervalMs` (default 1 s),
 * `settleMs` after the first event (so an ACK and the push it releases are seen together); so a
 * flapping proxy (connect, ACK, killed, again, many times a second) costs at most one status
 * write per Gateway per second, whatever its rate, and never queues more than one timer.
 * For `startupGraceMs` after start, Gateways no proxy runs yet keep the `Programmed` the API shows
 * (programmed.ts `reconnecting`): proxies of a restarted control plane get time to reconnect;
 * `restartGrace()` gives the same to a replica that becomes leader (its proxies move to it).
 */
import type { DataPlane, DataPlaneOptions, GatewayDataPlane } from '../gatewayapi/programmed';
import type { XdsCallbacks } from '../xds/server/callbacks';
import type { ProxySync } from '../xds/server/proxy-sync';

export interface DataPlaneStatusOptions {
  /** Delay after the first event before evaluating (default 50 ms). */
  settleMs?: number;
  /** Least time between two evaluations (default 1000 ms). */
  minIntervalMs?: number;
  /**
   * After this control plane starts, how long proxies get to reconnect before a Gateway none of
   * them runs is reported not programmed (default 15 s: Envoy retries its xDS stream with a
   * backoff from 0.5 s). Meanwhile such Gateways keep the `Programmed` the API shows (a restart or a
   * new leader does not flip every Gateway to False and back); new ones get theirs after it.
   */
  startupGraceMs?: number;
}

/** What the reconciler offers this loop. */
export interface DataPlaneSink {
  setDataPlane(plane: DataPlane, options: DataPlaneOptions): void;
}

/** Per Gateway key: how many proxies are connected, whether one is current, what Listeners they run, why not. */
export function summarize(proxies: readonly ProxySync[]): DataPlane {
  const out = new Map<string, GatewayDataPlane & { listeners: Set<string> }>();
  for (const p of proxies) {
    let g = out.get(p.key);
    if (!g) out.set(p.key, (g = { connected: 0, current: false, listeners: new Set<string>() }));
    g.connected++;
    g.current ||= p.current;
    for (const l of p.listeners) g.listeners.add(l);
    if (!p.current && p.behind !== undefined) g.behind ??= `proxy ${p.nodeId} ${p.behind}`;
  }
  for (const g of out.values()) if (g.current) delete g.behind;
  return out;
}

/** A canonical text of a summary, to tell a change. */
function fingerprint(plane: DataPlane, reconnecting: boolean): string {
  const gateways = [...plane.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, g]) => [k, g.connected, g.current, [...g.listeners].sort(), g.behind]);
  return JSON.stringify([reconnecting, gateways]);
}

export class DataPlaneStatus {
  private readonly settleMs: number;
  private readonly minIntervalMs: number;
  private readonly graceMs: number;
  private graceEnds: number;
  private graceTimer: NodeJS.Timeout;
  private proxies: () => readonly ProxySync[] = () => [];
  private timer: NodeJS.Timeout | undefined;
  private lastRun = -Infinity;
  private last: string;
  private stopped = false;

  /** From now on, the sink's status reflects the data plane: nothing is Programmed before a proxy runs it. */
  constructor(
    private readonly sink: DataPlaneSink,
    o: DataPlaneStatusOptions = {},
  ) {
    this.settleMs = o.settleMs ?? 50;
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    const graceMs = (this.graceMs = o.startupGraceMs ?? 15_000);
    this.graceEnds = performance.now() + graceMs;
    const none = new Map<string, GatewayDataPlane>();
    const reconnecting = graceMs > 0;
    this.last = fingerprint(none, reconnecting);
    sink.setDataPlane(none, { reconnecting });
    this.graceTimer = setTimeout(() => this.schedule(), graceMs);
    this.graceTimer.unref();
  }

  /** Where proxies' states are read (the xDS server, once it exists). */
  attach(proxies: () => readonly ProxySync[]): void {
    this.proxies = proxies;
    this.schedule();
  }

  /** xDS callbacks that schedule an evaluation. */
  callbacks(): XdsCallbacks {
    const schedule = (): void => this.schedule();
    return { onStreamIdentified: schedule, onStreamClosed: schedule, onPush: schedule, onAck: schedule, onNack: schedule };
  }

  /**
   * A replica that just became leader (it served no proxy as a follower: xDS standby): its
   * proxies get the same grace to reconnect as after a start, before Gateways none of them runs
   * are reported not programmed. Applied at once, so the new leader's first write has it.
   */
  restartGrace(): void {
    if (this.stopped) return;
    this.graceEnds = performance.now() + this.graceMs;
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.schedule(), this.graceMs);
    this.graceTimer.unref();
    this.evaluate();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.graceTimer);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads the proxies now; hands a changed summary to the sink. */
  evaluate(): void {
    const plane = summarize(this.proxies());
    const reconnecting = performance.now() < this.graceEnds;
    const text = fingerprint(plane, reconnecting);
    if (text === this.last) return;
    this.last = text;
    this.sink.setDataPlane(plane, { reconnecting });
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    const delay = Math.max(this.settleMs, this.lastRun + this.minIntervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = performance.now();
      this.evaluate();
    }, delay);
    this.timer.unref();
  }
}
