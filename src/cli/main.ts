/**
 * The `attache` executable: dispatches to a command. Exit codes: 0 success, 1 failure (bad
 * input, a server that cannot be reached, a proxy out of sync; the message says which),
 * 2 usage error (unknown command or flag, bad flag value; the message names it).
 */
import { bootstrapCommand } from './bootstrap';
import { CommandError, UsageError } from './flags';
import { serveCommand } from './serve';
import { statusCommand } from './status';
import { translateCommand } from './translate';
import { validateCommand } from './validate';
import { proxiesCommand } from './proxies';
import { exitWhenFlushed, guardStdio } from './stdio';
import { redactText } from '../debug/redact';

const COMMANDS: Record<string, { summary: string; run: (argv: readonly string[]) => number | Promise<number> }> = {
  serve: { summary: 'run the control plane (file mode)', run: serveCommand },
  bootstrap: { summary: 'print an Envoy bootstrap for a Gateway', run: bootstrapCommand },
  status: { summary: 'show status conditions (from files, or from a running server)', run: statusCommand },
  translate: { summary: 'print the Envoy resources for manifests, offline', run: translateCommand },
  validate: { summary: 'check manifests (schema, CEL, references); exit 1 on problems', run: validateCommand },
  proxies: { summary: 'list connected proxies and whether they are in sync', run: proxiesCommand },
};

function help(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `Usage: attache COMMAND [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'attache COMMAND --help' for a command's flags.\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`attache: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`attache ${name}: ${redactText(e.message)}\nRun 'attache ${name} --help' for its flags.\n`);
      return 2;
    }
    if (e instanceof CommandError) {
      process.stderr.write(`attache ${name}: ${redactText(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * Runs one command as the `attache` executable does (bin/attache.js): a closed stdout or stderr
 * pipe ends the output quietly, and the process exits with the command's code only once all it
 * wrote has drained (stdio.ts says why both matter).
 */
export function runAndExit(argv: readonly string[]): void {
  guardStdio();
  main(argv).then(
    (code) => exitWhenFlushed(code),
    (e: unknown) => {
      // Errors may quote what they failed on: key material never reaches stderr (debug/redact.ts).
      process.stderr.write(`attache: ${redactText(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
      return exitWhenFlushed(1);
    },
  );
}

if (require.main === module) runAndExit(process.argv.slice(2));
