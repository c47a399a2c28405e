/**
 * Where the learning pages are (`lab web`): the address its server bound and the pid serving it,
 * in `<home>/lab-web.address`. `lab web` writes it and removes it when it stops; the NameNode's web
 * UI links to the pages only while the file names a live process, so it never imports lab/ and a
 * server killed with SIGKILL leaves no dead link.
 */
import fs from 'node:fs';
import path from 'node:path';

export function labWebAddressFile(home: string): string {
  return path.join(home, 'lab-web.address');
}

/** Records `host:port` served by `pid` (first line the address, second the pid). */
export function writeLabWebAddress(home: string, address: string, pid: number): void {
  fs.writeFileSync(labWebAddressFile(home), `${address}\n${pid}\n`);
}

/** Removes the file if it is still `pid`'s (a newer `lab web` may have replaced it). */
export function removeLabWebAddress(home: string, pid: number): void {
  if (readRecord(home)?.pid === pid) fs.rmSync(labWebAddressFile(home), { force: true });
}

/** The learning pages' `host:port`, or undefined when no live `lab web` serves them. */
export function readLabWebAddress(home: string): string | undefined {
  const record = readRecord(home);
  return record && isAlive(record.pid) ? record.address : undefined;
}

function readRecord(home: string): { address: string; pid: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(labWebAddressFile(home), 'utf8');
  } catch {
    return undefined;
  }
  const match = /^([\d.]+:\d+)\n(\d+)\n?$/.exec(text);
  return match ? { address: match[1] as string, pid: Number(match[2]) } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's; the link is still worth showing.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
