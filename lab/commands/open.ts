/**
 * `lab open [nn | dn N | dnN | snn]`: the URL of a daemon's web page — the NameNode's web UI
 * (dfs.namenode.http-address, 9870), a DataNode's page (dfs.datanode.http.address, 9864) or the
 * Secondary NameNode's (dfs.namenode.secondary.http-address, 9868) — or the learning pages while
 * `lab web` serves them (`lab open web`) — printed alone on stdout, so
 * `curl "$(lab open)jmx"` works. A browser is started only when $BROWSER names one (as
 * xdg-open and Python's webbrowser read it: `cmd`, `cmd --flag`, `cmd %s`, several joined by `:`);
 * without one, or when it cannot start (CI, a headless machine), the URL is all there is and the
 * command still succeeds.
 */
import { spawn } from 'node:child_process';
import { datanodeById, type ClusterDescription } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { readLabWebAddress } from '../../cluster/home/lab-web-address.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { UsageError } from '../cli/errors.js';
import { err, out } from '../cli/output.js';

const USAGE = 'lab open [nn | dn N | dnN | snn | web]';

/** Which page: the daemon's id and its URL. Pure: the description and the NameNode's address in. */
export function pageUrl(
  desc: ClusterDescription,
  nnHttpAddress: string | undefined,
  words: readonly string[],
  labWebAddress?: string,
): { id: string; url: string } {
  const [what = 'nn', number, extra] = words;
  if (extra !== undefined) throw new UsageError(`lab open: too many arguments: ${words.join(' ')}`, USAGE);
  if (what === 'web' && number === undefined) {
    if (labWebAddress === undefined) {
      throw new UsageError(
        'lab open web: the learning pages are not being served: run `lab web` (in another terminal; it serves them until Ctrl-C).',
      );
    }
    return { id: 'web', url: `http://${labWebAddress}/lab/` };
  }
  if (what === 'nn' && number === undefined) {
    if (nnHttpAddress === undefined) {
      throw new UsageError(
        'lab open: the NameNode has not published its HTTP address (nn-http.address): is the cluster running? Start it with `lab start`.',
      );
    }
    return { id: 'nn', url: `http://${nnHttpAddress}/` };
  }
  if (what === 'snn' && number === undefined) {
    if (!desc.secondary) throw new UsageError('lab open snn: this cluster has no Secondary NameNode.');
    return { id: desc.secondary.id, url: `http://${desc.secondary.host}:${desc.secondary.port}/` };
  }
  const id = what === 'dn' && number !== undefined ? `dn${number}` : number === undefined ? what : '';
  const dn = /^dn\d+$/.test(id) ? datanodeById(desc, id) : undefined;
  if (!dn?.httpPort) {
    const known = desc.datanodes.map((d) => d.id).join(', ');
    throw new UsageError(
      `lab open: no such page: ${words.join(' ')} (nn, snn, web, or a DataNode: ${known})`,
      USAGE,
    );
  }
  return { id: dn.id, url: `http://${dn.host}:${dn.httpPort}/` };
}

/**
 * $BROWSER as a command line for `url`: its first entry (entries are `:`-separated), `%s` replaced
 * by the URL or the URL appended. Undefined when no browser is configured.
 */
export function browserCommand(browserEnv: string | undefined, url: string): string[] | undefined {
  const first = (browserEnv ?? '').split(':')[0]?.trim() ?? '';
  if (first === '') return undefined;
  const words = first.split(/\s+/);
  return words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url];
}

/** Starts the browser detached; a browser that cannot start is a note, never a failure. */
function startBrowser(command: readonly string[]): void {
  const [file, ...args] = command;
  if (file === undefined) return;
  const child = spawn(file, args, { detached: true, stdio: 'ignore' });
  child.on('error', (e) =>
    err(`lab open: could not start $BROWSER (${file}: ${e.message}); open the URL yourself`),
  );
  child.unref();
}

export function registerOpen(program: Command): void {
  program
    .command('open')
    .description("print the URL of a daemon's web page (the NameNode's web UI by default); $BROWSER opens it")
    .argument('[node...]', 'nn (default), snn, dn N or dnN, web (the learning pages of `lab web`)')
    .action((words: string[], _flags: unknown, command: Command) => {
      const home = homeOf(command);
      const description = requireDescription(home);
      const page = pageUrl(
        description,
        readNamenodeHttpAddress(home, description),
        words,
        readLabWebAddress(home),
      );
      out(page.url);
      const browser = browserCommand(process.env.BROWSER, page.url);
      if (browser) startBrowser(browser);
    });
}
