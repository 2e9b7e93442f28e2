/**
 * A network namespace per Pod, the way a container runtime's pause container and a bridge CNI
 * plugin make one, with `ip` and `unshare` (iproute2, util-linux) instead of a runtime:
 *
 *  - the node network (once): a bridge (default `attache0`) holding the first address of the pod
 *    network (default 10.245.0.1/16) — the Pods' default gateway, and the address by which a
 *    Pod reaches the node's own processes (anything listening on 0.0.0.0 or on that address);
 *    addresses that are local in the node's namespace (scripts/netns.sh's 10.244.0.0/16: the
 *    node IP 10.244.0.1, echo-basic Pods, load-balancer addresses; the service CIDR) are reached
 *    the same way, through the gateway;
 *  - per Pod, a sandbox: a holder process (`unshare --net sleep infinity`, the pause container)
 *    whose new namespace gets `lo` up and `eth0`, one end of a veth pair whose other end
 *    (`vp-<3rd>-<4th octet>`) is on the bridge, with the Pod IP and a default route via the
 *    gateway. Containers run in it with `nsenter --net=/proc/<holder>/ns/net`.
 *
 * Removal: killing the holder once the containers are gone frees the namespace, which deletes
 * both veth ends; the bridge and the service CIDR go at close. Must run in a namespace of our
 * own (scripts/netns.sh): it changes that namespace's links and routes.
 */
import { execFile, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import type { Logger } from 'pino';
import { track } from './children';

const IP_TIMEOUT_MS = 10_000;
const SANDBOX_READY_TIMEOUT_MS = 5000;

export interface NodeNetworkOptions {
  bridge: string;
  /** The pod network, e.g. 10.245.0.0/16: the bridge takes its first address. */
  cidr: string;
  /** Made local on lo (ClusterIPs), e.g. 10.96.0.0/16; empty: none. */
  serviceCidr?: string;
  log: Logger;
}

export interface PodSandbox {
  readonly ip: string;
  /** The namespace's file (/proc/<holder>/ns/net). */
  readonly netns: string;
  /** `argv` run inside the namespace. */
  wrap(argv: readonly string[]): string[];
  stop(): Promise<void>;
}

export class NodeNetwork {
  readonly gateway: string;
  private readonly prefix: number;

  private constructor(private readonly o: NodeNetworkOptions) {
    const [base, prefix] = o.cidr.split('/');
    this.prefix = Number(prefix);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(base) || !(this.prefix >= 8 && this.prefix <= 30))
      throw new Error(`--pod-network ${o.cidr}: not an IPv4 CIDR of /8 to /30`);
    const parts = base.split('.').map(Number);
    parts[3] += 1;
    this.gateway = parts.join('.');
  }

  static async create(o: NodeNetworkOptions): Promise<NodeNetwork> {
    const n = new NodeNetwork(o);
    await ip(['link', 'del', o.bridge]).catch(() => undefined); // left by a run that was killed in this same namespace
    await ipBatch([`link add ${o.bridge} type bridge`, `addr add ${n.gateway}/${n.prefix} dev ${o.bridge}`, `link set ${o.bridge} up`]);
    if (o.serviceCidr) await ip(['addr', 'replace', o.serviceCidr, 'dev', 'lo']);
    o.log.info({ bridge: o.bridge, gateway: n.gateway, serviceCidr: o.serviceCidr }, 'pod network up');
    return n;
  }

  async close(): Promise<void> {
    await ip(['link', 'del', this.o.bridge]).catch((e: Error) => this.o.log.warn({ err: e.message }, 'could not delete the bridge'));
    if (this.o.serviceCidr) await ip(['addr', 'del', this.o.serviceCidr, 'dev', 'lo']).catch(() => undefined);
  }

  /** A new namespace with `podIP` on its eth0. */
  async sandbox(podIP: string): Promise<PodSandbox> {
    const holder = track(spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' }));
    const netns = `/proc/${holder.pid}/ns/net`;
    const veth = vethName(podIP);
    try {
      await waitForOwnNamespace(holder, netns);
      await ip(['link', 'del', veth]).catch(() => undefined);
      await ipBatch([`link add ${veth} type veth peer name eth0 netns ${holder.pid}`, `link set ${veth} master ${this.o.bridge} up`]);
      await ipBatch(['link set lo up', `addr add ${podIP}/${this.prefix} dev eth0`, 'link set eth0 up', `route add default via ${this.gateway}`], netns);
    } catch (e) {
      await killHolder(holder);
      await ip(['link', 'del', veth]).catch(() => undefined);
      throw e;
    }
    return {
      ip: podIP,
      netns,
      wrap: (argv) => ['nsenter', `--net=${netns}`, '--', ...argv],
      stop: async () => {
        await killHolder(holder);
        // Usually gone with the namespace already; the kernel frees it asynchronously.
        await ip(['link', 'del', veth]).catch(() => undefined);
      },
    };
  }
}

/** Linux caps interface names at 15 characters. */
function vethName(podIP: string): string {
  const p = podIP.split('.');
  return `vp-${p[2]}-${p[3]}`;
}

async function waitForOwnNamespace(holder: ChildProcess, netns: string): Promise<void> {
  const ours = fs.readlinkSync('/proc/self/ns/net');
  const deadline = Date.now() + SANDBOX_READY_TIMEOUT_MS;
  for (;;) {
    if (holder.exitCode !== null || holder.signalCode !== null) throw new Error(`unshare --net exited (${holder.exitCode ?? holder.signalCode})`);
    let theirs: string | undefined;
    try {
      theirs = fs.readlinkSync(netns);
    } catch {
      theirs = undefined;
    }
    if (theirs && theirs !== ours) return;
    if (Date.now() > deadline) throw new Error('unshare --net made no namespace in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function killHolder(holder: ChildProcess): Promise<void> {
  if (holder.exitCode !== null || holder.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  holder.kill('SIGKILL');
  await exited;
}

function ip(args: readonly string[]): Promise<string> {
  return run('ip', args);
}

/** Several `ip` commands in one process (`ip -batch`), optionally inside the namespace `netns`. */
function ipBatch(lines: readonly string[], netns?: string): Promise<string> {
  const argv = netns ? ['nsenter', `--net=${netns}`, '--', 'ip', '-batch', '-'] : ['ip', '-batch', '-'];
  return run(argv[0], argv.slice(1), lines.join('\n') + '\n');
}

function run(cmd: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: IP_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
