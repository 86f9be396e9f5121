/** `gstack team create`: create a team; the creator becomes its admin. */
import { teamSlugSchema } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { rpc, user } from './common.ts';

export function registerTeamCreate(team: Command): void {
  team
    .command('create')
    .argument('<slug>', 'lowercase letters, digits and hyphens')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .description('Create a team; you become its admin')
    .action(async (slug: string, flags: { name?: string; json?: boolean }) => {
      const parsed = teamSlugSchema.safeParse(slug);
      if (!parsed.success) throw new UserError(`slug: ${parsed.error.issues[0]?.message}`);
      const connection = await user();
      const created = await rpc(connection, 'create_team', {
        p_slug: slug,
        p_name: flags.name,
      });
      if (flags.json) return printJson(created);
      process.stdout.write(`created team ${created.slug} (${created.name}); you are its admin\n`);
      if (connection.team !== slug)
        process.stdout.write(`to sync with it, set team_slug to ${slug} in .gstack-sync.json (gstack-sync setup --team ${slug} ...)\n`);
    });
}
