/**
 * `grpc.health.v1.Health` (protos/grpc/health/v1/health.proto, vendored from grpc/grpc-proto),
 * served by every gRPC echo backend with a status a test switches at run time, so a backend can
 * do what a draining grpc-go server does: `SetServingStatus(NOT_SERVING)`, wait for the proxy's
 * health checks to notice, `GracefulStop`, come back `SERVING`.
 *
 * One status for the whole server: `Check` answers it for the empty service name and for every
 * service the backend serves, and NOT_FOUND for any other name, as grpc-go's health server does.
 * `Watch` streams the status and every change; `List` names each served service.
 * Every Check is counted with the `:authority` it carried, so a test can see who health-checks
 * the backend and under which name (Envoy must send the Service's DNS name).
 */
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROJECT_ROOT } from '../../src/project-root';
import type { ProtoGrpcType } from '../generated/health';
import type { HealthHandlers } from '../generated/grpc/health/v1/Health';
import type { HealthCheckRequest__Output } from '../generated/grpc/health/v1/HealthCheckRequest';
import type { HealthCheckResponse } from '../generated/grpc/health/v1/HealthCheckResponse';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

let cachedDefinition: protoLoader.PackageDefinition | undefined;

function healthPackageDefinition(): protoLoader.PackageDefinition {
  cachedDefinition ??= protoLoader.loadSync(['grpc/health/v1/health.proto'], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [path.join(PROJECT_ROOT, 'protos')],
  });
  return cachedDefinition;
}

export function healthService(): grpc.ServiceDefinition {
  const loaded = grpc.loadPackageDefinition(healthPackageDefinition()) as unknown as ProtoGrpcType;
  return loaded.grpc.health.v1.Health.service;
}

/** Bounds a Watch fan-out: a client opening streams in a loop cannot grow the set without end. */
const MAX_WATCHERS = 100;
const AUTHORITY_LOG_MAX = 100;

/** The switchable status of one backend, and what its health checkers sent. */
export class HealthState {
  private status: ServingStatus = 'SERVING';
  private readonly watchers = new Set<grpc.ServerWritableStream<HealthCheckRequest__Output, HealthCheckResponse>>();
  private checkCount = 0;
  private readonly authorities: string[] = [];

  /** `services`: the names Check and Watch know besides the empty one (the server's services). */
  constructor(private readonly services: readonly string[]) {}

  get(): ServingStatus {
    return this.status;
  }

  /** Like grpc-go's `SetServingStatus`: every later Check, and every open Watch, sees it. */
  set(status: ServingStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const w of this.watchers) w.write({ status });
  }

  /** Check calls answered so far. */
  checks(): number {
    return this.checkCount;
  }

  /** The `:authority` of the last Check calls, oldest first (the last 100). */
  checkAuthorities(): readonly string[] {
    return [...this.authorities];
  }

  /** Ends every Watch (the server is going away; grpc-go ends them with the server too). */
  closeWatchers(): void {
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }

  private knows(service: string): boolean {
    return service === '' || this.services.includes(service);
  }

  handlers(): HealthHandlers {
    return {
      Check: (call, callback) => {
        this.checkCount++;
        this.authorities.push(call.getHost());
        if (this.authorities.length > AUTHORITY_LOG_MAX) this.authorities.shift();
        if (!this.knows(call.request.service)) {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
          return;
        }
        callback(null, { status: this.status });
      },
      List: (_call, callback) => {
        const statuses: Record<string, HealthCheckResponse> = {};
        for (const s of ['', ...this.services]) statuses[s] = { status: this.status };
        callback(null, { statuses });
      },
      Watch: (call) => {
        if (!this.knows(call.request.service)) {
          // grpc-go keeps the stream open on SERVICE_UNKNOWN; ours never learns new services.
          call.write({ status: 'SERVICE_UNKNOWN' });
          call.end();
          return;
        }
        if (this.watchers.size >= MAX_WATCHERS) {
          call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `more than ${MAX_WATCHERS} watchers` });
          return;
        }
        this.watchers.add(call);
        call.on('cancelled', () => this.watchers.delete(call));
        call.write({ status: this.status });
      },
    };
  }
}
