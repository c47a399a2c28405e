/**
 * The only importer of blessed (STYLE: one wrapper module per third-party library). blessed is
 * CommonJS: under ESM only its default import works (named imports crash). The dashboard draws
 * its charts as text sparklines in plain boxes, so blessed-contrib's widgets are not needed; were
 * they, they would be imported here too.
 */
import type { Readable, Writable } from 'node:stream';
import blessed from 'blessed';

export type Screen = blessed.Widgets.Screen;
export type Box = blessed.Widgets.BoxElement;
export type KeyEvent = blessed.Widgets.Events.IKeyEventArg;

export interface ScreenOptions {
  input: Readable;
  output: Writable;
  title: string;
}

export function createScreen(options: ScreenOptions): Screen {
  return blessed.screen({
    // The typings have input and output the wrong way round; blessed reads input and writes output.
    input: options.input as unknown as Writable,
    output: options.output as unknown as Readable,
    terminal: 'xterm-256color',
    title: options.title,
    smartCSR: true,
    autoPadding: false,
    warnings: false,
    fullUnicode: false,
  });
}

export interface BoxOptions {
  label?: string;
  border?: boolean;
  style?: { fg?: string; bg?: string; border?: { fg?: string } };
}

export function createBox(screen: Screen, options: BoxOptions): Box {
  return blessed.box({
    parent: screen,
    tags: true,
    wrap: false,
    ...(options.label !== undefined ? { label: ` ${options.label} ` } : {}),
    ...(options.border !== false ? { border: { type: 'line' as const } } : {}),
    style: { border: { fg: 'blue' }, ...options.style },
  });
}

/**
 * After screen.destroy(): blessed leaves its key decoder on the input stream (a `data` listener and
 * a `_keypressDecoder`), which would decode every key a second time once a readline-based prompt
 * (inquirer) attaches its own. Remove it so the next reader of stdin starts clean.
 */
export function releaseInput(input: Readable): void {
  for (const listener of input.listeners('data')) {
    if ((listener as { name?: string }).name === 'onData') input.off('data', listener as () => void);
  }
  for (const listener of input.listeners('newListener')) {
    if ((listener as { name?: string }).name === 'onNewListener')
      input.off('newListener', listener as () => void);
  }
  delete (input as { _keypressDecoder?: unknown })._keypressDecoder;
}
