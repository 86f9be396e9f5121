/** `gstack-sync prefs [KEY VALUE]`: show or change sync_enabled, sync_transcripts, share_judge_cache. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { loadPreferences, PREFERENCE_KEYS, type Preferences, setPreference } from '../../sync/preferences.ts';

export function registerPreferences(program: Command): void {
  program
    .command('prefs')
    .description(`Show or set your sync preferences (${PREFERENCE_KEYS.join(', ')})`)
    .argument('[key]', 'the preference')
    .argument('[value]', 'true or false')
    .option('--json', 'print JSON')
    .action(async (key: string | undefined, value: string | undefined, flags: { json?: boolean }) => {
      let prefs = loadPreferences(process.env);
      if (key !== undefined) {
        if (!PREFERENCE_KEYS.includes(key as keyof Preferences))
          throw new UserError(`unknown preference ${JSON.stringify(key)}; one of ${PREFERENCE_KEYS.join(', ')}`);
        if (value !== 'true' && value !== 'false') throw new UserError(`${key} takes true or false`);
        prefs = await setPreference(process.env, key as keyof Preferences, value === 'true');
      }
      if (flags.json) return printJson(prefs);
      for (const [k, v] of Object.entries(prefs)) process.stdout.write(`${k.padEnd(18)} ${v}\n`);
    });
}
