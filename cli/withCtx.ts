// Runs a command body with the installation open, and closes it whatever happens.
import type { Command } from 'commander';
import { openCtx, type Ctx } from './context.js';

export async function withCtx<T>(cmd: Command, body: (ctx: Ctx) => T | Promise<T>): Promise<T> {
  const ctx = openCtx(cmd.optsWithGlobals());
  try {
    return await body(ctx);
  } finally {
    ctx.close();
  }
}
