/**
 * For the commands that serve until stopped (`lab web`, `lab oiv -p Web`): resolves on the first
 * SIGINT (Ctrl-C) or SIGTERM, so the command closes its server and removes what it published.
 */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
