/**
 * Lazy command registration, so a CLI loads only the modules of the command it runs:
 * `gstack --version` loads none, `gstack eval list` only the list command's, not the
 * runner, the providers or supabase-js. Help, no command, or an unknown one load all.
 */
import type { Command } from 'commander';

/** A module that registers some commands on a parent command. */
export interface CommandModule {
  /** The command names it registers (a name ending in `*` matches a prefix). */
  names: string[];
  load: () => Promise<(parent: Command, argv: string[]) => void | Promise<void>>;
}

const HELP = ['-h', '--help', 'help'];

function matches(module: CommandModule, name: string): boolean {
  return module.names.some((n) => (n.endsWith('*') ? name.startsWith(n.slice(0, -1)) : n === name));
}

/**
 * Registers on `parent` the modules `args` (the arguments after the parent's own name) need.
 * The registered module receives the arguments after the command name, for its own subcommands.
 */
export async function registerLazily(parent: Command, args: string[], modules: CommandModule[]): Promise<void> {
  const index = args.findIndex((a) => !a.startsWith('-'));
  const name = index >= 0 ? args[index] : undefined;
  const rest = index >= 0 ? args.slice(index + 1) : [];
  // `--version` / `-v` alone needs no command at all.
  if (name === undefined && args.some((a) => a === '-v' || a === '--version') && !args.some((a) => HELP.includes(a))) return;
  const wanted = name !== undefined && !HELP.includes(name) ? modules.filter((m) => matches(m, name)) : [];
  for (const module of wanted.length ? wanted : modules) await (await module.load())(parent, wanted.length ? rest : []);
  // A name the table does not know yet (a new command in an existing module): load the rest too.
  if (wanted.length && !parent.commands.some((c) => c.name() === name || c.aliases().includes(name ?? ''))) {
    for (const module of modules.filter((m) => !wanted.includes(m))) await (await module.load())(parent, []);
  }
}
