/**
 * The only importer of commander: the pieces of it the `lab` CLI uses.
 */
export { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
