/**
 * `gstack team`: create a team, invite and join, members and roles, settings
 * (Slack webhook, alert threshold, digest), CI ingest tokens. Every change is an
 * RPC or a row the store's policies allow; refusals exit 1 with the reason.
 * One file per subcommand; common.ts holds what they share.
 */
import type { Command } from 'commander';
import { registerTeamCreate } from './create.ts';
import { registerTeamInvite } from './invite.ts';
import { registerTeamJoin } from './join.ts';
import { registerTeamMembers } from './members.ts';
import { registerTeamRemove } from './remove.ts';
import { registerTeamRole } from './role.ts';
import { registerTeamSet } from './set.ts';
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
  registerTeamToken(team);
}
