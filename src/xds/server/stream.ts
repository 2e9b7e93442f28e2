/**
 * What SotW and Delta ADS streams share: the node (from the first request only — later
 * requests may omit it, xds_protocol "Basic Protocol Overview"), the watch on the node's
 * snapshot, per-type subscriptions, nonces, pushes in ADS order, settling ACKs and NACKs
 * (settle.ts), and closing exactly once however the stream ends.
 *
 * Subclasses supply the protocol: how a request changes the subscription, what a response
 * should carry (`plan`) and how it is encoded. After every request and every new snapshot the
 * stream `advance`s: it sends whatever the client lacks, in make-before-break order.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import type { Status__Output } from '../../generated/google/rpc/Status';
import { combinedVersion, type Snapshot } from '../cache/snapshot';
import { ADS_PUSH_ORDER, SHORT_NAME, TypeUrl, isTypeUrl } from '../resources';
import type { NodeStreamEvent, StreamEvent, XdsProtocol } from './callbacks';
import type { ConnectionInfo, LiveStream, StreamContext } from './stream-context';
import { TypeSubscription, type ResponsePlan } from './subscription';
import { EndpointWarming } from './warming';
import { structToJson } from '../envoy-json';
import { PushLog } from './push-log';
import { settleResponse, type SettlingStream } from './settle';
import { normalizeNode } from './wire';
import { proxySync, type ProxySync, type StandingRejection } from './proxy-sync';

/** Step 1 and 3 of a transition (warming.ts): what others refer to, in ADS_PUSH_ORDER. */
const MAKE_TYPES: readonly TypeUrl[] = [TypeUrl.Secret, TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment];
/** Step 2: what refers to them. */
const SWITCH_TYPES: readonly TypeUrl[] = [TypeUrl.Listener, TypeUrl.RouteConfiguration];

export abstract class XdsStream<Req, Res> implements LiveStream {
  readonly id: number;
  readonly peer: string;
  readonly openedAt = new Date();
  protected readonly log: Logger;
  protected readonly subscriptions = new Map<TypeUrl, TypeSubscription>();
  private node: Node__Output | undefined;
  private key: string | undefined;
  private unwatch: (() => void) | undefined;
  private nonceCounter = 0;
  private closed = false;
  /** Set once we end the call ourselves, so it is ended only once. */
  private ending = false;
  private readonly unknownTypes = new Set<string>();
  private readonly warming: EndpointWarming;
  /** The responses written by the current `advance`, logged together as one push. */
  private readonly pushLog: PushLog;
  private readonly settling: SettlingStream;

  constructor(
    protected readonly ctx: StreamContext,
    readonly protocol: XdsProtocol,
    private readonly call: grpc.ServerDuplexStream<Req, Res>,
  ) {
    this.id = ctx.nextStreamId();
    this.peer = call.getPeer();
    this.log = ctx.logger.child({ stream: this.id, protocol });
    this.pushLog = new PushLog(this.log);
    this.settling = {
      log: this.log,
      callbacks: ctx.callbacks,
      nodeEvent: () => this.nodeEvent(),
      // Rejected clusters will never ask for their endpoints: stop holding routes for them.
      clustersRejected: () => this.warming.release(),
    };
    this.warming = new EndpointWarming(ctx.warmingTimeoutMs, (stillMissing) => {
      this.log.warn({ node: this.node?.id, stillMissing }, 'endpoints of new clusters not requested in time; updating routes anyway');
      this.advance();
    });
    ctx.streams.set(this.id, this);
    call.on('data', (request: Req) => this.receive(request));
    // The client half-closed: finish our side with OK; 'close' then follows.
    call.on('end', () => this.end());
    call.on('error', (err: Error) => this.log.debug({ err }, 'xDS stream error'));
    call.on('cancelled', () => this.close());
    call.on('close', () => this.close());
    ctx.callbacks.streamOpen(this.streamEvent());
  }

  /** Applies one request; the protocol rules live in the subclass. */
  protected abstract handleRequest(request: Req): void;
  /**
   * What the next response for `sub` should carry, or undefined when nothing is due.
   * @param retainRemoved true in step 1 of a transition: deletions wait (subscription.ts)
   */
  protected abstract plan(sub: TypeSubscription, snapshot: Snapshot, retainRemoved: boolean): ResponsePlan | undefined;
  protected abstract encode(typeUrl: TypeUrl, plan: ResponsePlan, nonce: string, version: string): Res;

