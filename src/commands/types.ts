import type { CovalentContext } from '../context';

/**
 * A command handler. `argument` is the object of the public command API (see
 * PRODUCT.md) when another extension, a CodeLens or a test calls the command;
 * absent from the palette, where the handler asks for what it needs.
 */
export type CommandHandler = (context: CovalentContext, argument?: unknown) => unknown;

export type CommandTable = Readonly<Record<string, CommandHandler>>;
