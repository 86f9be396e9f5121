/**
 * `gstack team`: create a team, invite and join, members and roles, settings
 * (Slack webhook, alert threshold, digest), CI ingest tokens. Every change is an
 * RPC or a row the store's policies allow; refusals exit 1 with the reason.
 * One file per subcommand; common.ts holds what they share.
 */
import { teamSlugSchema } from '@gstack/core';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { registerAlertCommands } from './alerts.ts';
import { registerTeamCreate } from './create.ts';
import { registerTeamInvite } from './invite.ts';
import { registerTeamJoin } from './join.ts';
import { registerTeamMembers } from './members.ts';
import { registerTeamPurgeVerdicts } from './purge-verdicts.ts';
import { registerTeamRemove } from './remove.ts';
import { registerTeamRole } from './role.ts';
import { registerTeamSet } from './set.ts';
import { registerTeamSettings } from './settings.ts';
import { registerTeamToken } from './token.ts';

export function registerTeam(program: Command): void {
  const team = program.command('team').description('Create and manage your team (needs gstack-sync setup and login)');
  registerTeamCreate(team);
  registerTeamMembers(team);
  registerTeamInvite(team);
  registerTeamJoin(team);
  registerTeamRemove(team);
  registerTeamRole(team);
  registerTeamSet(team);
  registerTeamSettings(team);
  registerTeamToken(team);
  registerTeamPurgeVerdicts(team);
  registerAlertCommands(team);
  addTeamOption(team);
  // `--team SLUG` overrides the configured team for this one command (GSTACK_TEAM is the layer it lands in).
  team.hook('preAction', (_team, action) => {
    const slug = action.opts().team as string | undefined;
    if (slug === undefined) return;
    const parsed = teamSlugSchema.safeParse(slug);
    if (!parsed.success) throw new UserError(`--team: ${parsed.error.issues[0]?.message}`);
    process.env.GSTACK_TEAM = slug;
  });
}

/** Every leaf command but `create` (which names its team) takes --team. */
function addTeamOption(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length) addTeamOption(sub);
    else if (sub.name() !== 'create') sub.option('--team <slug>', 'act on this team instead of the configured one');
  }
}