  fail(code: grpc.status, details: string): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    // grpc-js turns an 'error' on a server stream into the call's final status.
    this.call.emit('error', { code, details });
  }

  /**
   * Ends a stream whose client may not ask for its node's Gateway (authorization.ts, which
   * logged why): nothing was sent or watched, and it is not listed as one of that Gateway's proxies.
   */
  private refuse(reason: string): false {
    this.node = undefined;
    this.key = undefined;
    this.fail(grpc.status.PERMISSION_DENIED, reason);
    return false;
  }

  private end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.call.end();
  }

  info(): ConnectionInfo {
    return {
      streamId: this.id,
      protocol: this.protocol,
      peer: this.peer,
      openedAt: this.openedAt,
      nodeId: this.node?.id,
      nodeCluster: this.node?.cluster,
      ...(this.node?.metadata ? { nodeMetadata: structToJson(this.node.metadata as unknown as Record<string, unknown>) } : {}),
      key: this.key,
      types: ADS_PUSH_ORDER.flatMap((typeUrl) => {
        const sub = this.subscriptions.get(typeUrl);
        return sub ? [sub.describe()] : [];
      }),
    };
  }

  sync(): ProxySync | undefined {
    if (!this.node || this.key === undefined || this.closed || this.ending) return undefined;
    let rejection: StandingRejection | undefined;
    for (const typeUrl of ADS_PUSH_ORDER) {
      const nack = this.subscriptions.get(typeUrl)?.lastNack;
      if (nack && !rejection) rejection = { typeUrl, names: nack.rejected, message: nack.errorDetail.message };
    }
    const accepted = (typeUrl: TypeUrl, name: string): string | undefined => this.subscriptions.get(typeUrl)?.acceptedVersion(name);
    return { streamId: this.id, nodeId: this.node.id, key: this.key, ...proxySync(this.currentSnapshot(), accepted, rejection) };
  }

  private receive(request: Req): void {
    if (this.closed || this.ending) return;
    try {
      this.handleRequest(request);
    } catch (err) {
      this.log.error({ err }, 'xDS request handling failed; closing stream');
      this.fail(grpc.status.INTERNAL, 'xDS server error');
    }
  }

  /** Caches the node from the first request and starts watching its snapshot. False if the stream was failed. */
  protected identify(node: Node__Output | null): boolean {
    if (this.node) return true;
    if (!node) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'the first request on an ADS stream must carry node');
      return false;
    }
    // Per-client bounds (limits.ts): an oversized node ends the stream before anything is kept.
    const refusal = this.ctx.limiter.checkNode(node, this.peer);
    if (refusal !== undefined) {
      this.fail(grpc.status.INVALID_ARGUMENT, refusal);
      return false;
    }
    this.node = normalizeNode(node);
    this.key = this.ctx.cache.nodeKey(this.node);
    const refused = this.ctx.authorize(this.call.getAuthContext(), this.key, this.log.child({ node: this.node.id, peer: this.peer }));
    if (refused !== undefined) return this.refuse(refused);
    this.unwatch = this.ctx.cache.watch(this.key, () => this.advance(), this.id);
    this.log.info({ node: this.node.id, key: this.key, peer: this.peer }, 'xDS stream identified');
    this.ctx.callbacks.streamIdentified(this.nodeEvent());
    return true;
  }

  /** The subscription for a type, created on first use; undefined (once logged) for types we do not serve. */
  protected subscriptionFor(typeUrl: string): { sub: TypeSubscription; created: boolean } | undefined {
    if (!isTypeUrl(typeUrl)) {
      if (!this.unknownTypes.has(typeUrl)) this.log.warn({ typeUrl }, 'request for an unserved xDS type; ignored');
      this.unknownTypes.add(typeUrl);
      return undefined;
    }
    const existing = this.subscriptions.get(typeUrl);
    if (existing) return { sub: existing, created: false };
    const sub = new TypeSubscription(typeUrl);
    this.subscriptions.set(typeUrl, sub);
    return { sub, created: true };
  }

  protected currentSnapshot(): Snapshot | undefined {
    // This proxy's own snapshot while it is served one (a rejection held for it alone).
    return this.key === undefined ? undefined : this.ctx.cache.getSnapshot(this.key, this.id);
  }

  /** The version string of a whole type in this process: instance id + content hash. */
  protected versionOf(snapshot: Snapshot, typeUrl: TypeUrl): string {
    return `${this.ctx.instanceId}-${snapshot.typeVersion(typeUrl)}`;
  }

  /**
   * A SotW LDS/CDS response states the client's whole set, so its version is that set's hash:
   * the type's version for a wildcard client, but a different one for an explicit subset or a
   * set that still retains removed resources — never one version for two contents.
   */
  private responseVersion(snapshot: Snapshot, typeUrl: TypeUrl, plan: ResponsePlan): string {
    return plan.replacesAll ? `${this.ctx.instanceId}-${combinedVersion(plan.resources)}` : this.versionOf(snapshot, typeUrl);
  }

  /**
   * Sends whatever the client lacks of the current snapshot, in three steps (warming.ts):
   * make (additions and changes of secrets, clusters, endpoints), switch (listeners and
   * routes, held while new clusters lack endpoints), break (the deletions step 1 held back).
   * Types with nothing new send nothing; without a snapshot, nothing happens (requests wait).
   */
  protected advance(): void {
    const snapshot = this.currentSnapshot();
    if (!snapshot || this.closed || this.ending) return;
    const start = performance.now();
    try {
      for (const typeUrl of MAKE_TYPES) this.respondTo(typeUrl, snapshot, true);
      const waiting = this.warming.pending(snapshot, this.subscriptions.get(TypeUrl.ClusterLoadAssignment)).length > 0;
      for (const typeUrl of SWITCH_TYPES) {
        // A first response never waits: Envoy asks for listeners only after its clusters warmed.
        if (!waiting || !this.subscriptions.get(typeUrl)?.responded) this.respondTo(typeUrl, snapshot, false);
      }
      if (waiting) {
        this.warming.arm();
        return;
      }
      this.warming.disarm();
      for (const typeUrl of MAKE_TYPES) this.respondTo(typeUrl, snapshot, false);
    } catch (err) {
      this.log.error({ err }, 'xDS push failed; closing stream');
      this.fail(grpc.status.INTERNAL, 'xDS server error');
    } finally {
      this.pushLog.flush({ node: this.node?.id, gateway: this.key }, performance.now() - start);
    }
  }

  /** Sends what `plan` says is due for the type, if the client subscribed to it. */
  private respondTo(typeUrl: TypeUrl, snapshot: Snapshot, retainRemoved: boolean): void {
    const sub = this.subscriptions.get(typeUrl);
    const plan = sub && this.plan(sub, snapshot, retainRemoved);
    if (!sub || !plan || this.closed || this.ending) return;
    const version = this.responseVersion(snapshot, typeUrl, plan);
    const nonce = String(++this.nonceCounter);
    const first = !sub.responded;
    const start = performance.now();
    this.call.write(this.encode(typeUrl, plan, nonce, version));
    const durationMs = performance.now() - start;
    sub.commit(plan, nonce, version);
    this.reportPush(typeUrl, plan, nonce, version, durationMs);
    if (typeUrl === TypeUrl.Cluster) this.clustersSent(plan, first);
  }

  /**
   * Envoy re-warms a changed Cluster and finishes only when a ClusterLoadAssignment arrives for
   * it, even an unchanged one (xds_protocol "Resource warming"): those CLAs are forgotten so
   * the EDS step right after resends them. The CLAs of new clusters are then awaited before
   * routes move — but only on updates of a client that fetches endpoints here: on the first
   * CDS response Envoy itself holds listeners back until its clusters warmed, and a client
   * without an EDS subscription would make every update wait for the timeout.
   */
  private clustersSent(plan: ResponsePlan, first: boolean): void {
    const eds = this.subscriptions.get(TypeUrl.ClusterLoadAssignment);
    if (!eds) return;
    for (const cluster of plan.changed) {
      for (const name of cluster.references[TypeUrl.ClusterLoadAssignment] ?? []) eds.forget(name);
    }
    if (!first) this.warming.clustersSent(plan.changed);
  }

  private reportPush(typeUrl: TypeUrl, plan: ResponsePlan, nonce: string, version: string, durationMs: number): void {
    const names = plan.resources.map((r) => r.name);
    const bytes = plan.resources.reduce((sum, r) => sum + r.any.value.length, 0);
    this.pushLog.add({ type: SHORT_NAME[typeUrl], count: names.length, removed: plan.removed.length, bytes });
    this.log.debug(
      { node: this.node?.id, key: this.key, type: SHORT_NAME[typeUrl], count: names.length, removed: plan.removed.length, bytes, version, nonce },
      'xDS response',
    );
    const resources = plan.resources.map((r) => ({ name: r.name, version: r.version }));
    this.ctx.callbacks.push({ ...this.nodeEvent(), typeUrl, version, nonce, names, resources, removed: plan.removed, bytes, durationMs });
  }

  /**
   * Settles the response a request answers (settle.ts).
   * @param clientVersion SotW `version_info` (what the client runs); Delta has none.
   */
  protected settle(sub: TypeSubscription, nonce: string, errorDetail: Status__Output | null, clientVersion?: string): void {
    settleResponse(this.settling, sub, nonce, errorDetail, clientVersion);
  }

  private streamEvent(): StreamEvent {
    return { streamId: this.id, protocol: this.protocol, peer: this.peer };
  }

  private nodeEvent(): NodeStreamEvent {
    // Only called after identify(): every request path starts there.
    return { ...this.streamEvent(), node: this.node as Node__Output, key: this.key ?? '' };
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    this.warming.disarm();
    this.ctx.streams.delete(this.id);
    // Info, like the identification: which proxies come and go is operational information.
    const seconds = Math.round((Date.now() - this.openedAt.getTime()) / 100) / 10;
    this.log.info({ node: this.node?.id, key: this.key, peer: this.peer, seconds }, 'xDS stream closed');
    this.ctx.callbacks.streamClosed({ ...this.streamEvent(), node: this.node, key: this.key });
  }
}
