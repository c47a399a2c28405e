/**
 * The one importer of @inquirer/prompts: the exercise runner asks through the `Prompter` interface
 * so its flow can be driven by @inquirer/testing (which mocks these prompts) or by a script.
 * Ctrl-C inside a prompt becomes `PromptCancelled`, which the runner answers by saving and leaving
 * the cluster as it is.
 */
import { checkbox, confirm, input, number, select } from '@inquirer/prompts';

export interface PromptChoice<V extends string> {
  value: V;
  name: string;
  description?: string;
}

export interface Prompter {
  input(options: {
    message: string;
    default?: string;
    validate?: (text: string) => true | string;
  }): Promise<string>;
  number(options: {
    message: string;
    default?: number;
    validate?: (value: number | undefined) => true | string;
  }): Promise<number | undefined>;
  select<V extends string>(options: { message: string; choices: PromptChoice<V>[]; default?: V }): Promise<V>;
  checkbox<V extends string>(options: {
    message: string;
    choices: (PromptChoice<V> & { checked?: boolean })[];
  }): Promise<V[]>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
}

/** Ctrl-C (or a closed terminal) inside a prompt. */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';
  constructor() {
    super('cancelled');
  }
}

async function guarded<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    // @inquirer/core's ExitPromptError (Ctrl-C) and AbortPromptError: matched by name, so this
    // module does not import @inquirer/core as well.
    const name = (error as Error | undefined)?.name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new PromptCancelled();
    throw error;
  }
}

export const inquirerPrompter: Prompter = {
  input: (o) =>
    guarded(() =>
      input({
        message: o.message,
        ...(o.default === undefined ? {} : { default: o.default }),
        ...(o.validate === undefined ? {} : { validate: o.validate }),
      }),
    ),
  number: (o) =>
    guarded(() =>
      number({
        message: o.message,
        ...(o.default === undefined ? {} : { default: o.default }),
        ...(o.validate === undefined ? {} : { validate: o.validate }),
      }),
    ),
  select: (o) =>
    guarded(() =>
      select({
        message: o.message,
        choices: o.choices,
        ...(o.default === undefined ? {} : { default: o.default }),
      }),
    ),
  checkbox: (o) => guarded(() => checkbox({ message: o.message, choices: o.choices })),
  confirm: (o) =>
    guarded(() =>
      confirm({ message: o.message, ...(o.default === undefined ? {} : { default: o.default }) }),
    ),
};
