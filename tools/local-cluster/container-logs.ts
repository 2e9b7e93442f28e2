/**
 * What a container wrote (stdout and stderr, line by line, with the time each line arrived), kept
 * for `kubectl logs` and the API's `pods/log`: the suite's mirror tests find mirrored requests by
 * reading the mirror backend's log ("Echoing back request made to /path to client"). Bounded:
 * the oldest lines go first. The query is the kubelet's /containerLogs one. Pure apart from
 * the clock passed in.
 */

export interface LogLine {
  time: Date;
  text: string;
}

const DEFAULT_MAX_LINES = 5000;

export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private partial = '';

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  write(chunk: string, now: Date): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const text of parts) this.lines.push({ time: now, text });
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }

  /** The lines since `sinceTime` (inclusive), the last `tailLines` of them, as the API returns them. */
  read(query: { sinceTime?: Date; tailLines?: number; timestamps?: boolean }): string {
    let lines = query.sinceTime ? this.lines.filter((l) => l.time.getTime() >= query.sinceTime!.getTime()) : this.lines;
    if (query.tailLines !== undefined) lines = query.tailLines > 0 ? lines.slice(-query.tailLines) : [];
    return lines.map((l) => (query.timestamps ? `${l.time.toISOString()} ${l.text}\n` : `${l.text}\n`)).join('');
  }
}
